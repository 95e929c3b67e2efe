using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace RSerPool.Transport;

/// <summary>
/// One association with a peer, moving whole messages, each with its payload protocol identifier
/// and stream. It knows nothing of ASAP: the PPID tells the layers above what a message is
/// (RFC 5352 §3.8: ASAP control messages are PPID 11 on the same association as user data).
/// </summary>
/// <remarks>
/// A channel is used by one sender and one receiver at a time. Failures of the association
/// (the peer aborted, communication lost, shutdown) surface as <see cref="TransportException"/>
/// from the pending and all later calls.
/// </remarks>
public interface IMessageChannel : IAsyncDisposable
{
    /// <summary>The peer's primary address as the association reports it.</summary>
    EndPoint? RemoteEndPoint { get; }

    /// <summary>Whether the association is still up as far as this side knows.</summary>
    bool IsConnected { get; }

    /// <summary>
    /// Whether the association is still up, after taking the association events already queued (a
    /// peer that died while the channel sat idle is only noticed by reading them); user messages stay queued.
    /// </summary>
    /// <returns>False when the association is known to be gone.</returns>
    bool CheckConnected() => IsConnected;

    /// <summary>Sends one message as a single SCTP user message.</summary>
    /// <param name="message">The message bytes.</param>
    /// <param name="payloadProtocolId">The PPID in host order (11 for ASAP).</param>
    /// <param name="stream">The SCTP stream.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    ValueTask SendAsync(ReadOnlyMemory<byte> message, uint payloadProtocolId, ushort stream, CancellationToken cancellationToken);

    /// <summary>Receives the next whole message.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The message; never a fragment.</returns>
    ValueTask<ChannelMessage> ReceiveAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Receives the next whole message like <see cref="ReceiveAsync"/>, but returns a failure of the
    /// association (every <see cref="TransportException"/>) as a value instead of throwing it.
    /// Cancellation still throws <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The message, or the failure.</returns>
    ValueTask<ReceiveResult> TryReceiveAsync(CancellationToken cancellationToken) => ReceiveResult.CatchAsync(ReceiveAsync(cancellationToken));

    /// <summary>
    /// Takes a message that already arrived, without waiting, even after the association failed: an
    /// element may send its last ASAP cookie just before it shuts the association down.
    /// </summary>
    /// <param name="message">The message, when one was queued.</param>
    /// <returns>False when nothing (more) is queued.</returns>
    bool TryReceivePending(out ChannelMessage message)
    {
        message = default;
        return false;
    }
}
