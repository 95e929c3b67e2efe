using System.Threading.Tasks;

namespace RSerPool.Transport;

/// <summary>
/// A message received on an <see cref="IMessageChannel"/>, or the failure that ended the association,
/// as a value (<see cref="IMessageChannel.TryReceiveAsync"/>).
/// </summary>
/// <remarks>
/// The failover path takes an association failure as a value, not an exception: each async frame an
/// exception passes through is another throw, and under the lab's emulated CPU the four throws from the
/// association event to the session took 25-170 ms (runtime trace of a failover), where rsplib's whole
/// failover takes about 30 ms.
/// </remarks>
public readonly struct ReceiveResult
{
    /// <summary>A received message.</summary>
    /// <param name="message">The message.</param>
    public ReceiveResult(ChannelMessage message)
    {
        Message = message;
        Failure = null;
    }

    /// <summary>The association's failure.</summary>
    /// <param name="failure">Why nothing more can be received.</param>
    public ReceiveResult(TransportException failure)
    {
        Message = default;
        Failure = failure;
    }

    /// <summary>The message; default when <see cref="Failure"/> is set.</summary>
    public ChannelMessage Message { get; }

    /// <summary>The failure, or null when a message was received.</summary>
    public TransportException? Failure { get; }

    /// <summary>Runs a throwing receive and turns its <see cref="TransportException"/> into a value (for channels without a cheaper way).</summary>
    /// <param name="receive">The pending receive.</param>
    /// <returns>The message or the failure.</returns>
    public static async ValueTask<ReceiveResult> CatchAsync(ValueTask<ChannelMessage> receive)
    {
        try
        {
            return new ReceiveResult(await receive.ConfigureAwait(false));
        }
        catch (TransportException e)
        {
            return new ReceiveResult(e);
        }
    }
}
