using System.Collections.Generic;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace RSerPool.Transport;

/// <summary>Opens associations. The SCTP implementation is <see cref="Sctp.SctpChannelFactory"/>; tests use in-memory pairs.</summary>
public interface IChannelFactory
{
    /// <summary>Connects to a peer, using every one of its addresses (a multi-homed peer lists several).</summary>
    /// <param name="peerAddresses">The peer's addresses, all with the same port.</param>
    /// <param name="cancellationToken">Cancels the connect (an <see cref="System.OperationCanceledException"/>, unlike the timeout).</param>
    /// <returns>The connected channel.</returns>
    ValueTask<IMessageChannel> ConnectAsync(IReadOnlyList<IPEndPoint> peerAddresses, CancellationToken cancellationToken);
}
