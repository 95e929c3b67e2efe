using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using RSerPool.Transport;
using RSerPool.Wire;
using RSerPool.Wire.Messages;

namespace RSerPool.Registrars;

/// <summary>
/// Requests to the home registrar over one kept association (RFC 5352 §3.3, §3.7).
/// </summary>
/// <remarks>
/// ASAP has no transaction identifier: a handle resolution response names only its pool handle. So
/// this client keeps <b>one outstanding request per association</b> (a semaphore) and accepts as the
/// answer the first HANDLE_RESOLUTION_RESPONSE for the same pool handle; anything else that arrives
/// meanwhile is logged and dropped. Matching by handle alone would let two concurrent requests for
/// the same pool take each other's answers, and a registrar answers in well under a millisecond on a
/// LAN, so serialising costs little. A request unanswered within T1 is retransmitted up to
/// MAX-REQUEST-RETRANSMIT times (§3.7.2), each time after a new server hunt, which may reach the same
/// registrar again or another one; a send failure drops the home registrar at once (§3.7.1).
/// </remarks>
internal sealed class RegistrarClient : IAsyncDisposable
{
    private const uint AsapPpid = 11;

    private readonly RegistrarHunter _hunter;
    private readonly TimeSpan _requestTimeout;
    private readonly int _maxRetransmits;
    private readonly AsapDecoderOptions _decoder;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private RegistrarAddress? _home;
    private IMessageChannel? _channel;

    internal RegistrarClient(RegistrarHunter hunter, TimeSpan requestTimeout, int maxRetransmits, AsapDecoderOptions decoder, TimeProvider time, ILogger logger)
    {
        _hunter = hunter;
        _requestTimeout = requestTimeout;
        _maxRetransmits = maxRetransmits;
        _decoder = decoder;
        _time = time;
        _logger = logger;
    }

    /// <summary>The current home registrar, if an association is up.</summary>
    internal RegistrarAddress? Home => _home;

    /// <summary>Sends a handle resolution and returns the registrar's answer with who gave it.</summary>
    internal async Task<(HandleResolutionResponse Response, RegistrarAddress Registrar)> ResolveAsync(HandleResolution request, CancellationToken cancellationToken)
    {
        byte[] bytes = AsapCodec.Encode(request);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Exception? last = null;
            for (int attempt = 0; attempt <= _maxRetransmits; attempt++)
            {
                (RegistrarAddress registrar, IMessageChannel channel) = await EnsureHomeAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    _logger.LogDebug("Sending ASAP_HANDLE_RESOLUTION for '{PoolHandle}' to {Registrar} ({Bytes} bytes, attempt {Attempt})",
                        request.PoolHandle, registrar, bytes.Length, attempt + 1);
                    await channel.SendAsync(bytes, AsapPpid, 0, cancellationToken).ConfigureAwait(false);
                    HandleResolutionResponse? response = await AwaitResponseAsync(channel, request, registrar, cancellationToken).ConfigureAwait(false);
                    if (response is not null)
                    {
                        return (response, registrar);
                    }

                    _logger.LogInformation("Registrar {Registrar} did not answer within {Timeout}; hunting again", registrar, _requestTimeout);
                    last = new TimeoutException($"Registrar {registrar} did not answer within {_requestTimeout.TotalSeconds:0.###} s.");
                }
                catch (TransportException e)
                {
                    _logger.LogInformation("Association with registrar {Registrar} failed: {Reason}", registrar, e.Message);
                    last = e;
                }

                _hunter.ReportFailed(registrar);
                await DropHomeAsync().ConfigureAwait(false);
            }

            throw last is TimeoutException
                ? new RSerPoolException(PoolFailure.Timeout, $"No registrar answered the handle resolution for '{request.PoolHandle}' after {_maxRetransmits + 1} attempt(s).", last) { PoolHandle = PoolHandle.FromParameter(request.PoolHandle) }
                : new RSerPoolException(PoolFailure.NoRegistrarReachable, $"The handle resolution for '{request.PoolHandle}' failed: {last?.Message}", last) { PoolHandle = PoolHandle.FromParameter(request.PoolHandle) };
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Sends a message that has no response (ENDPOINT_UNREACHABLE), hunting first if needed.</summary>
    internal async Task<RegistrarAddress> SendAsync(AsapMessage message, CancellationToken cancellationToken)
    {
        byte[] bytes = AsapCodec.Encode(message);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                (RegistrarAddress registrar, IMessageChannel channel) = await EnsureHomeAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await channel.SendAsync(bytes, AsapPpid, 0, cancellationToken).ConfigureAwait(false);
                    _logger.LogDebug("Sent {Type} to {Registrar}", message.Type, registrar);
                    return registrar;
                }
                catch (TransportException e) when (attempt < _maxRetransmits)
                {
                    _logger.LogInformation("Association with registrar {Registrar} failed: {Reason}", registrar, e.Message);
                    _hunter.ReportFailed(registrar);
                    await DropHomeAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await DropHomeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    private async Task<HandleResolutionResponse?> AwaitResponseAsync(IMessageChannel channel, HandleResolution request, RegistrarAddress registrar, CancellationToken cancellationToken)
    {
        using var t1 = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using ITimer timer = _time.CreateTimer(static s => ((CancellationTokenSource)s!).Cancel(), t1, _requestTimeout, Timeout.InfiniteTimeSpan);
        try
        {
            while (true)
            {
                ChannelMessage m = await channel.ReceiveAsync(t1.Token).ConfigureAwait(false);
                if (m.PayloadProtocolId != AsapPpid)
                {
                    _logger.LogDebug("Dropped a message with PPID {Ppid} from registrar {Registrar}", m.PayloadProtocolId, registrar);
                    continue;
                }

                if (!AsapCodec.TryDecode(m.Data.Span, _decoder, out AsapMessage? message, out DecodeError error))
                {
                    _logger.LogWarning("Registrar {Registrar} sent an undecodable message ({Error}); ignored", registrar, error);
                    continue;
                }

                if (message is HandleResolutionResponse response && response.PoolHandle.Equals(request.PoolHandle))
                {
                    _logger.LogDebug("Received ASAP_HANDLE_RESOLUTION_RESPONSE for '{PoolHandle}' from {Registrar} ({Bytes} bytes)", response.PoolHandle, registrar, m.Data.Length);
                    return response;
                }

                _logger.LogDebug("Dropped {Type} from registrar {Registrar} while waiting for '{PoolHandle}'", message.Type, registrar, request.PoolHandle);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task<(RegistrarAddress, IMessageChannel)> EnsureHomeAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsConnected: true } channel && _home is { } home)
        {
            return (home, channel);
        }

        await DropHomeAsync().ConfigureAwait(false);
        (RegistrarAddress registrar, IMessageChannel fresh) = await _hunter.HuntAsync(cancellationToken).ConfigureAwait(false);
        _home = registrar;
        _channel = fresh;
        return (registrar, fresh);
    }

    private async Task DropHomeAsync()
    {
        IMessageChannel? channel = _channel;
        _channel = null;
        _home = null;
        if (channel is not null)
        {
            await channel.DisposeAsync().ConfigureAwait(false);
        }
    }
}
