using System;
using System.Net;
using RSerPool.Wire.Parameters;

namespace RSerPool;

/// <summary>The one exception type of the pool-user core: a <see cref="PoolFailure"/> with its context.</summary>
public sealed class RSerPoolException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="failure">Why the operation failed.</param>
    /// <param name="message">A sentence for the user.</param>
    /// <param name="innerException">The cause, if any.</param>
    public RSerPoolException(PoolFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    /// <summary>Why the operation failed.</summary>
    public PoolFailure Failure { get; }

    /// <summary>The registrar or pool element involved, when known.</summary>
    public EndPoint? Peer { get; init; }

    /// <summary>The pool handle involved, when known.</summary>
    public PoolHandle? PoolHandle { get; init; }

    /// <summary>Whether the request may already have reached the peer (so repeating it may run it twice).</summary>
    public bool RequestMayHaveBeenSent { get; init; }

    /// <summary>The ASAP error cause a registrar sent, when there was one.</summary>
    public ErrorCauseCode? WireErrorCause { get; init; }
}
