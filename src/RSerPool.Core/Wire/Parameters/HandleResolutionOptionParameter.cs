namespace RSerPool.Wire.Parameters;

/// <summary>
/// rsplib's Handle Resolution Option (draft-dreibholz-rserpool-asap-hropt): how many pool elements the
/// pool user wants in the response. Written as type <c>0x803f</c>: number 0x3f with action bits
/// <c>10</c>, so registrars that do not know it skip it silently.
/// </summary>
/// <remarks>
/// rsplib's registrar treats 0 (or an absent option) as its configured default (3) and caps every
/// answer at 128 entries.
/// </remarks>
/// <param name="Items">Number of entries wanted; <see cref="AllItems"/> for "as many as the registrar gives".</param>
public sealed record HandleResolutionOptionParameter(uint Items) : AsapParameter
{
    /// <summary>Items value asking for all entries (capped by the registrar).</summary>
    public const uint AllItems = 0xffffffff;

    /// <summary>The type as written on the wire, with its "skip" action bits.</summary>
    public const ushort WireType = 0x803f;

    /// <inheritdoc/>
    public override ParameterType ParameterType => ParameterType.HandleResolutionOption;

    /// <summary>Whether <see cref="Items"/> asks for every entry.</summary>
    public bool IsAllItems => Items == AllItems;

    internal override void Write(AsapWriter writer, PaddingConvention padding)
    {
        int start = writer.BeginParameter(WireType);
        writer.WriteUInt32(Items);
        writer.EndParameter(start, padding);
    }
}
