using System;
using System.Net;
using RSerPool.Wire;
using RSerPool.Wire.Parameters;
using Xunit;

namespace RSerPool.Tests.Wire;

/// <summary>Every RFC 5354 parameter and RFC 5356 / rsplib policy: encode to known bytes, decode back.</summary>
public class ParameterRoundTripTests
{
    public static TheoryData<string, string> Policies => new()
    {
        { "RoundRobin", "0008000800000001" },
        { "WeightedRoundRobin", "0008000c0000000200000007" },
        { "Random", "0008000800000003" },
        { "WeightedRandom", "0008000c0000000400000009" },
        { "Priority", "0008000c0000000500000005" },
        { "LeastUsed", "0008000c400000017fffffff" },
        { "LeastUsedDegradation", "00080010400000020000000100000002" },
        { "PriorityLeastUsed", "00080010400000030000000100000002" },
        { "RandomizedLeastUsed", "0008000c4000000400000003" },
        { "RandomizedPriorityLeastUsed", "00080010b00010010000000100000002" },
        { "RandomizedLeastUsedDegradation", "00080010b00010020000000100000002" },
        { "PriorityLeastUsedDegradation", "00080010b00010030000000100000002" },
        { "RandomizedPriorityLeastUsedDegradation", "00080010b00010040000000100000002" },
        { "WeightedRandomDpf", "00080014b0002001000000090000000a0000000b" },
        { "LeastUsedDpf", "00080014b0002002000000010000000a0000000b" },
        { "LeastUsedDegradationDpf", "00080018b00020030000000100000002000000030000000b" },
    };

    [Theory]
    [MemberData(nameof(Policies))]
    public void Policy_KnownType_RoundTripsWithTypedFields(string name, string hex)
    {
        var policy = Assert.IsType<PoolPolicyParameter>(CodecAssert.DecodesParameter(hex));

        Assert.Equal(name, policy.PolicyType.ToString());
        Assert.True(policy.IsKnown);
        Assert.Equal(hex, CodecAssert.HexOf(policy));
        Assert.Equal(policy, PoolPolicyParameter.Create(policy.PolicyType, Fields(policy.Data.Span)));
    }

    [Fact]
    public void Policy_TypedAccessors_ReadTheRightFields()
    {
        Assert.Equal(7u, PoolPolicyParameter.WeightedRoundRobin(7).Weight);
        Assert.Equal(9u, PoolPolicyParameter.WeightedRandom(9).Weight);
        Assert.Equal(5u, PoolPolicyParameter.PriorityPolicy(5).Priority);
        Assert.Null(PoolPolicyParameter.PriorityPolicy(5).Load);
        PoolPolicyParameter lud = PoolPolicyParameter.LeastUsedDegradation(1, 2);
        Assert.Equal((1u, 2u), (lud.Load!.Value, lud.LoadDegradation!.Value));
        Assert.Equal(2u, PoolPolicyParameter.PriorityLeastUsed(1, 2).LoadDegradation);
        Assert.Equal(3u, PoolPolicyParameter.RandomizedLeastUsed(3).Load);
        PoolPolicyParameter wrandDpf = PoolPolicyParameter.Create(PoolPolicyType.WeightedRandomDpf, 9, 10, 11);
        Assert.Equal((9u, 10u, 11u), (wrandDpf.Weight!.Value, wrandDpf.WeightDpf!.Value, wrandDpf.Distance!.Value));
        PoolPolicyParameter ludDpf = PoolPolicyParameter.Create(PoolPolicyType.LeastUsedDegradationDpf, 1, 2, 3, 11);
        Assert.Equal((1u, 2u, 3u, 11u), (ludDpf.Load!.Value, ludDpf.LoadDegradation!.Value, ludDpf.LoadDpf!.Value, ludDpf.Distance!.Value));
        Assert.Null(PoolPolicyParameter.RoundRobin().Weight);
    }

    [Fact]
    public void Policy_UnknownType_KeptAsRawBytesWithOddLength()
    {
        const string hex = "0008000b80000001010203" + "00";

        var policy = Assert.IsType<PoolPolicyParameter>(CodecAssert.DecodesParameter(hex));

        Assert.False(policy.IsKnown);
        Assert.Equal(0x80000001u, policy.RawPolicyType);
        Assert.Equal(new byte[] { 1, 2, 3 }, policy.Data.ToArray());
        Assert.Null(policy.Load);
        Assert.Equal(hex, CodecAssert.HexOf(policy));
        Assert.Equal(policy, PoolPolicyParameter.FromRaw(0x80000001, [1, 2, 3]));
    }

    [Fact]
    public void Policy_OldRsplibPriorityLeastUsedWithoutDegradation_IsAccepted()
    {
        var policy = Assert.IsType<PoolPolicyParameter>(CodecAssert.DecodesParameter("0008000c4000000300000010"));

        Assert.Equal(0x10u, policy.Load);
        Assert.Null(policy.LoadDegradation);
        Assert.Equal("0008000c4000000300000010", CodecAssert.HexOf(policy));
    }

    [Theory]
    [InlineData("0008000c40000002" + "00000001")]
    [InlineData("0008000800000002")]
    [InlineData("0008000600000000")]
    [InlineData("00080010b0002003" + "0000000100000002")]
    public void Policy_KnownTypeMissingFields_IsInvalidValue(string hex) =>
        Assert.Equal(DecodeErrorReason.InvalidValue, ParameterError(hex));

    [Fact]
    public void Policy_ExtraTrailingBytes_AreKept()
    {
        var policy = Assert.IsType<PoolPolicyParameter>(CodecAssert.DecodesParameter("0008000c00000001deadbeef"));

        Assert.Equal(PoolPolicyType.RoundRobin, policy.PolicyType);
        Assert.Equal("0008000c00000001deadbeef", CodecAssert.HexOf(policy));
    }

    [Fact]
    public void Addresses_IPv4AndIPv6()
    {
        var v4 = Assert.IsType<AddressParameter>(CodecAssert.DecodesParameter("000100080a000001"));
        var v6 = Assert.IsType<AddressParameter>(CodecAssert.DecodesParameter("0002001420010db8000000000000000000000001"));

        Assert.Equal(IPAddress.Parse("10.0.0.1"), v4.Address);
        Assert.Equal(ParameterType.IPv4Address, v4.ParameterType);
        Assert.Equal(IPAddress.Parse("2001:db8::1"), v6.Address);
        Assert.Equal(ParameterType.IPv6Address, v6.ParameterType);
        Assert.Equal("000100080a000001", CodecAssert.HexOf(new AddressParameter(IPAddress.Parse("10.0.0.1"))));
        Assert.Equal(DecodeErrorReason.InvalidValue, ParameterError("000100090a00000100000000"));
        Assert.Equal(DecodeErrorReason.InvalidValue, ParameterError("0002000800000001"));
    }

    [Fact]
    public void Transports_AllFiveKinds()
    {
        IPAddress a = IPAddress.Parse("192.0.2.1");
        const string v4 = "00010008c0000201";

        AssertRoundTrip(new SctpTransportParameter(5000, [a], TransportUse.DataPlusControl), "00040010" + "13880001" + v4);
        AssertRoundTrip(new TcpTransportParameter(80, a, TransportUse.DataPlusControl), "00050010" + "00500001" + v4);
        AssertRoundTrip(new UdpTransportParameter(53, a), "00060010" + "00350000" + v4);
        AssertRoundTrip(new UdpLiteTransportParameter(54, a), "00070010" + "00360000" + v4);
        var dccp = AssertRoundTrip(new DccpTransportParameter(8080, a, 0x42), "00030014" + "1f900000" + "00000042" + v4);
        Assert.Equal(0x42u, dccp.ServiceCode);
        Assert.Equal(TransportUse.DataOnly, dccp.TransportUse);
    }

    [Fact]
    public void TcpTransport_ReadsRsplibTransportUse()
    {
        var tcp = Assert.IsType<TcpTransportParameter>(CodecAssert.DecodesParameter("00050010" + "00500001" + "00010008c0000201"));

        Assert.Equal(TransportUse.DataPlusControl, tcp.TransportUse);
    }

    [Theory]
    [InlineData("00040008" + "13880000")]
    [InlineData("00060018" + "00350000" + "00010008c0000201" + "00010008c0000202")]
    [InlineData("00050008" + "00500000")]
    [InlineData("0003000c" + "1f900000" + "00000042")]
    public void Transports_WrongAddressCount_IsInvalidValue(string hex)
    {
        DecodeErrorReason reason = ParameterError(hex);

        Assert.True(reason is DecodeErrorReason.InvalidValue or DecodeErrorReason.InvalidParameterLength, reason.ToString());
    }

    [Fact]
    public void PoolElement_WithOpaqueTransportAndAsapTransport()
    {
        var element = new PoolElementParameter(
            7, 8, 30,
            new OpaqueTransportParameter(new byte[] { 0xaa, 0xbb, 0xcc }),
            PoolPolicyParameter.RoundRobin(),
            new SctpTransportParameter(3863, [IPAddress.Parse("192.0.2.1")]));
        const string hex = "000a0030" + "00000007" + "00000008" + "0000001e"
            + "00100007aabbcc00" + "0008000800000001" + "000400100f17000000010008c0000201";

        var decoded = AssertRoundTrip(element, hex);

        Assert.Equal(new byte[] { 0xaa, 0xbb, 0xcc }, Assert.IsType<OpaqueTransportParameter>(decoded.UserTransport).Data.ToArray());
        Assert.Equal(3863, decoded.AsapTransport!.Port);
    }

    [Fact]
    public void ServerInformation_RoundTrips()
    {
        var information = new ServerInformationParameter(0x01020304, new SctpTransportParameter(9901, [IPAddress.Parse("192.0.2.1")]));

        Assert.Equal(0x01020304u, AssertRoundTrip(information, "000b0018" + "01020304" + "0004001026ad000000010008c0000201").RegistrarId);
    }

    [Fact]
    public void SimpleParameters_RoundTrip()
    {
        Assert.Equal(0xe001u, AssertRoundTrip(new PoolElementIdParameter(0xe001), "000e00080000e001").PoolElementId);
        Assert.Equal((ushort)0xabcd, AssertRoundTrip(new PoolElementChecksumParameter(0xabcd), "000f0006abcd0000").Checksum);
        Assert.Equal(3u, AssertRoundTrip(new HandleResolutionOptionParameter(3), "803f000800000003").Items);
        Assert.Equal(5, AssertRoundTrip(new CookieParameter(new byte[] { 1, 2, 3, 4, 5 }), "000d00090102030405000000").Value.Length);
        Assert.Equal(2, AssertRoundTrip(new OperationErrorParameter(ErrorCause.UnknownPoolHandle(), new ErrorCause(ErrorCauseCode.LackOfResources)), "000c000c0009000400060004").Causes.Count);
    }

    [Fact]
    public void PoolHandle_TextHelpers()
    {
        var text = new PoolHandleParameter("EchoPool");
        var binary = new PoolHandleParameter([0x00, 0xff, 0x41]);

        Assert.True(text.TryGetText(out string? name));
        Assert.Equal("EchoPool", name);
        Assert.False(binary.TryGetText(out _));
        Assert.Equal("0x00FF41", binary.ToString());
        Assert.Equal(new PoolHandleParameter("EchoPool"u8), text);
        Assert.Equal(text.GetHashCode(), new PoolHandleParameter("EchoPool").GetHashCode());
        Assert.Throws<ArgumentException>(() => new PoolHandleParameter(""));
    }

    [Fact]
    public void DecodeParameter_UnknownType_ReportsByActionBits()
    {
        Assert.Equal(DecodeErrorReason.UnrecognizedParameter, ParameterError("0123000400"[..8]));
        Assert.True(AsapCodec.TryDecodeParameter(Convert.FromHexString("c1230005aa000000"), out _, out DecodeError report) is false);
        Assert.Equal(DecodeErrorReason.UnrecognizedParameterReport, report.Reason);
        Assert.Equal("c1230005aa", Convert.ToHexString(report.Parameter!.Tlv.Span), ignoreCase: true);
    }

    private static T AssertRoundTrip<T>(T parameter, string hex) where T : AsapParameter
    {
        Assert.Equal(hex, CodecAssert.HexOf(parameter), ignoreCase: true);
        var decoded = Assert.IsType<T>(CodecAssert.DecodesParameter(hex));
        Assert.Equal(parameter, decoded);
        return decoded;
    }

    private static DecodeErrorReason ParameterError(string hex)
    {
        bool ok = AsapCodec.TryDecodeParameter(Convert.FromHexString(hex), out AsapParameter? parameter, out DecodeError error);
        Assert.False(ok, $"unexpectedly decoded {parameter}");
        return error.Reason;
    }

    private static uint[] Fields(ReadOnlySpan<byte> data)
    {
        var fields = new uint[data.Length / 4];
        for (int i = 0; i < fields.Length; i++)
        {
            fields[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data[(i * 4)..]);
        }

        return fields;
    }
}
