using System;
using System.Linq;
using RSerPool.Wire;
using RSerPool.Wire.Messages;
using RSerPool.Wire.Parameters;
using Xunit;

namespace RSerPool.Tests.Wire;

/// <summary>Layout rules, value checks and the decoder limits.</summary>
public class DecodeValidationTests
{
    private const string EchoPool = "0009000c4563686f506f6f6c";
    private const string RoundRobin = "0008000800000001";

    [Theory]
    [InlineData("", DecodeErrorReason.Truncated, 0)]
    [InlineData("0500", DecodeErrorReason.Truncated, 2)]
    [InlineData("05000003", DecodeErrorReason.InvalidMessageLength, 2)]
    [InlineData("05000014" + "0009000c4563686f", DecodeErrorReason.Truncated, 12)]
    [InlineData("05000004", DecodeErrorReason.MissingParameter, 4)]
    [InlineData("07000006" + "12340000", DecodeErrorReason.InvalidMessageLength, 2)]
    [InlineData("05000008" + "00090004", DecodeErrorReason.InvalidValue, 4)]
    [InlineData("05000008" + "00090003", DecodeErrorReason.InvalidParameterLength, 4)]
    [InlineData("05000010" + "0009000d4563686f506f6f6c", DecodeErrorReason.InvalidParameterLength, 4)]
    [InlineData("09000018" + EchoPool + "000e000700000700", DecodeErrorReason.InvalidValue, 16)]
    [InlineData("09000010" + EchoPool, DecodeErrorReason.MissingParameter, 16)]
    [InlineData("0e000008" + "000c0004", DecodeErrorReason.InvalidValue, 4)]
    [InlineData("0e00000c" + "000c0008" + "00090003", DecodeErrorReason.InvalidParameterLength, 8)]
    [InlineData("0b000004", DecodeErrorReason.MissingParameter, 4)]
    public void MalformedMessage_FailsWithReasonAndOffset(string hex, DecodeErrorReason reason, int offset)
    {
        DecodeError error = CodecAssert.Fails(hex, reason);

        Assert.Equal(offset, error.Offset);
    }

    [Fact]
    public void HandleResolutionResponse_PolicyAfterElement_IsUnexpected()
    {
        string element = "000a0028" + "0000e00100000000" + "00015f90" + "00040010e2f90001000100080affff01" + RoundRobin;

        DecodeError error = CodecAssert.Fails("06000040" + EchoPool + element + RoundRobin, DecodeErrorReason.UnexpectedParameter);

        Assert.Equal(56, error.Offset);
        Assert.Equal((int)ParameterType.PoolMemberSelectionPolicy, error.TypeCode);
    }

    [Fact]
    public void HandleResolutionResponse_ParameterAfterOperationError_IsUnexpected() =>
        CodecAssert.Fails("06000020" + EchoPool + "000c000800090004" + "000c000800090004", DecodeErrorReason.UnexpectedParameter);

    [Fact]
    public void PoolElement_WithoutPolicy_IsMissingParameter()
    {
        DecodeError error = CodecAssert.Fails(
            "06000038" + EchoPool + RoundRobin + "000a0020" + "0000e00100000000" + "00015f90" + "00040010e2f90001000100080affff01",
            DecodeErrorReason.MissingParameter);

        Assert.Equal((int)ParameterType.PoolMemberSelectionPolicy, error.TypeCode);
    }

    [Fact]
    public void BusinessCard_WithoutElements_IsMissingParameter() =>
        CodecAssert.Fails("0d000018" + EchoPool + RoundRobin, DecodeErrorReason.MissingParameter);

    [Fact]
    public void PoolHandle_LongerThanLimit_IsRejectedUnlessRaised()
    {
        string handle = new string('a', 66);
        string message = "05000029" + "00090025" + handle + "000000";

        DecodeError error = CodecAssert.Fails(message, DecodeErrorReason.PoolHandleTooLong);
        var request = CodecAssert.Decodes<HandleResolution>(message, new AsapDecoderOptions { MaxPoolHandleLength = 64 });

        Assert.Equal(4, error.Offset);
        Assert.Equal(33, request.PoolHandle.Length);
        Assert.Equal(32, AsapDecoderOptions.Default.MaxPoolHandleLength);
    }

    [Fact]
    public void PoolElements_MoreThanLimit_AreRejected()
    {
        string element = "000a0028" + "0000e00100000000" + "00015f90" + "00040010e2f90001000100080affff01" + RoundRobin;
        string Response(int count) => Message("06", EchoPool + RoundRobin + string.Concat(Enumerable.Repeat(element, count)));

        Assert.Equal(128, CodecAssert.Decodes<HandleResolutionResponse>(Response(128)).Elements.Count);
        DecodeError error = CodecAssert.Fails(Response(129), DecodeErrorReason.TooManyPoolElements);
        Assert.Equal(4 + 12 + 8 + (128 * 40), error.Offset);
        CodecAssert.Fails(Response(3), DecodeErrorReason.TooManyPoolElements, new AsapDecoderOptions { MaxPoolElements = 2 });
    }

    [Fact]
    public void Addresses_MoreThanLimit_AreRejected()
    {
        string Transport(int count) => "0004" + (8 + (count * 8)).ToString("x4") + "e2f90000" + string.Concat(Enumerable.Repeat("000100080affff01", count));
        string Response(int count) => Message("06", EchoPool + RoundRobin + "000a" + (16 + 8 + 8 + (count * 8)).ToString("x4") + "0000e00100000000" + "00015f90" + Transport(count) + RoundRobin);

        Assert.Equal(64, Assert.IsType<SctpTransportParameter>(CodecAssert.Decodes<HandleResolutionResponse>(Response(64)).Elements[0].UserTransport).Addresses.Count);
        CodecAssert.Fails(Response(65), DecodeErrorReason.TooManyAddresses);
        CodecAssert.Decodes<HandleResolutionResponse>(Response(65), new AsapDecoderOptions { MaxAddressesPerTransport = 100 });
    }

    [Fact]
    public void Nesting_DeeperThanLimit_IsRejected()
    {
        string real = WireVectors.Find("asap-echo-basic.pcap", 37).Hex;

        DecodeError error = CodecAssert.Fails(real, DecodeErrorReason.NestingTooDeep, new AsapDecoderOptions { MaxNestingDepth = 2 });

        Assert.Equal(4 + 12 + 8 + 12 + 4 + 8, error.Offset);
        CodecAssert.Fails(real, DecodeErrorReason.NestingTooDeep, new AsapDecoderOptions { MaxNestingDepth = 1 });
    }

    [Fact]
    public void Options_OutOfRange_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AsapDecoderOptions { MaxPoolHandleLength = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new AsapDecoderOptions { MaxPoolHandleLength = 65532 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new AsapDecoderOptions { MaxPoolElements = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new AsapDecoderOptions { MaxNestingDepth = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new AsapDecoderOptions { MaxAddressesPerTransport = -1 });
    }

    [Fact]
    public void DecodeError_ToString_IsReadable()
    {
        DecodeError error = CodecAssert.Fails("05000018" + EchoPool + "41230008deadbeef", DecodeErrorReason.UnrecognizedParameterReport);

        Assert.Equal("UnrecognizedParameterReport at offset 16 (type 0x4123)", error.ToString());
        Assert.Equal("Truncated at offset 2", CodecAssert.Fails("0500", DecodeErrorReason.Truncated).ToString());
        Assert.Equal(DecodeErrorReason.None, default(DecodeError).Reason);
    }

    [Fact]
    public void Models_RejectInvalidArguments()
    {
        var handle = new PoolHandleParameter("x");
        Assert.Throws<ArgumentNullException>(() => new HandleResolution(null!));
        Assert.Throws<ArgumentException>(() => new SctpTransportParameter(1, []));
        Assert.Throws<ArgumentException>(() => new OperationErrorParameter());
        Assert.Throws<ArgumentException>(() => new BusinessCard(handle, []));
        Assert.Throws<ArgumentException>(() => PoolPolicyParameter.Create(PoolPolicyType.LeastUsed));
        Assert.Throws<ArgumentException>(() => new ServerAnnounce(1, [new UdpTransportParameter(1, System.Net.IPAddress.Loopback)]));
        Assert.Throws<ArgumentNullException>(() => new AddressParameter(null!));
    }

    private static string Message(string type, string body) => type + "00" + (4 + body.Length / 2).ToString("x4") + body;
}
