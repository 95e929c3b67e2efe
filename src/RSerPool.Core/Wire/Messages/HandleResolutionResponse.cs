using System;
using System.Collections.Generic;
using RSerPool.Wire.Parameters;

namespace RSerPool.Wire.Messages;

/// <summary>
/// ASAP_HANDLE_RESOLUTION_RESPONSE (0x06, RFC 5352 §2.2.6): Pool Handle, optional overall Pool Member
/// Selection Policy, pool elements, optional Operation Error. Flag A (bit 0) = the registrar accepted
/// the subscription requested with S.
/// </summary>
/// <remarks>
/// Negative (e.g. "Unknown Pool Handle") when an Operation Error is present; then there is no policy and
/// no element. A positive response without policy means Round Robin (RFC 5352 §3.3); rsplib always
/// sends the policy, copied from the first selected element, and its parser requires it.
/// rsplib names bit 0 "reject" but never sets it.
/// </remarks>
public sealed record HandleResolutionResponse : AsapMessage
{
    /// <summary>The A (subscription accepted) flag bit.</summary>
    public const byte SubscriptionAcceptedFlag = 0x01;

    private static readonly PoolPolicyParameter s_roundRobin = PoolPolicyParameter.RoundRobin();

    /// <summary>Creates a positive response.</summary>
    /// <param name="poolHandle">The resolved pool.</param>
    /// <param name="policy">The pool's overall policy; <see langword="null"/> means Round Robin.</param>
    /// <param name="elements">The selected elements.</param>
    public HandleResolutionResponse(PoolHandleParameter poolHandle, PoolPolicyParameter? policy, IEnumerable<PoolElementParameter> elements)
        : this(poolHandle, policy, ValueList<PoolElementParameter>.CopyOf(elements, nameof(elements)), null)
    {
    }

    /// <summary>Creates a negative response.</summary>
    /// <param name="poolHandle">The requested pool.</param>
    /// <param name="operationError">Why, e.g. <see cref="ErrorCause.UnknownPoolHandle"/>.</param>
    public HandleResolutionResponse(PoolHandleParameter poolHandle, OperationErrorParameter operationError)
        : this(poolHandle, null, ValueList<PoolElementParameter>.Empty, operationError ?? throw new ArgumentNullException(nameof(operationError)))
    {
    }

    internal HandleResolutionResponse(
        PoolHandleParameter poolHandle,
        PoolPolicyParameter? policy,
        ValueList<PoolElementParameter> elements,
        OperationErrorParameter? operationError)
    {
        ArgumentNullException.ThrowIfNull(poolHandle);
        PoolHandle = poolHandle;
        Policy = policy;
        Elements = elements;
        OperationError = operationError;
    }

    /// <inheritdoc/>
    public override AsapMessageType Type => AsapMessageType.HandleResolutionResponse;

    /// <summary>The pool handle.</summary>
    public PoolHandleParameter PoolHandle { get; }

    /// <summary>The overall policy as sent, or <see langword="null"/> when absent.</summary>
    public PoolPolicyParameter? Policy { get; }

    /// <summary>The policy to apply: <see cref="Policy"/>, or Round Robin when absent (RFC 5352 §3.3).</summary>
    public PoolPolicyParameter EffectivePolicy => Policy ?? s_roundRobin;

    /// <summary>The selected pool elements, in the registrar's order.</summary>
    public IReadOnlyList<PoolElementParameter> Elements { get; }

    /// <summary>The Operation Error of a negative response.</summary>
    public OperationErrorParameter? OperationError { get; }

    /// <summary>Whether this is a negative response (an Operation Error is present).</summary>
    public bool IsNegative => OperationError is not null;

    /// <summary>The first error cause code of a negative response, else <see langword="null"/>.</summary>
    public ErrorCauseCode? Error => OperationError?.Code;

    /// <summary>Whether the registrar said the pool does not exist (cause 0x9).</summary>
    public bool IsUnknownPoolHandle => OperationError?.Contains(ErrorCauseCode.UnknownPoolHandle) == true;

    /// <summary>Whether the A flag is set.</summary>
    public bool SubscriptionAccepted => (Flags & SubscriptionAcceptedFlag) != 0;

    internal override void WriteBody(AsapWriter writer)
    {
        PoolHandle.Write(writer, Padding);
        Policy?.Write(writer, Padding);
        foreach (PoolElementParameter element in Elements)
        {
            element.Write(writer, Padding);
        }

        OperationError?.Write(writer, Padding);
    }
}
