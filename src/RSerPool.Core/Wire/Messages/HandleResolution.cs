using System;
using RSerPool.Wire.Parameters;

namespace RSerPool.Wire.Messages;

/// <summary>
/// ASAP_HANDLE_RESOLUTION (0x05, RFC 5352 §2.2.5): Pool Handle, plus rsplib's optional Handle
/// Resolution Option (0x803f) saying how many entries are wanted. Flag S (bit 0) asks the home
/// registrar to push further responses when the pool changes, for the life of the association.
/// </summary>
/// <remarks>rsplib never sets S and has no subscriptions; its registrar ignores the flag.</remarks>
public sealed record HandleResolution : AsapMessage
{
    /// <summary>The S (subscribe) flag bit.</summary>
    public const byte SubscribeFlag = 0x01;

    /// <summary>Creates a handle resolution request.</summary>
    /// <param name="poolHandle">The pool to resolve.</param>
    /// <param name="option">rsplib's item-count option; omit for the registrar's default count.</param>
    /// <param name="subscribe">Sets the S flag (RFC 5352 §2.2.5).</param>
    public HandleResolution(PoolHandleParameter poolHandle, HandleResolutionOptionParameter? option = null, bool subscribe = false)
    {
        ArgumentNullException.ThrowIfNull(poolHandle);
        PoolHandle = poolHandle;
        Option = option;
        Flags = subscribe ? SubscribeFlag : (byte)0;
    }

    /// <summary>Creates a handle resolution request asking for <paramref name="items"/> entries, as rsplib does.</summary>
    /// <param name="poolHandle">The pool to resolve.</param>
    /// <param name="items">Entries wanted; <see cref="HandleResolutionOptionParameter.AllItems"/> for all.</param>
    public HandleResolution(PoolHandleParameter poolHandle, uint items)
        : this(poolHandle, new HandleResolutionOptionParameter(items))
    {
    }

    /// <inheritdoc/>
    public override AsapMessageType Type => AsapMessageType.HandleResolution;

    /// <summary>The pool handle.</summary>
    public PoolHandleParameter PoolHandle { get; }

    /// <summary>rsplib's Handle Resolution Option, if present.</summary>
    public HandleResolutionOptionParameter? Option { get; }

    /// <summary>Whether the S flag is set.</summary>
    public bool Subscribe => (Flags & SubscribeFlag) != 0;

    internal override void WriteBody(AsapWriter writer)
    {
        PoolHandle.Write(writer, Padding);
        Option?.Write(writer, Padding);
    }
}
