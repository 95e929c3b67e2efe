using System;
using RSerPool.Wire;
using RSerPool.Wire.Parameters;
using Xunit;

namespace RSerPool.Tests.Wire;

/// <summary>Decode/encode helpers that fail the test with the decoder's own explanation.</summary>
internal static class CodecAssert
{
    public static T Decodes<T>(string hex, AsapDecoderOptions? options = null) where T : AsapMessage =>
        Decodes<T>(Convert.FromHexString(hex), options);

    public static T Decodes<T>(byte[] bytes, AsapDecoderOptions? options = null) where T : AsapMessage
    {
        bool ok = AsapCodec.TryDecode(bytes, options ?? AsapDecoderOptions.Default, out AsapMessage? message, out DecodeError error);
        Assert.True(ok, $"decode failed: {error}");
        Assert.Equal(DecodeErrorReason.None, error.Reason);
        return Assert.IsAssignableFrom<T>(message);
    }

    public static DecodeError Fails(string hex, DecodeErrorReason reason, AsapDecoderOptions? options = null) =>
        Fails(Convert.FromHexString(hex), reason, options);

    public static DecodeError Fails(byte[] bytes, DecodeErrorReason reason, AsapDecoderOptions? options = null)
    {
        bool ok = AsapCodec.TryDecode(bytes, options ?? AsapDecoderOptions.Default, out AsapMessage? message, out DecodeError error);
        Assert.False(ok, $"decode unexpectedly succeeded: {message}");
        Assert.Null(message);
        Assert.Equal(reason, error.Reason);
        return error;
    }

    /// <summary>Encodes, checks the bytes, decodes them again and checks the result equals the input.</summary>
    public static T RoundTrips<T>(T message, string expectedHex) where T : AsapMessage
    {
        byte[] encoded = AsapCodec.Encode(message);
        Assert.Equal(expectedHex, Convert.ToHexString(encoded), ignoreCase: true);
        T decoded = Decodes<T>(encoded);
        Assert.Equal(message, decoded);
        Assert.Equal(encoded, AsapCodec.Encode(decoded));
        return decoded;
    }

    public static string Hex(AsapMessage message) => Convert.ToHexString(AsapCodec.Encode(message)).ToLowerInvariant();

    public static AsapParameter DecodesParameter(string hex)
    {
        bool ok = AsapCodec.TryDecodeParameter(Convert.FromHexString(hex), out AsapParameter? parameter, out DecodeError error);
        Assert.True(ok, $"parameter decode failed: {error}");
        return parameter!;
    }

    public static string HexOf(AsapParameter parameter, PaddingConvention padding = PaddingConvention.ExcludeTrailingPadding)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        int written = parameter.Encode(buffer, padding);
        Assert.Equal(buffer.WrittenCount, written);
        return Convert.ToHexString(buffer.WrittenSpan).ToLowerInvariant();
    }
}
