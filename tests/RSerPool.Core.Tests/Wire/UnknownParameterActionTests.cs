using System;
using RSerPool.Wire;
using RSerPool.Wire.Messages;
using RSerPool.Wire.Parameters;
using Xunit;

namespace RSerPool.Tests.Wire;

/// <summary>RFC 5354 §3: the two top bits of an unknown parameter type decide what happens.</summary>
public class UnknownParameterActionTests
{
    private const string EchoPool = "0009000c4563686f506f6f6c";
    private const string Sctp = "00040010e2f90001000100080affff01";
    private const string RoundRobin = "0008000800000001";

    [Fact]
    public void Action00_Stop_FailsWithoutReport()
    {
        DecodeError error = CodecAssert.Fails("05000018" + EchoPool + "01230008deadbeef", DecodeErrorReason.UnrecognizedParameter);

        Assert.Equal(16, error.Offset);
        Assert.Equal(0x0123, error.TypeCode);
        Assert.Null(error.Parameter);
        Assert.False(error.ShouldReport);
    }

    [Fact]
    public void Action01_StopAndReport_FailsAndCarriesTheParameter()
    {
        DecodeError error = CodecAssert.Fails("05000018" + EchoPool + "41230008deadbeef", DecodeErrorReason.UnrecognizedParameterReport);

        Assert.True(error.ShouldReport);
        Assert.Equal(16, error.Offset);
        Assert.Equal(0x4123, error.TypeCode);
        Assert.Equal("41230008deadbeef", Convert.ToHexString(error.Parameter!.Tlv.Span), ignoreCase: true);
        Assert.Equal(UnknownParameterAction.StopAndReport, error.Parameter.Action);
        Assert.Equal(0x0123, error.Parameter.Type);
        Assert.Equal(
            "0e000014" + "000c0010" + "0001000c41230008deadbeef",
            CodecAssert.Hex(AsapError.ForUnrecognizedParameters([error.Parameter])));
    }

    [Fact]
    public void Action10_Skip_DecodesWithoutReport()
    {
        var request = CodecAssert.Decodes<HandleResolution>("05000018" + EchoPool + "81230008deadbeef");

        Assert.Equal("EchoPool", request.PoolHandle.ToString());
        Assert.Empty(request.Reported);
        Assert.Equal("05000010" + EchoPool, CodecAssert.Hex(request), ignoreCase: true);
    }

    [Fact]
    public void Action11_SkipAndReport_DecodesAndExposesTheParameter()
    {
        var request = CodecAssert.Decodes<HandleResolution>("05000019" + EchoPool + "c1230009deadbeef01" + "000000");

        UnrecognizedParameter reported = Assert.Single(request.Reported);
        Assert.Equal(16, reported.Offset);
        Assert.Equal((ushort)0xc123, reported.RawType);
        Assert.Equal(UnknownParameterAction.SkipAndReport, reported.Action);
        Assert.Equal("c1230009deadbeef01", Convert.ToHexString(reported.Tlv.Span), ignoreCase: true);
        ErrorCause cause = Assert.Single(AsapError.ForUnrecognizedParameters(request.Reported).OperationError.Causes);
        Assert.Equal(ErrorCauseCode.UnrecognizedParameter, cause.Code);
    }

    [Fact]
    public void NestedInPoolElement_EachActionApplies()
    {
        static string Response(string unknown) => Message("06", EchoPool + RoundRobin + Element(Sctp + RoundRobin + unknown));

        DecodeError stop = CodecAssert.Fails(Response("0abc0008deadbeef"), DecodeErrorReason.UnrecognizedParameter);
        DecodeError stopReport = CodecAssert.Fails(Response("4abc0008deadbeef"), DecodeErrorReason.UnrecognizedParameterReport);
        var skip = CodecAssert.Decodes<HandleResolutionResponse>(Response("8abc0008deadbeef"));
        var skipReport = CodecAssert.Decodes<HandleResolutionResponse>(Response("cabc0008deadbeef"));

        int offset = 4 + 12 + 8 + 16 + 16 + 8;
        Assert.Equal(offset, stop.Offset);
        Assert.Equal(offset, stopReport.Parameter!.Offset);
        Assert.Empty(skip.Reported);
        Assert.Single(skip.Elements);
        Assert.Equal(offset, Assert.Single(skipReport.Reported).Offset);
        Assert.Equal(0x0000e001u, skipReport.Elements[0].PoolElementId);
    }

    [Fact]
    public void NestedInTransport_SkipAndReportBetweenAddresses()
    {
        string transport = "00040020" + "e2f90001" + "000100080affff01" + "c0ff0008cafebabe" + "000100080a000002";
        string message = Message("06", EchoPool + RoundRobin + Element(transport + RoundRobin));

        var response = CodecAssert.Decodes<HandleResolutionResponse>(message);

        var sctp = Assert.IsType<SctpTransportParameter>(response.Elements[0].UserTransport);
        Assert.Equal(2, sctp.Addresses.Count);
        Assert.Equal("c0ff0008cafebabe", Convert.ToHexString(Assert.Single(response.Reported).Tlv.Span), ignoreCase: true);
    }

    [Fact]
    public void KnownTypeOutOfPlace_WithStopBits_IsUnexpected()
    {
        DecodeError error = CodecAssert.Fails("05000018" + EchoPool + "000d0008aabbccdd", DecodeErrorReason.UnexpectedParameter);

        Assert.Equal(16, error.Offset);
        Assert.Equal((int)ParameterType.Cookie, error.TypeCode);
    }

    [Fact]
    public void KnownTypeOutOfPlace_WithSkipBits_IsSkippedAsRsplibDoes() =>
        Assert.Empty(CodecAssert.Decodes<HandleResolution>("05000018" + EchoPool + "800d0008aabbccdd").Reported);

    [Fact]
    public void KnownTypes_MatchOnLow14Bits()
    {
        var request = CodecAssert.Decodes<HandleResolution>("05000010" + "8009000c4563686f506f6f6c");

        Assert.Equal("EchoPool", request.PoolHandle.ToString());
        Assert.Equal("05000010" + EchoPool, CodecAssert.Hex(request), ignoreCase: true);
    }

    [Fact]
    public void UnknownBeforeRequiredParameter_IsSkippedThenRequiredFound()
    {
        var report = CodecAssert.Decodes<EndpointUnreachable>("09000020" + "81110008aaaaaaaa" + EchoPool + "000e000800000007");

        Assert.Equal(7u, report.PoolElementId);
    }

    private static string Element(string inner) =>
        (16 + inner.Length / 2).ToString("x4") is var length ? "000a" + length + "0000e001" + "00000000" + "00015f90" + inner : "";

    private static string Message(string type, string body) => type + "00" + (4 + body.Length / 2).ToString("x4") + body;
}
