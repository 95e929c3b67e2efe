using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using RSerPool.Transport;

namespace RSerPool.Registrars;

/// <summary>
/// The server hunt of RFC 5352 §3.6 (SH1-SH6): connect to at most three registrars at once; the first
/// association to come up makes its registrar the home registrar and the others are abandoned; a
/// failed connect starts the next candidate; when T5 expires the round is abandoned, T5 doubles (up to
/// RETRAN-MAX) and a new round starts with a different set.
/// </summary>
internal sealed class RegistrarHunter
{
    /// <summary>SH1: "MUST NOT" connect to more than three at once.</summary>
    internal const int MaxParallel = 3;

    private readonly RegistrarTable _table;
    private readonly IChannelFactory _factory;
    private readonly TimeSpan _initialTimeout;
    private readonly TimeSpan _maxTimeout;
    private readonly int _rounds;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly bool _announces;

    internal RegistrarHunter(RegistrarTable table, IChannelFactory factory, TimeSpan initialTimeout, TimeSpan maxTimeout, int rounds, TimeProvider time, ILogger logger,
        bool announces = true)
    {
        _announces = announces;
        _table = table;
        _factory = factory;
        _initialTimeout = initialTimeout;
        _maxTimeout = maxTimeout;
        _rounds = rounds;
        _time = time;
        _logger = logger;
    }

    /// <summary>Finds a home registrar.</summary>
    /// <exception cref="RSerPoolException"><see cref="PoolFailure.NoRegistrarReachable"/> after every round failed.</exception>
    internal async Task<(RegistrarAddress Registrar, IMessageChannel Channel)> HuntAsync(CancellationToken cancellationToken)
    {
        TimeSpan timeout = _initialTimeout;
        Exception? lastError = null;
        int skip = 0;
        for (int round = 1; round <= _rounds; round++)
        {
            List<RegistrarAddress> candidates = _table.Candidates();
            if (candidates.Count == 0)
            {
                if (!_announces)
                {
                    break; // nothing configured and nothing can be learned: waiting is pointless
                }

                _logger.LogInformation("No registrar known yet; waiting up to {Timeout} for an announce", timeout);
                await WaitForAnnounceAsync(timeout, cancellationToken).ConfigureAwait(false);
                timeout = Double(timeout);
                continue;
            }

            // SH5: a new round picks a different set when there is one.
            Rotate(candidates, skip);
            _logger.LogInformation("Server hunt round {Round}: {Count} candidate registrar(s), T5 {Timeout}", round, candidates.Count, timeout);
            (RegistrarAddress, IMessageChannel)? home;
            (home, lastError) = await RunRoundAsync(candidates, timeout, cancellationToken).ConfigureAwait(false);
            if (home is { } found)
            {
                _table.MarkGood(found.Item1);
                return found;
            }

            skip += MaxParallel;
            timeout = Double(timeout);
        }

        throw new RSerPoolException(PoolFailure.NoRegistrarReachable,
            _table.Count == 0
                ? "No registrar is configured or announced: give one with -Registrar, the RSERPOOL_REGISTRARS environment variable, or check that multicast announces reach this host."
                : $"No registrar answered after {_rounds} server hunt round(s): {lastError?.Message}",
            lastError);
    }

    private async Task<((RegistrarAddress, IMessageChannel)? Home, Exception? LastError)> RunRoundAsync(
        List<RegistrarAddress> candidates, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var round = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pending = new List<Task<(RegistrarAddress, IMessageChannel)>>();
        int next = 0;
        Exception? lastError = null;
        Task t5 = Task.Delay(timeout, _time, round.Token);
        try
        {
            while (true)
            {
                while (pending.Count < MaxParallel && next < candidates.Count)
                {
                    pending.Add(ConnectAsync(candidates[next++], round.Token));
                }

                if (pending.Count == 0)
                {
                    return (null, lastError);
                }

                var waitOn = new List<Task>(pending) { t5 };
                Task done = await Task.WhenAny(waitOn).ConfigureAwait(false);
                if (done == t5)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    _logger.LogInformation("Server hunt round timed out after {Timeout}", timeout);
                    return (null, lastError ?? new TimeoutException($"No registrar association came up within {timeout}."));
                }

                var connect = (Task<(RegistrarAddress, IMessageChannel)>)done;
                pending.Remove(connect);
                if (connect.IsCompletedSuccessfully)
                {
                    _logger.LogInformation("Registrar {Registrar} is now the home registrar", connect.Result.Item1);
                    return (connect.Result, null);
                }

                lastError = connect.Exception?.InnerException ?? lastError;
                if (lastError is RSerPoolException { Failure: PoolFailure.TransportUnavailable } unavailable)
                {
                    throw unavailable;
                }

                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            await round.CancelAsync().ConfigureAwait(false);
            DisposeLosers(pending);
        }
    }

    private async Task<(RegistrarAddress, IMessageChannel)> ConnectAsync(RegistrarAddress registrar, CancellationToken cancellationToken)
    {
        try
        {
            IMessageChannel channel = await _factory.ConnectAsync(registrar.EndPoints, cancellationToken).ConfigureAwait(false);
            return (registrar, channel);
        }
        catch (TransportException e)
        {
            _logger.LogInformation("Registrar {Registrar} not reachable: {Reason}", registrar, e.Message);
            if (e.Failure == TransportFailure.SctpUnavailable)
            {
                throw new RSerPoolException(PoolFailure.TransportUnavailable, e.Message, e);
            }

            throw;
        }
    }

    private static void DisposeLosers(List<Task<(RegistrarAddress, IMessageChannel)>> pending)
    {
        // SH3: associations that come up after the winner are not used; close them when they do.
        foreach (Task<(RegistrarAddress, IMessageChannel)> t in pending)
        {
            _ = t.ContinueWith(
                static c =>
                {
                    if (c.IsCompletedSuccessfully)
                    {
                        _ = c.Result.Item2.DisposeAsync();
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private async Task WaitForAnnounceAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task delay = Task.Delay(timeout, _time, wait.Token);
        Task announce = _table.WaitForChangeAsync(wait.Token);
        await Task.WhenAny(delay, announce).ConfigureAwait(false);
        await wait.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>The home registrar failed: the next hunt tries it last.</summary>
    internal void ReportFailed(RegistrarAddress registrar) => _table.MarkFailed(registrar);

    private TimeSpan Double(TimeSpan timeout) => timeout * 2 > _maxTimeout ? _maxTimeout : timeout * 2;

    private static void Rotate(List<RegistrarAddress> list, int by)
    {
        if (list.Count <= 1 || by % list.Count == 0)
        {
            return;
        }

        int n = by % list.Count;
        var head = list.GetRange(0, n);
        list.RemoveRange(0, n);
        list.AddRange(head);
    }
}
