namespace RSerPool.Wire.Parameters;

/// <summary>PE Identifier parameter (type 0xe, RFC 5354 §3.14): a 32-bit pool element identifier.</summary>
/// <param name="PoolElementId">The identifier.</param>
public sealed record PoolElementIdParameter(uint PoolElementId) : AsapParameter
{
    /// <inheritdoc/>
    public override ParameterType ParameterType => ParameterType.PoolElementIdentifier;

    internal static void Write(AsapWriter writer, uint poolElementId)
    {
        int start = writer.BeginParameter((ushort)ParameterType.PoolElementIdentifier);
        writer.WriteUInt32(poolElementId);
        writer.EndParameter(start, PaddingConvention.ExcludeTrailingPadding);
    }

    internal override void Write(AsapWriter writer, PaddingConvention padding) => Write(writer, PoolElementId);
}
