using System;
using System.IO;
using System.Net;

namespace RSerPool.Transport;

/// <summary>A typed failure of an association, raised promptly from association events where possible.</summary>
public sealed class TransportException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="failure">What went wrong.</param>
    /// <param name="message">A sentence for the user.</param>
    /// <param name="peer">The peer, when known.</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    public TransportException(TransportFailure failure, string message, EndPoint? peer = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
        Peer = peer;
    }

    /// <summary>What went wrong.</summary>
    public TransportFailure Failure { get; }

    /// <summary>The peer, when known.</summary>
    public EndPoint? Peer { get; }
}
