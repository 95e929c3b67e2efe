using System;
using RSerPool.Wire.Parameters;

namespace RSerPool.Wire.Messages;

/// <summary>ASAP_REGISTRATION (0x01, RFC 5352 §2.2.1): Pool Handle, Pool Element. Sent by a pool element.</summary>
public sealed record Registration : AsapMessage
{
    /// <summary>Creates a registration.</summary>
    /// <param name="poolHandle">The pool to join.</param>
    /// <param name="element">The registering element.</param>
    /// <param name="operationError">
    /// Not in RFC 5352; rsplib's encoder appends one when its message carries an error code, so the
    /// decoder accepts and keeps it.
    /// </param>
    public Registration(PoolHandleParameter poolHandle, PoolElementParameter element, OperationErrorParameter? operationError = null)
    {
        ArgumentNullException.ThrowIfNull(poolHandle);
        ArgumentNullException.ThrowIfNull(element);
        PoolHandle = poolHandle;
        Element = element;
        OperationError = operationError;
    }

    /// <inheritdoc/>
    public override AsapMessageType Type => AsapMessageType.Registration;

    /// <summary>The pool handle.</summary>
    public PoolHandleParameter PoolHandle { get; }

    /// <summary>The registering pool element.</summary>
    public PoolElementParameter Element { get; }

    /// <summary>rsplib's optional trailing Operation Error.</summary>
    public OperationErrorParameter? OperationError { get; }

    internal override void WriteBody(AsapWriter writer)
    {
        PoolHandle.Write(writer, Padding);
        Element.Write(writer, Padding);
        OperationError?.Write(writer, Padding);
    }
}
