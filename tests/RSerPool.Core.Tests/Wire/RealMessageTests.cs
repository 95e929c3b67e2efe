using System;
using System.Linq;
using System.Net;
using RSerPool.Wire;
using RSerPool.Wire.Messages;
using RSerPool.Wire.Parameters;
using Xunit;

namespace RSerPool.Tests.Wire;

/// <summary>Decoding and re-encoding the distinct messages of the rsplib 3.4.4 captures.</summary>
public class RealMessageTests
{
    [Theory]
    [MemberData(nameof(WireVectors.RealCases), MemberType = typeof(WireVectors))]
    public void Decode_RealMessage_ReencodesToIdenticalBytes(RealMessage real)
    {
        byte[] bytes = real.Bytes;

        AsapMessage message = CodecAssert.Decodes<AsapMessage>(bytes);

        Assert.Equal((AsapMessageType)bytes[0], message.Type);
        Assert.Equal(bytes[1], message.Flags);
        Assert.Empty(message.Reported);
        Assert.Equal(real.Hex, Convert.ToHexString(AsapCodec.Encode(message)), ignoreCase: true);
    }

    [Fact]
    public void Registration_FromDotnetProbe_HasRsplibPoolElement()
    {
        var registration = CodecAssert.Decodes<Registration>(WireVectors.Find("asap-dotnet-probe.pcap", 5).Bytes);

        Assert.Equal("EchoPool", registration.PoolHandle.ToString());
        PoolElementParameter element = registration.Element;
        Assert.Equal(0x0000e001u, element.PoolElementId);
        Assert.Equal(0u, element.HomeRegistrarId);
        Assert.Equal(90000, element.RegistrationLife);
        var sctp = Assert.IsType<SctpTransportParameter>(element.UserTransport);
        Assert.Equal(58105, sctp.Port);
        Assert.Equal(TransportUse.DataPlusControl, sctp.TransportUse);
        Assert.Equal([IPAddress.Parse("10.255.255.1")], sctp.Addresses);
        Assert.Equal(PoolPolicyType.RoundRobin, element.Policy.PolicyType);
        Assert.Null(element.AsapTransport);
        Assert.Null(registration.OperationError);
    }

    [Fact]
    public void Registration_MultiHomed_KeepsAllAddressesInOrder()
    {
        var registration = CodecAssert.Decodes<Registration>(WireVectors.Find("udpencap-lo.pcap", 5).Bytes);

        var sctp = Assert.IsType<SctpTransportParameter>(registration.Element.UserTransport);
        Assert.Equal(7001, sctp.Port);
        Assert.Equal(
            [IPAddress.Parse("10.255.255.1"), IPAddress.Parse("10.0.2.15"), IPAddress.Parse("fec0::5054:ff:fe12:3456")],
            sctp.Addresses);
        Assert.Equal(
            [new IPEndPoint(IPAddress.Parse("10.255.255.1"), 7001), new IPEndPoint(IPAddress.Parse("10.0.2.15"), 7001), new IPEndPoint(IPAddress.Parse("fec0::5054:ff:fe12:3456"), 7001)],
            sctp.GetEndPoints());
    }

    [Fact]
    public void HandleResolution_FromRspterminal_CarriesItemsOption()
    {
        var request = CodecAssert.Decodes<HandleResolution>(WireVectors.Find("asap-echo-basic.pcap", 35).Bytes);

        Assert.Equal("EchoPool", request.PoolHandle.ToString());
        Assert.Equal(1u, request.Option?.Items);
        Assert.False(request.Subscribe);
        Assert.Equal(PaddingConvention.ExcludeTrailingPadding, request.Padding);
    }

    [Fact]
    public void HandleResolution_NoSuchPoolFromProbe_LengthCountsTrailingPadding()
    {
        // The .NET probe wrote length 0x14 = 20 for a 10-byte handle: the message length covers the
        // 2 padding bytes of the last parameter, as rsplib's finishMessage() does.
        RealMessage real = WireVectors.Find("asap-dotnet-probe.pcap", 50);

        var request = CodecAssert.Decodes<HandleResolution>(real.Bytes);

        Assert.Equal("NoSuchPool", request.PoolHandle.ToString());
        Assert.Null(request.Option);
        Assert.Equal(PaddingConvention.IncludeTrailingPadding, request.Padding);
        Assert.Equal(real.Hex, CodecAssert.Hex(request), ignoreCase: true);
        Assert.Equal(
            "050000120009000e4e6f53756368506f6f6c0000",
            CodecAssert.Hex(request with { Padding = PaddingConvention.ExcludeTrailingPadding }));
    }

    [Fact]
    public void HandleResolutionResponse_FromRegistrar_ListsThePoolElement()
    {
        var response = CodecAssert.Decodes<HandleResolutionResponse>(WireVectors.Find("asap-echo-basic.pcap", 37).Bytes);

        Assert.False(response.IsNegative);
        Assert.Null(response.Error);
        Assert.False(response.SubscriptionAccepted);
        Assert.Equal(PoolPolicyType.RoundRobin, response.Policy?.PolicyType);
        PoolElementParameter element = Assert.Single(response.Elements);
        Assert.Equal(0x0000e001u, element.PoolElementId);
        Assert.Equal(0x85511f53u, element.HomeRegistrarId);
        Assert.Equal(90000, element.RegistrationLife);
        var sctp = Assert.IsType<SctpTransportParameter>(element.UserTransport);
        Assert.Equal(0x8729, sctp.Port);
        Assert.Equal(IPAddress.Parse("10.255.255.1"), sctp.Addresses.Single());
    }

    [Fact]
    public void HandleResolutionResponse_UnknownPool_IsNegative()
    {
        var response = CodecAssert.Decodes<HandleResolutionResponse>(WireVectors.Find("asap-dotnet-probe.pcap", 52).Bytes);

        Assert.Equal("NoSuchPool", response.PoolHandle.ToString());
        Assert.True(response.IsNegative);
        Assert.True(response.IsUnknownPoolHandle);
        Assert.Equal(ErrorCauseCode.UnknownPoolHandle, response.Error);
        Assert.Null(response.Policy);
        Assert.Empty(response.Elements);
        ErrorCause cause = Assert.Single(response.OperationError!.Causes);
        Assert.True(cause.Information.IsEmpty);
    }

    [Fact]
    public void KeepAliveAndAck_CarryRegistrarAndElement()
    {
        var keepAlive = CodecAssert.Decodes<EndpointKeepAlive>(WireVectors.Find("asap-echo-basic.pcap", 27).Bytes);
        var ack = CodecAssert.Decodes<EndpointKeepAliveAck>(WireVectors.Find("asap-dotnet-probe.pcap", 29).Bytes);

        Assert.Equal(0x85511f53u, keepAlive.RegistrarId);
        Assert.Equal("EchoPool", keepAlive.PoolHandle.ToString());
        Assert.Equal(0x0000e001u, keepAlive.PoolElementId);
        Assert.False(keepAlive.IsHomeRequest);
        Assert.Equal(0x0000e001u, ack.PoolElementId);
    }

    [Fact]
    public void EndpointUnreachable_FromPoolUser_NamesTheElement()
    {
        var report = CodecAssert.Decodes<EndpointUnreachable>(WireVectors.Find("asap-echo-unreachable.pcap", 92).Bytes);

        Assert.Equal("EchoPool", report.PoolHandle.ToString());
        Assert.Equal(0x0000e002u, report.PoolElementId);
    }

    [Fact]
    public void ServerAnnounce_FromRsplib_HasIdentifierOnly()
    {
        var announce = CodecAssert.Decodes<ServerAnnounce>(WireVectors.Find("asap-dotnet-probe.pcap", 10).Bytes);

        Assert.Equal(4016607745u, announce.RegistrarId);
        Assert.Empty(announce.Transports);
        Assert.Null(announce.ServerInformation);
    }

    [Fact]
    public void CookieAndEcho_CarryTheSameOpaqueBytes()
    {
        var cookie = CodecAssert.Decodes<AsapCookie>(WireVectors.Find("asap-pingpong-cookie.pcap", 58).Bytes);
        var echo = CodecAssert.Decodes<CookieEcho>(WireVectors.Find("asap-pingpong-cookie.pcap", 105).Bytes);

        Assert.Equal("3c50502d5444313e0000000000000002", Convert.ToHexString(cookie.Cookie.Value.Span), ignoreCase: true);
        Assert.Equal("3c50502d5444313e0000000000000005", Convert.ToHexString(echo.Cookie.Value.Span), ignoreCase: true);
        Assert.Equal("<PP-TD1>", System.Text.Encoding.ASCII.GetString(echo.Cookie.Value.Span[..8]));
    }

    [Fact]
    public void RegistrationAndDeregistrationResponses_AreAccepted()
    {
        var registered = CodecAssert.Decodes<RegistrationResponse>(WireVectors.Find("asap-dotnet-probe.pcap", 7).Bytes);
        var deregistration = CodecAssert.Decodes<Deregistration>(WireVectors.Find("asap-dotnet-probe.pcap", 64).Bytes);
        var deregistered = CodecAssert.Decodes<DeregistrationResponse>(WireVectors.Find("asap-dotnet-probe.pcap", 66).Bytes);

        Assert.False(registered.IsRejected);
        Assert.Null(registered.OperationError);
        Assert.Equal(0x0000e001u, registered.PoolElementId);
        Assert.Equal(0x0000e001u, deregistration.PoolElementId);
        Assert.Null(deregistered.OperationError);
    }
}
