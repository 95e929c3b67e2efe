using System;
using RSerPool.Wire.Parameters;

namespace RSerPool.Wire.Messages;

/// <summary>
/// ASAP_DEREGISTRATION_RESPONSE (0x04, RFC 5352 §2.2.4): Pool Handle, PE Identifier, optional
/// Operation Error. Also sent when a registration expires.
/// </summary>
public sealed record DeregistrationResponse : AsapMessage
{
    /// <summary>Creates a deregistration response.</summary>
    /// <param name="poolHandle">The pool handle.</param>
    /// <param name="poolElementId">The element the response is for.</param>
    /// <param name="operationError">The optional error.</param>
    public DeregistrationResponse(PoolHandleParameter poolHandle, uint poolElementId, OperationErrorParameter? operationError = null)
    {
        ArgumentNullException.ThrowIfNull(poolHandle);
        PoolHandle = poolHandle;
        PoolElementId = poolElementId;
        OperationError = operationError;
    }

    /// <inheritdoc/>
    public override AsapMessageType Type => AsapMessageType.DeregistrationResponse;

    /// <summary>The pool handle.</summary>
    public PoolHandleParameter PoolHandle { get; }

    /// <summary>The PE Identifier.</summary>
    public uint PoolElementId { get; }

    /// <summary>The optional Operation Error.</summary>
    public OperationErrorParameter? OperationError { get; }

    internal override void WriteBody(AsapWriter writer)
    {
        PoolHandle.Write(writer, Padding);
        PoolElementIdParameter.Write(writer, PoolElementId);
        OperationError?.Write(writer, Padding);
    }
}
