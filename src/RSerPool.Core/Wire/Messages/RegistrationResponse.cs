using System;
using RSerPool.Wire.Parameters;

namespace RSerPool.Wire.Messages;

/// <summary>
/// ASAP_REGISTRATION_RESPONSE (0x03, RFC 5352 §2.2.3): Pool Handle, PE Identifier, optional Operation
/// Error. Flag R (bit 0) = registration rejected; an error with R = 0 is a warning that values were changed.
/// </summary>
public sealed record RegistrationResponse : AsapMessage
{
    /// <summary>The R (reject) flag bit.</summary>
    public const byte RejectFlag = 0x01;

    /// <summary>Creates a registration response.</summary>
    /// <param name="poolHandle">The pool handle.</param>
    /// <param name="poolElementId">The element the response is for.</param>
    /// <param name="isRejected">Sets the R flag.</param>
    /// <param name="operationError">Why, when rejected (or a warning).</param>
    public RegistrationResponse(PoolHandleParameter poolHandle, uint poolElementId, bool isRejected = false, OperationErrorParameter? operationError = null)
    {
        ArgumentNullException.ThrowIfNull(poolHandle);
        PoolHandle = poolHandle;
        PoolElementId = poolElementId;
        OperationError = operationError;
        Flags = isRejected ? RejectFlag : (byte)0;
    }

    /// <inheritdoc/>
    public override AsapMessageType Type => AsapMessageType.RegistrationResponse;

    /// <summary>The pool handle.</summary>
    public PoolHandleParameter PoolHandle { get; }

    /// <summary>The PE Identifier.</summary>
    public uint PoolElementId { get; }

    /// <summary>The optional Operation Error.</summary>
    public OperationErrorParameter? OperationError { get; }

    /// <summary>Whether the R flag is set.</summary>
    public bool IsRejected => (Flags & RejectFlag) != 0;

    internal override void WriteBody(AsapWriter writer)
    {
        PoolHandle.Write(writer, Padding);
        PoolElementIdParameter.Write(writer, PoolElementId);
        OperationError?.Write(writer, Padding);
    }
}
