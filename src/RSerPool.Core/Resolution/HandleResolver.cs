using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using RSerPool.Registrars;
using RSerPool.Wire.Messages;
using RSerPool.Wire.Parameters;

namespace RSerPool.Resolution;

/// <summary>Resolves pool handles: the cache first, the home registrar second (RFC 5352 §3.3, §6.5.1).</summary>
internal sealed class HandleResolver
{
    private readonly RegistrarClient _client;
    private readonly HandleResolutionCache _cache;
    private readonly uint? _items;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    internal HandleResolver(RegistrarClient client, HandleResolutionCache cache, uint? items, TimeProvider time, ILogger logger)
    {
        _client = client;
        _cache = cache;
        _items = items;
        _time = time;
        _logger = logger;
    }

    internal HandleResolutionCache Cache => _cache;

    /// <summary>Resolves a handle; <paramref name="refresh"/> skips the cache.</summary>
    /// <exception cref="RSerPoolException">PoolHandleNotFound, RejectedByRegistrar, Timeout, NoRegistrarReachable.</exception>
    internal async Task<HandleResolutionCache.Entry> ResolveAsync(PoolHandle handle, bool refresh, Func<PoolPolicyParameter, object?> newSelectionState, CancellationToken cancellationToken)
    {
        if (!refresh)
        {
            if (_cache.TryGet(handle, out HandleResolutionCache.Entry cached))
            {
                _logger.LogDebug("Cache hit for '{PoolHandle}': {Count} pool element(s)", handle, cached.Resolution.Elements.Count);
                return cached with { Resolution = cached.Resolution with { FromCache = true } };
            }

            if (_cache.IsKnownMissing(handle))
            {
                throw NotFound(handle, null, fromCache: true);
            }
        }

        var request = _items is { } items ? new HandleResolution(handle.Parameter, items) : new HandleResolution(handle.Parameter);
        (HandleResolutionResponse response, RegistrarAddress registrar) = await _client.ResolveAsync(request, cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = _time.GetUtcNow();
        if (response.IsUnknownPoolHandle)
        {
            _cache.StoreMissing(handle);
            _logger.LogInformation("Registrar {Registrar} does not know pool '{PoolHandle}'", registrar, handle);
            throw NotFound(handle, registrar, fromCache: false);
        }

        if (response.IsNegative)
        {
            throw new RSerPoolException(PoolFailure.RejectedByRegistrar,
                $"Registrar {registrar} refused the handle resolution for '{handle}' with error cause {response.Error}.")
            {
                PoolHandle = handle,
                Peer = registrar.EndPoints[0],
                WireErrorCause = response.Error,
            };
        }

        var elements = new PoolElement[response.Elements.Count];
        for (int i = 0; i < elements.Length; i++)
        {
            elements[i] = PoolElement.FromParameter(handle, response.Elements[i], registrar.EndPoints[0], now);
        }

        var resolution = new PoolResolution(handle, response.EffectivePolicy, elements, registrar, now, FromCache: false);
        _logger.LogInformation("Resolved '{PoolHandle}' at {Registrar}: {Count} pool element(s), policy {Policy}",
            handle, registrar, elements.Length, response.EffectivePolicy.PolicyType);
        return _cache.Store(resolution, newSelectionState(resolution.Policy));
    }

    private static RSerPoolException NotFound(PoolHandle handle, RegistrarAddress? registrar, bool fromCache) =>
        new(PoolFailure.PoolHandleNotFound,
            fromCache
                ? $"Pool handle '{handle}' is unknown to the registrar (answer cached less than a second ago)."
                : $"Pool handle '{handle}' is unknown to registrar {registrar}.")
        {
            PoolHandle = handle,
            Peer = registrar?.EndPoints[0],
            WireErrorCause = ErrorCauseCode.UnknownPoolHandle,
        };
}
