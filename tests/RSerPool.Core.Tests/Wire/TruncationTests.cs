using System;
using RSerPool.Wire;
using Xunit;

namespace RSerPool.Tests.Wire;

/// <summary>Every strict prefix of every corpus message fails cleanly: false, a reason, no exception.</summary>
public class TruncationTests
{
    private static readonly AsapDecoderOptions s_withoutFinalPadding = new() { RequireFinalPadding = false };

    [Theory]
    [MemberData(nameof(WireCorpus.Cases), MemberType = typeof(WireCorpus))]
    public void EveryTruncation_FailsWithAnError(string name)
    {
        byte[] bytes = WireCorpus.Get(name);
        Assert.True(AsapCodec.TryDecode(bytes, out _, out DecodeError whole), $"{name}: {whole}");
        int length = (bytes[2] << 8) | bytes[3];

        for (int cut = 0; cut < bytes.Length; cut++)
        {
            ReadOnlySpan<byte> prefix = bytes.AsSpan(0, cut);

            Assert.False(AsapCodec.TryDecode(prefix, out AsapMessage? message, out DecodeError error), $"{name} cut at {cut}");
            Assert.Null(message);
            Assert.NotEqual(DecodeErrorReason.None, error.Reason);
            Assert.InRange(error.Offset, 0, bytes.Length);
            Assert.False(string.IsNullOrEmpty(error.ToString()));

            bool lenient = AsapCodec.TryDecode(prefix, s_withoutFinalPadding, out _, out DecodeError lenientError);
            Assert.Equal(cut >= length, lenient);
            Assert.Equal(lenient, lenientError.Reason == DecodeErrorReason.None);
        }
    }
}
