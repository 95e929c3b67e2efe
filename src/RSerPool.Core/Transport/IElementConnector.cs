using System.Threading;
using System.Threading.Tasks;

namespace RSerPool.Transport;

/// <summary>Opens a data channel to a pool element over the transport it registered (SCTP, TCP or UDP).</summary>
public interface IElementConnector
{
    /// <summary>Connects to the element.</summary>
    /// <param name="element">The element.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <returns>The channel.</returns>
    /// <exception cref="TransportException">The element could not be reached, or its transport is not supported.</exception>
    ValueTask<IMessageChannel> ConnectAsync(PoolElement element, CancellationToken cancellationToken);
}
