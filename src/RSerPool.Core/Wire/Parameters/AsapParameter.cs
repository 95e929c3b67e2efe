using System.Buffers;

namespace RSerPool.Wire.Parameters;

/// <summary>
/// One RSerPool parameter (RFC 5354 §3): a TLV of 16-bit type, 16-bit length (header included,
/// padding excluded) and a value padded with zeros to a multiple of 4 bytes.
/// </summary>
/// <remarks>The set of parameter records is closed: only this assembly can derive from it.</remarks>
public abstract record AsapParameter
{
    private protected AsapParameter()
    {
    }

    /// <summary>The parameter type written on the wire (without action bits, except where noted).</summary>
    public abstract ParameterType ParameterType { get; }

    /// <summary>Writes this parameter, padded, to <paramref name="writer"/>; returns the bytes written.</summary>
    /// <param name="writer">Destination.</param>
    /// <param name="padding">How nested lengths treat the padding of their last inner parameter.</param>
    public int Encode(IBufferWriter<byte> writer, PaddingConvention padding = PaddingConvention.ExcludeTrailingPadding) =>
        AsapCodec.EncodeParameter(this, writer, padding);

    internal abstract void Write(AsapWriter writer, PaddingConvention padding);
}
