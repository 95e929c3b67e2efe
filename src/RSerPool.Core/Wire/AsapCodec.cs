using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using RSerPool.Wire.Parameters;

namespace RSerPool.Wire;

/// <summary>
/// Entry points of the ASAP wire codec (RFC 5352 messages, RFC 5354 parameters, RFC 5356 policies).
/// Pure: spans in, buffer writers out, no I/O.
/// </summary>
/// <remarks>
/// <para>
/// Decoding never throws on wire input: every problem comes back as a <see cref="DecodeError"/> with a
/// reason and the byte offset. It allocates only the resulting records (their byte arrays are copies of
/// input bytes), never sized from a length field alone, and the limits in
/// <see cref="AsapDecoderOptions"/> bound what a peer can make it build.
/// </para>
/// <para>
/// Input is one whole message as SCTP delivers it: the header, <c>Length</c> bytes, and the zero
/// padding up to a multiple of 4 (RFC 5354 §4). Use <see cref="TryGetMessageSize"/> to frame messages in
/// a byte stream. Decoding is lenient where senders legitimately differ (see
/// <see cref="PaddingConvention"/>) and records what it saw, so re-encoding a decoded message gives back
/// the same bytes; parameters skipped under "skip" action bits are not re-encoded.
/// </para>
/// </remarks>
public static class AsapCodec
{
    /// <summary>Decodes one ASAP message with the default limits.</summary>
    /// <param name="source">One message: header, value and final padding.</param>
    /// <param name="message">The decoded message when the result is <see langword="true"/>.</param>
    /// <param name="error">Why decoding failed when the result is <see langword="false"/>.</param>
    public static bool TryDecode(ReadOnlySpan<byte> source, [NotNullWhen(true)] out AsapMessage? message, out DecodeError error) =>
        MessageDecoder.TryDecode(source, AsapDecoderOptions.Default, out message, out error);

    /// <summary>Decodes one ASAP message with the given limits.</summary>
    /// <param name="source">One message: header, value and final padding.</param>
    /// <param name="options">Decoder limits.</param>
    /// <param name="message">The decoded message when the result is <see langword="true"/>.</param>
    /// <param name="error">Why decoding failed when the result is <see langword="false"/>.</param>
    public static bool TryDecode(ReadOnlySpan<byte> source, AsapDecoderOptions options, [NotNullWhen(true)] out AsapMessage? message, out DecodeError error)
    {
        ArgumentNullException.ThrowIfNull(options);
        return MessageDecoder.TryDecode(source, options, out message, out error);
    }

    /// <summary>
    /// Reads the message length from a header and returns the number of bytes the message occupies,
    /// padding included; for framing ASAP over a byte stream.
    /// </summary>
    /// <param name="header">At least the first 4 bytes of a message.</param>
    /// <param name="size">Header plus value plus padding, a multiple of 4.</param>
    /// <returns><see langword="false"/> when fewer than 4 bytes are given or the length is below 4.</returns>
    public static bool TryGetMessageSize(ReadOnlySpan<byte> header, out int size)
    {
        size = 0;
        if (header.Length < 4)
        {
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(header[2..]);
        if (length < 4)
        {
            return false;
        }

        size = TlvReader.Pad4(length);
        return true;
    }

    /// <summary>Writes <paramref name="message"/> to <paramref name="writer"/>, padded to 4 bytes.</summary>
    /// <param name="message">The message.</param>
    /// <param name="writer">Destination.</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentException">The message would not fit the 16-bit length field.</exception>
    public static int Encode(AsapMessage message, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(writer);
        using var asap = new AsapWriter();
        int start = asap.BeginMessage(message.Type, message.Flags);
        message.WriteBody(asap);
        asap.EndMessage(start, message.Padding);
        writer.Write(asap.Written);
        return asap.Written.Length;
    }

    /// <summary>Encodes <paramref name="message"/> into a new array.</summary>
    /// <param name="message">The message.</param>
    /// <exception cref="ArgumentException">The message would not fit the 16-bit length field.</exception>
    public static byte[] Encode(AsapMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        Encode(message, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes one parameter on its own (for tests, tools, and error-cause contents).</summary>
    /// <param name="source">One parameter with its padding.</param>
    /// <param name="parameter">The parameter when the result is <see langword="true"/>.</param>
    /// <param name="error">Why decoding failed; unknown types give <see cref="DecodeErrorReason.UnrecognizedParameter"/> or its report variant.</param>
    public static bool TryDecodeParameter(ReadOnlySpan<byte> source, [NotNullWhen(true)] out AsapParameter? parameter, out DecodeError error) =>
        TryDecodeParameter(source, AsapDecoderOptions.Default, out parameter, out error);

    /// <summary>Decodes one parameter on its own with the given limits.</summary>
    /// <param name="source">One parameter with its padding.</param>
    /// <param name="options">Decoder limits.</param>
    /// <param name="parameter">The parameter when the result is <see langword="true"/>.</param>
    /// <param name="error">Why decoding failed.</param>
    public static bool TryDecodeParameter(ReadOnlySpan<byte> source, AsapDecoderOptions options, [NotNullWhen(true)] out AsapParameter? parameter, out DecodeError error)
    {
        ArgumentNullException.ThrowIfNull(options);
        parameter = null;
        var context = new DecodeContext(source, options);
        var reader = new TlvReader(context.Message, 0, source.Length);
        if (!reader.TryRead(out Tlv tlv, out error))
        {
            if (source.Length < 4 || BinaryPrimitives.ReadUInt16BigEndian(source[2..]) > source.Length)
            {
                error = new DecodeError(DecodeErrorReason.Truncated, source.Length);
            }

            return false;
        }

        int padded = TlvReader.Pad4(tlv.Length);
        if (source.Length != padded && !(source.Length == tlv.Length && !options.RequireFinalPadding))
        {
            error = source.Length > padded
                ? new DecodeError(DecodeErrorReason.TrailingData, padded, tlv.RawType)
                : new DecodeError(DecodeErrorReason.Truncated, source.Length, tlv.RawType);
            return false;
        }

        if (tlv.Type >= 64 || (ParameterDecoder.KnownTypes & (1UL << tlv.Type)) == 0)
        {
            var action = (UnknownParameterAction)(tlv.RawType >> 14);
            bool report = action is UnknownParameterAction.StopAndReport or UnknownParameterAction.SkipAndReport;
            error = report
                ? new DecodeError(DecodeErrorReason.UnrecognizedParameterReport, 0, tlv.RawType, new UnrecognizedParameter(source[..tlv.Length], 0))
                : new DecodeError(DecodeErrorReason.UnrecognizedParameter, 0, tlv.RawType);
            return false;
        }

        if (!ParameterDecoder.TryDecode(ref context, tlv, out parameter) || parameter is null)
        {
            error = context.Error;
            return false;
        }

        error = default;
        return true;
    }

    /// <summary>Writes one parameter, padded to 4 bytes.</summary>
    /// <param name="parameter">The parameter.</param>
    /// <param name="writer">Destination.</param>
    /// <param name="padding">How nested lengths treat the padding of their last inner parameter.</param>
    /// <returns>The number of bytes written.</returns>
    public static int EncodeParameter(AsapParameter parameter, IBufferWriter<byte> writer, PaddingConvention padding = PaddingConvention.ExcludeTrailingPadding)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(writer);
        using var asap = new AsapWriter();
        parameter.Write(asap, padding);
        writer.Write(asap.Written);
        return asap.Written.Length;
    }
}
