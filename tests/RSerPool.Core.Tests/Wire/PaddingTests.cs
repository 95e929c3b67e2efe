using RSerPool.Wire;
using RSerPool.Wire.Messages;
using RSerPool.Wire.Parameters;
using Xunit;

namespace RSerPool.Tests.Wire;

/// <summary>
/// RFC 5354 §2/§4 lengths exclude the trailing padding; rsplib's include it (finishTLV/finishMessage).
/// The decoder accepts both, records which it saw, and the encoder reproduces it.
/// </summary>
public class PaddingTests
{
    private const string Pool1 = "00090009506f6f6c31";

    [Fact]
    public void RfcForm_LengthStopsAtValue()
    {
        var request = CodecAssert.Decodes<HandleResolution>("0500000d" + Pool1 + "000000");

        Assert.Equal(PaddingConvention.ExcludeTrailingPadding, request.Padding);
        Assert.Equal("0500000d" + Pool1 + "000000", CodecAssert.Hex(request));
    }

    [Fact]
    public void RsplibForm_LengthCoversPadding()
    {
        var request = CodecAssert.Decodes<HandleResolution>("05000010" + Pool1 + "000000");

        Assert.Equal(PaddingConvention.IncludeTrailingPadding, request.Padding);
        Assert.Equal("05000010" + Pool1 + "000000", CodecAssert.Hex(request));
    }

    [Fact]
    public void NewMessages_DefaultToRfcForm() =>
        Assert.Equal("0500000d" + Pool1 + "000000", CodecAssert.Hex(new HandleResolution(new PoolHandleParameter("Pool1"))));

    [Fact]
    public void RsplibForm_CanBeChosenForNewMessages() =>
        Assert.Equal(
            "05000010" + Pool1 + "000000",
            CodecAssert.Hex(new HandleResolution(new PoolHandleParameter("Pool1")) { Padding = PaddingConvention.IncludeTrailingPadding }));

    [Fact]
    public void PaddingBetweenParameters_IsCountedInBothForms()
    {
        var report = CodecAssert.Decodes<EndpointUnreachable>("09000018" + Pool1 + "000000" + "000e000800000009");

        Assert.Equal("Pool1", report.PoolHandle.ToString());
        Assert.Equal(9u, report.PoolElementId);
    }

    [Fact]
    public void MissingFinalPadding_RejectedByDefault_AcceptedWhenAllowed()
    {
        const string unpadded = "0500000d" + Pool1;
        CodecAssert.Fails(unpadded, DecodeErrorReason.Truncated);

        var request = CodecAssert.Decodes<HandleResolution>(unpadded, new AsapDecoderOptions { RequireFinalPadding = false });

        Assert.Equal("Pool1", request.PoolHandle.ToString());
        Assert.Equal("0500000d" + Pool1 + "000000", CodecAssert.Hex(request));
    }

    [Fact]
    public void NonZeroPadding_IsIgnoredAndWrittenAsZero() =>
        Assert.Equal("0500000d" + Pool1 + "000000", CodecAssert.Hex(CodecAssert.Decodes<HandleResolution>("0500000d" + Pool1 + "ffffff")));

    [Fact]
    public void LengthInsideThePadding_IsAcceptedAsRfcForm() =>
        Assert.Equal(PaddingConvention.ExcludeTrailingPadding, CodecAssert.Decodes<HandleResolution>("0500000f" + Pool1 + "000000").Padding);

    [Fact]
    public void LengthPastThePaddingWithoutAParameter_IsInvalid() =>
        CodecAssert.Fails("05000012" + Pool1 + "000000" + "00000000", DecodeErrorReason.InvalidParameterLength);

    [Fact]
    public void TrailingBytesAfterPaddedMessage_AreRejected()
    {
        DecodeError error = CodecAssert.Fails("0500000d" + Pool1 + "000000" + "00000000", DecodeErrorReason.TrailingData);

        Assert.Equal(16, error.Offset);
    }

    [Fact]
    public void OddCookie_RsplibFormReproduced()
    {
        const string rsplib = "0b000010" + "000d0009" + "68656c6c6f" + "000000";

        var cookie = CodecAssert.Decodes<AsapCookie>(rsplib);

        Assert.Equal(PaddingConvention.IncludeTrailingPadding, cookie.Padding);
        Assert.Equal(rsplib, CodecAssert.Hex(cookie));
    }

    [Fact]
    public void NestedOddParameter_BothFormsReproduced()
    {
        // A pool element whose last inner parameter (an unknown policy with 3 data bytes) is unaligned.
        const string policy = "0008000b80000001010203";
        const string sctp = "00040010e2f90001000100080affff01";
        string rfc = "0600003b" + "0009000c4563686f506f6f6c" + "000a002b" + "0000e001000000000000001e" + sctp + policy + "00";
        string rsplib = "0600003c" + "0009000c4563686f506f6f6c" + "000a002c" + "0000e001000000000000001e" + sctp + policy + "00";

        var fromRfc = CodecAssert.Decodes<HandleResolutionResponse>(rfc);
        var fromRsplib = CodecAssert.Decodes<HandleResolutionResponse>(rsplib);

        Assert.Equal(PaddingConvention.ExcludeTrailingPadding, fromRfc.Padding);
        Assert.Equal(PaddingConvention.IncludeTrailingPadding, fromRsplib.Padding);
        Assert.Equal(rfc, CodecAssert.Hex(fromRfc));
        Assert.Equal(rsplib, CodecAssert.Hex(fromRsplib));
        Assert.Equal(fromRfc.Elements, fromRsplib.Elements);
    }

    [Fact]
    public void OperationError_StaysRfcFormInsideRsplibMessage()
    {
        // rsplib writes its one cause unpadded, pads the Operation Error, then counts that padding in the message.
        const string rsplib = "0e000014" + "000c000d" + "00010009" + "c0ff0005aa" + "000000";

        var error = CodecAssert.Decodes<AsapError>(rsplib);

        Assert.Equal(PaddingConvention.IncludeTrailingPadding, error.Padding);
        Assert.Equal(rsplib, CodecAssert.Hex(error));
    }

    [Fact]
    public void OperationError_LengthCoveringCausePadding_IsStillAccepted()
    {
        var error = CodecAssert.Decodes<AsapError>("0e000014" + "000c0010" + "00010009" + "c0ff0005aa" + "000000");

        Assert.Equal(new byte[] { 0xc0, 0xff, 0x00, 0x05, 0xaa }, Assert.Single(error.OperationError.Causes).Information.ToArray());
    }

    [Fact]
    public void TryGetMessageSize_RoundsUpToFour()
    {
        Assert.True(AsapCodec.TryGetMessageSize(System.Convert.FromHexString("0500000d"), out int size));
        Assert.Equal(16, size);
        Assert.False(AsapCodec.TryGetMessageSize(System.Convert.FromHexString("050000"), out _));
        Assert.False(AsapCodec.TryGetMessageSize(System.Convert.FromHexString("05000003"), out _));
    }
}
