using RSerPool.Wire;
using RSerPool.Wire.Messages;
using RSerPool.Wire.Parameters;
using Xunit;

namespace RSerPool.Tests.Wire;

/// <summary>RFC 5354 §4: the two top bits of an unknown message type.</summary>
public class UnknownMessageTypeTests
{
    [Theory]
    [InlineData("00", DecodeErrorReason.UnrecognizedMessage)]
    [InlineData("0f", DecodeErrorReason.UnrecognizedMessage)]
    [InlineData("3f", DecodeErrorReason.UnrecognizedMessage)]
    [InlineData("40", DecodeErrorReason.UnrecognizedMessageReport)]
    [InlineData("4f", DecodeErrorReason.UnrecognizedMessageReport)]
    [InlineData("8f", DecodeErrorReason.UnrecognizedMessage)]
    [InlineData("cf", DecodeErrorReason.UnrecognizedMessage)]
    [InlineData("ff", DecodeErrorReason.UnrecognizedMessage)]
    public void UnknownType_ReasonFollowsActionBits(string type, DecodeErrorReason expected)
    {
        DecodeError error = CodecAssert.Fails(type + "000008deadbeef", expected);

        Assert.Equal(0, error.Offset);
        Assert.Equal(System.Convert.ToInt32(type, 16), error.TypeCode);
        Assert.Equal(expected == DecodeErrorReason.UnrecognizedMessageReport, error.ShouldReport);
    }

    [Fact]
    public void UnknownTypeWithReport_CanBeAnsweredWithUnrecognizedMessage()
    {
        byte[] received = System.Convert.FromHexString("4f000008deadbeef");
        CodecAssert.Fails(received, DecodeErrorReason.UnrecognizedMessageReport);

        AsapError answer = AsapError.ForUnrecognizedMessage(received);

        Assert.Equal("0e000014000c00100002000c4f000008deadbeef", CodecAssert.Hex(answer));
        Assert.Equal(ErrorCauseCode.UnrecognizedMessage, answer.OperationError.Code);
    }

    [Fact]
    public void UnknownType_IsReportedOnlyForAWholeMessage() =>
        CodecAssert.Fails("4f00000cdeadbeef", DecodeErrorReason.Truncated);
}
