using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using RSerPool.Registrars;
using RSerPool.Wire.Messages;

namespace RSerPool.Resolution;

/// <summary>
/// Sends ASAP_ENDPOINT_UNREACHABLE for failed elements (RFC 5352 §3.5): at most once per failure,
/// i.e. not again for the same element within the report interval, and no more than a fixed number
/// per second in total, because registrars count reports and a flood of them is itself an attack
/// (§9, threat 8). The element always leaves the local cache, reported or not.
/// </summary>
internal sealed class UnreachableReporter
{
    private readonly RegistrarClient _client;
    private readonly HandleResolutionCache _cache;
    private readonly TimeSpan _interval;
    private readonly int _perSecond;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly Dictionary<(PoolHandle, uint), DateTimeOffset> _lastReport = new();
    private readonly Queue<DateTimeOffset> _recent = new();

    internal UnreachableReporter(RegistrarClient client, HandleResolutionCache cache, TimeSpan interval, int perSecond, TimeProvider time, ILogger logger)
    {
        _client = client;
        _cache = cache;
        _interval = interval;
        _perSecond = perSecond;
        _time = time;
        _logger = logger;
    }

    /// <summary>Reports the element; false when the report was suppressed by the rate limits.</summary>
    internal async Task<bool> ReportAsync(PoolHandle handle, uint identifier, CancellationToken cancellationToken)
    {
        _cache.Evict(handle, identifier);
        if (!TryReserve(handle, identifier))
        {
            _logger.LogDebug("Not reporting {PoolHandle}/${Id:x8} again so soon", handle, identifier);
            return false;
        }

        RegistrarAddress registrar = await _client.SendAsync(new EndpointUnreachable(handle.Parameter, identifier), cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Reported pool element {PoolHandle}/${Id:x8} as unreachable to {Registrar}", handle, identifier, registrar);
        return true;
    }

    private bool TryReserve(PoolHandle handle, uint identifier)
    {
        DateTimeOffset now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_lastReport.TryGetValue((handle, identifier), out DateTimeOffset last) && now - last < _interval)
            {
                return false;
            }

            while (_recent.Count > 0 && now - _recent.Peek() >= TimeSpan.FromSeconds(1))
            {
                _recent.Dequeue();
            }

            if (_recent.Count >= _perSecond)
            {
                return false;
            }

            _recent.Enqueue(now);
            _lastReport[(handle, identifier)] = now;
            if (_lastReport.Count > 4096)
            {
                PurgeOld(now);
            }

            return true;
        }
    }

    private void PurgeOld(DateTimeOffset now)
    {
        var old = new List<(PoolHandle, uint)>();
        foreach (KeyValuePair<(PoolHandle, uint), DateTimeOffset> kv in _lastReport)
        {
            if (now - kv.Value >= _interval)
            {
                old.Add(kv.Key);
            }
        }

        foreach ((PoolHandle, uint) k in old)
        {
            _lastReport.Remove(k);
        }
    }
}
