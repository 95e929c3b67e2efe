namespace RSerPool.Wire.Parameters;

/// <summary>
/// PE Checksum parameter (type 0xf, RFC 5354 §3.15): a 16-bit handlespace checksum, length 6 plus two
/// padding bytes. ENRP only; decoded for completeness.
/// </summary>
/// <param name="Checksum">The checksum.</param>
public sealed record PoolElementChecksumParameter(ushort Checksum) : AsapParameter
{
    /// <inheritdoc/>
    public override ParameterType ParameterType => ParameterType.PoolElementChecksum;

    internal override void Write(AsapWriter writer, PaddingConvention padding)
    {
        int start = writer.BeginParameter((ushort)ParameterType.PoolElementChecksum);
        writer.WriteUInt16(Checksum);
        writer.EndParameter(start, padding);
    }
}
