using System.Buffers;
using System.Net;
using RSerPool.Wire;
using RSerPool.Wire.Messages;
using RSerPool.Wire.Parameters;
using Xunit;

namespace RSerPool.Tests.Wire;

/// <summary>Every message type built from the model, encoded to known bytes and decoded back.</summary>
public class MessageRoundTripTests
{
    private const string EchoPool = "0009000c4563686f506f6f6c";
    private const string ElementIdE001 = "000e00080000e001";
    private const string Sctp58105 = "00040010e2f90001000100080affff01";
    private const string RoundRobin = "0008000800000001";
    private const string ElementE001 = "000a0028" + "0000e001" + "00000000" + "00015f90" + Sctp58105 + RoundRobin;

    private static readonly PoolHandleParameter s_echoPool = new("EchoPool");

    private static PoolElementParameter ElementE001Model() => new(
        0xe001, 0, 90000,
        new SctpTransportParameter(58105, [IPAddress.Parse("10.255.255.1")], TransportUse.DataPlusControl),
        PoolPolicyParameter.RoundRobin());

    [Fact]
    public void Registration_RoundTrips_AsRsplibSendsIt()
    {
        string real = WireVectors.Find("asap-dotnet-probe.pcap", 5).Hex;

        CodecAssert.RoundTrips(new Registration(s_echoPool, ElementE001Model()), real);
        Assert.Equal("01000038" + EchoPool + ElementE001, real, ignoreCase: true);
    }

    [Fact]
    public void Deregistration_RoundTrips() =>
        CodecAssert.RoundTrips(new Deregistration(s_echoPool, 0xe001), "02000018" + EchoPool + ElementIdE001);

    [Fact]
    public void RegistrationResponse_Rejected_SetsRFlagAndCarriesError()
    {
        var response = new RegistrationResponse(
            s_echoPool, 0xe001, isRejected: true, new OperationErrorParameter(new ErrorCause(ErrorCauseCode.NonUniquePoolElementId)));

        var decoded = CodecAssert.RoundTrips(response, "03010020" + EchoPool + ElementIdE001 + "000c0008" + "00040004");

        Assert.True(decoded.IsRejected);
        Assert.Equal(ErrorCauseCode.NonUniquePoolElementId, decoded.OperationError!.Code);
    }

    [Fact]
    public void DeregistrationResponse_RoundTrips() =>
        CodecAssert.RoundTrips(new DeregistrationResponse(s_echoPool, 0xe001), "04000018" + EchoPool + ElementIdE001);

    [Fact]
    public void HandleResolution_Subscribe_SetsSFlag()
    {
        var decoded = CodecAssert.RoundTrips(new HandleResolution(s_echoPool, subscribe: true), "05010010" + EchoPool);

        Assert.True(decoded.Subscribe);
        Assert.Equal(HandleResolution.SubscribeFlag, decoded.Flags);
    }

    [Fact]
    public void HandleResolution_AllItems_WritesRsplibOption()
    {
        var decoded = CodecAssert.RoundTrips(
            new HandleResolution(s_echoPool, HandleResolutionOptionParameter.AllItems), "05000018" + EchoPool + "803f0008ffffffff");

        Assert.True(decoded.Option!.IsAllItems);
    }

    [Fact]
    public void HandleResolutionResponse_Positive_WithTwoElementsAndAsapTransport()
    {
        var tcpElement = new PoolElementParameter(
            0xa002, 0x11223344, PoolElementParameter.InfiniteRegistrationLife,
            new TcpTransportParameter(80, IPAddress.Parse("192.0.2.7")),
            PoolPolicyParameter.LeastUsed(0x10),
            new SctpTransportParameter(3863, [IPAddress.Parse("192.0.2.7")]));
        var response = new HandleResolutionResponse(s_echoPool, PoolPolicyParameter.LeastUsed(0), [ElementE001Model(), tcpElement])
        {
            Flags = HandleResolutionResponse.SubscriptionAcceptedFlag,
        };
        string tcpElementHex = "000a003c" + "0000a002" + "11223344" + "ffffffff"
            + "000500100050000000010008c0000207"
            + "0008000c4000000100000010"
            + "000400100f17000000010008c0000207";

        var decoded = CodecAssert.RoundTrips(response, "06010080" + EchoPool + "0008000c4000000100000000" + ElementE001 + tcpElementHex);

        Assert.True(decoded.SubscriptionAccepted);
        Assert.False(decoded.IsNegative);
        Assert.Equal(2, decoded.Elements.Count);
        Assert.True(decoded.Elements[1].IsRegistrationLifeInfinite);
        Assert.Equal(3863, decoded.Elements[1].AsapTransport!.Port);
        Assert.Equal(IPAddress.Parse("192.0.2.7"), Assert.IsType<TcpTransportParameter>(decoded.Elements[1].UserTransport).Address);
    }

    [Fact]
    public void HandleResolutionResponse_WithoutPolicy_MeansRoundRobin()
    {
        var decoded = CodecAssert.RoundTrips(
            new HandleResolutionResponse(s_echoPool, null, [ElementE001Model()]), "06000038" + EchoPool + ElementE001);

        Assert.Null(decoded.Policy);
        Assert.Equal(PoolPolicyType.RoundRobin, decoded.EffectivePolicy.PolicyType);
    }

    [Fact]
    public void HandleResolutionResponse_Negative_UnknownPoolHandle()
    {
        var decoded = CodecAssert.RoundTrips(
            new HandleResolutionResponse(s_echoPool, new OperationErrorParameter(ErrorCause.UnknownPoolHandle())),
            "06000018" + EchoPool + "000c000800090004");

        Assert.True(decoded.IsUnknownPoolHandle);
        Assert.Equal(ErrorCauseCode.UnknownPoolHandle, decoded.Error);
    }

    [Fact]
    public void EndpointKeepAlive_HomeRequestWithoutElementId()
    {
        var decoded = CodecAssert.RoundTrips(
            new EndpointKeepAlive(0x12345678, s_echoPool, isHomeRequest: true), "07010014" + "12345678" + EchoPool);

        Assert.True(decoded.IsHomeRequest);
        Assert.Null(decoded.PoolElementId);
    }

    [Fact]
    public void EndpointKeepAliveAck_RoundTrips() =>
        CodecAssert.RoundTrips(new EndpointKeepAliveAck(s_echoPool, 0xe001), "08000018" + EchoPool + ElementIdE001);

    [Fact]
    public void ServerAnnounce_WithTransportsAndServerInformation()
    {
        var sctp = new SctpTransportParameter(3863, [IPAddress.Parse("10.0.0.1"), IPAddress.Parse("2001:db8::1")]);
        var tcp = new TcpTransportParameter(3863, IPAddress.Parse("10.0.0.1"));
        var announce = new ServerAnnounce(0xcafe, [sctp, tcp], new ServerInformationParameter(0xcafe, sctp));
        string sctpHex = "00040024" + "0f170000" + "000100080a000001" + "0002001420010db8000000000000000000000001";

        var decoded = CodecAssert.RoundTrips(
            announce,
            "0a000068" + "0000cafe" + sctpHex + "000500100f170000000100080a000001" + "000b002c0000cafe" + sctpHex);

        Assert.Equal(2, decoded.Transports.Count);
        Assert.Equal(0xcafeu, decoded.ServerInformation!.RegistrarId);
    }

    [Fact]
    public void Cookie_OddLength_RfcLengthThenPadding()
    {
        var decoded = CodecAssert.RoundTrips(
            new AsapCookie(new CookieParameter("hello"u8.ToArray())), "0b00000d" + "000d0009" + "68656c6c6f" + "000000");

        Assert.Equal("hello"u8.ToArray(), decoded.Cookie.Value.ToArray());
    }

    [Fact]
    public void CookieEcho_EchoesReceivedCookie()
    {
        var received = CodecAssert.Decodes<AsapCookie>(WireVectors.Find("asap-pingpong-cookie.pcap", 58).Bytes);

        var echo = new CookieEcho(received);

        CodecAssert.RoundTrips(echo, "0c000018000d00143c50502d5444313e0000000000000002");
        Assert.Equal(received.Cookie, echo.Cookie);
    }

    [Fact]
    public void BusinessCard_RsplibLayoutWithPolicy()
    {
        var decoded = CodecAssert.RoundTrips(
            new BusinessCard(s_echoPool, [ElementE001Model()], PoolPolicyParameter.RoundRobin()),
            "0d000040" + EchoPool + RoundRobin + ElementE001);

        Assert.Equal(PoolPolicyType.RoundRobin, decoded.Policy!.PolicyType);
        Assert.Single(decoded.Elements);
    }

    [Fact]
    public void BusinessCard_RfcLayoutWithoutPolicy() =>
        Assert.Null(CodecAssert.RoundTrips(new BusinessCard(s_echoPool, [ElementE001Model()]), "0d000038" + EchoPool + ElementE001).Policy);

    [Fact]
    public void AsapError_UnrecognizedParameter_CarriesTheRawParameter()
    {
        var unknown = new UnrecognizedParameter([0xc0, 0xff, 0x00, 0x05, 0xaa], offset: 16);

        var decoded = CodecAssert.RoundTrips(
            AsapError.ForUnrecognizedParameters([unknown]), "0e000011" + "000c000d" + "00010009" + "c0ff0005aa" + "000000");

        ErrorCause cause = Assert.Single(decoded.OperationError.Causes);
        Assert.Equal(ErrorCauseCode.UnrecognizedParameter, cause.Code);
        Assert.Equal(new byte[] { 0xc0, 0xff, 0x00, 0x05, 0xaa }, cause.Information.ToArray());
    }

    [Fact]
    public void AsapError_UnrecognizedMessage_CarriesTheMessage()
    {
        var decoded = CodecAssert.RoundTrips(
            AsapError.ForUnrecognizedMessage([0x4f, 0x00, 0x00, 0x04]), "0e000010" + "000c000c" + "000200084f000004");

        Assert.Equal(ErrorCauseCode.UnrecognizedMessage, decoded.OperationError.Code);
    }

    [Fact]
    public void AsapError_SeveralCausesIncludingRsplibCodes()
    {
        var decoded = CodecAssert.RoundTrips(
            new AsapError(new ErrorCause(ErrorCauseCode.InvalidMessage), new ErrorCause((ErrorCauseCode)0x1234, new byte[] { 1, 2 }), new ErrorCause(ErrorCauseCode.InvalidValue)),
            "0e000018" + "000c0014" + "00100004" + "123400060102" + "0000" + "00110004");

        Assert.Equal([ErrorCauseCode.InvalidMessage, (ErrorCauseCode)0x1234, ErrorCauseCode.InvalidValue], [.. System.Linq.Enumerable.Select(decoded.OperationError.Causes, c => c.Code)]);
        Assert.True(decoded.OperationError.Contains(ErrorCauseCode.InvalidValue));
    }

    [Fact]
    public void Flags_UndefinedBitsSurviveDecodeAndEncode()
    {
        var decoded = CodecAssert.Decodes<EndpointUnreachable>("09f00018" + EchoPool + ElementIdE001);

        Assert.Equal(0xf0, decoded.Flags);
        Assert.Equal("09f00018" + EchoPool + ElementIdE001, CodecAssert.Hex(decoded), ignoreCase: true);
    }

    [Fact]
    public void Encode_ToBufferWriter_ReturnsBytesWritten()
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write(new byte[] { 0xee });

        int written = new EndpointUnreachable(s_echoPool, 1).Encode(buffer);

        Assert.Equal(24, written);
        Assert.Equal(25, buffer.WrittenCount);
        Assert.Equal(0x09, buffer.WrittenSpan[1]);
    }

    [Fact]
    public void Encode_MessageLongerThan65535_Throws()
    {
        var cookie = new CookieParameter(new byte[ushort.MaxValue - 4]);

        Assert.Throws<System.ArgumentException>(() => AsapCodec.Encode(new AsapCookie(cookie)));
    }
}
