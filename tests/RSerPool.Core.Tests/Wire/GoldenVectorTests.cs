using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text.Json;
using RSerPool.Tests.Golden;
using RSerPool.Wire;
using RSerPool.Wire.Messages;
using RSerPool.Wire.Parameters;
using Xunit;

namespace RSerPool.Tests.Wire;

/// <summary>
/// Every ASAP message of the rsplib 3.4.4 captures (read from TestData/pcap by the golden extractor)
/// decodes to the values tshark showed for it (TestData/golden/expected.json) and re-encodes to the
/// identical bytes.
/// </summary>
public class GoldenVectorTests
{
    [Theory]
    [MemberData(nameof(GoldenData.Keys), MemberType = typeof(GoldenData))]
    public void GoldenMessage_DecodesToTsharkValues_AndReencodesIdentically(string file, int frame, int index)
    {
        GoldenMessage golden = GoldenData.Find(file, frame, index);
        byte[] wire = golden.Captured.Bytes;
        JsonElement expected = golden.Expected;

        AsapMessage message = CodecAssert.Decodes<AsapMessage>(wire);

        Assert.Equal(expected.GetProperty("payloadLength").GetInt32(), wire.Length);
        Assert.Equal(expected.GetProperty("type").GetInt32(), (int)message.Type);
        Assert.Equal(expected.GetProperty("flags").GetInt32(), message.Flags);
        Assert.Equal(expected.GetProperty("length").GetInt32(), BinaryPrimitives.ReadUInt16BigEndian(wire.AsSpan(2)));
        AssertFlagBits(expected, message);
        if (expected.TryGetProperty("serverIdentifier", out JsonElement serverId))
        {
            uint registrarId = message switch
            {
                EndpointKeepAlive k => k.RegistrarId,
                ServerAnnounce a => a.RegistrarId,
                _ => throw new InvalidOperationException($"{golden}: unexpected server identifier"),
            };
            Assert.Equal(serverId.GetUInt32(), registrarId);
        }

        AssertParameters(golden.Name, expected.GetProperty("parameters"), Parameters(message), message.Padding);
        Assert.Empty(message.Reported);
        Assert.Equal(wire, AsapCodec.Encode(message));
    }

    [Fact]
    public void GoldenSet_CoversEveryMessageTypeRsplibSent()
    {
        var types = new HashSet<AsapMessageType>();
        foreach (GoldenMessage golden in GoldenData.LoadAll())
        {
            Assert.True(AsapCodec.TryDecode(golden.Captured.Bytes, out AsapMessage? message, out DecodeError error), $"{golden}: {error}");
            types.Add(message.Type);
        }

        Assert.Equal(472, GoldenData.LoadAll().Count);
        Assert.Equal(Enumerable.Range(1, 12).Select(t => (AsapMessageType)t), types.OrderBy(t => t));
    }

    private static void AssertFlagBits(JsonElement expected, AsapMessage message)
    {
        foreach (JsonElement bit in expected.GetProperty("flagBits").EnumerateArray())
        {
            bool set = bit.GetProperty("set").GetBoolean();
            switch (bit.GetProperty("name").GetString())
            {
                case "R":
                    Assert.Equal(set, ((RegistrationResponse)message).IsRejected);
                    break;
                case "H":
                    Assert.Equal(set, ((EndpointKeepAlive)message).IsHomeRequest);
                    break;
                case "S":
                    Assert.Equal(set, ((HandleResolution)message).Subscribe);
                    break;
                case "A":
                    Assert.Equal(set, ((HandleResolutionResponse)message).SubscriptionAccepted);
                    break;
                default:
                    Assert.Fail($"unknown flag {bit}");
                    break;
            }
        }
    }

    /// <summary>A message's parameters in wire order, as tshark lists them.</summary>
    private static List<AsapParameter> Parameters(AsapMessage message)
    {
        var list = new List<AsapParameter>();
        void Add(AsapParameter? parameter)
        {
            if (parameter is not null)
            {
                list.Add(parameter);
            }
        }

        switch (message)
        {
            case Registration m:
                Add(m.PoolHandle);
                Add(m.Element);
                Add(m.OperationError);
                break;
            case Deregistration m:
                Add(m.PoolHandle);
                Add(new PoolElementIdParameter(m.PoolElementId));
                break;
            case RegistrationResponse m:
                Add(m.PoolHandle);
                Add(new PoolElementIdParameter(m.PoolElementId));
                Add(m.OperationError);
                break;
            case DeregistrationResponse m:
                Add(m.PoolHandle);
                Add(new PoolElementIdParameter(m.PoolElementId));
                Add(m.OperationError);
                break;
            case HandleResolution m:
                Add(m.PoolHandle);
                Add(m.Option);
                break;
            case HandleResolutionResponse m:
                Add(m.PoolHandle);
                Add(m.Policy);
                m.Elements.ToList().ForEach(Add);
                Add(m.OperationError);
                break;
            case EndpointKeepAlive m:
                Add(m.PoolHandle);
                Add(m.PoolElementId is uint id ? new PoolElementIdParameter(id) : null);
                break;
            case EndpointKeepAliveAck m:
                Add(m.PoolHandle);
                Add(new PoolElementIdParameter(m.PoolElementId));
                break;
            case EndpointUnreachable m:
                Add(m.PoolHandle);
                Add(new PoolElementIdParameter(m.PoolElementId));
                break;
            case ServerAnnounce m:
                m.Transports.ToList().ForEach(Add);
                Add(m.ServerInformation);
                break;
            case AsapCookie m:
                Add(m.Cookie);
                break;
            case CookieEcho m:
                Add(m.Cookie);
                break;
            case BusinessCard m:
                Add(m.PoolHandle);
                Add(m.Policy);
                m.Elements.ToList().ForEach(Add);
                break;
            case AsapError m:
                Add(m.OperationError);
                break;
        }

        return list;
    }

    private static void AssertParameters(string where, JsonElement expected, IReadOnlyList<AsapParameter> actual, PaddingConvention padding)
    {
        Assert.True(expected.GetArrayLength() == actual.Count, $"{where}: {expected.GetArrayLength()} parameters in tshark, {actual.Count} decoded");
        for (int i = 0; i < actual.Count; i++)
        {
            AssertParameter($"{where}/{i}", expected[i], actual[i], padding);
        }
    }

    private static void AssertParameter(string where, JsonElement expected, AsapParameter actual, PaddingConvention padding)
    {
        var buffer = new ArrayBufferWriter<byte>();
        actual.Encode(buffer, padding);
        ReadOnlySpan<byte> tlv = buffer.WrittenSpan;
        int length = BinaryPrimitives.ReadUInt16BigEndian(tlv[2..]);
        Assert.True(expected.GetProperty("type").GetInt32() == BinaryPrimitives.ReadUInt16BigEndian(tlv), $"{where}: type");
        Assert.True(expected.GetProperty("length").GetInt32() == length, $"{where}: length");
        if (expected.TryGetProperty("paddingHex", out JsonElement paddingHex))
        {
            Assert.Equal(paddingHex.GetString(), Convert.ToHexString(tlv[length..]).ToLowerInvariant());
        }

        switch (actual)
        {
            case AddressParameter address:
                Assert.Equal(IPAddress.Parse(expected.GetProperty("address").GetString()!), address.Address);
                break;
            case IPTransportParameter transport:
                Assert.Equal(expected.GetProperty("port").GetInt32(), transport.Port);
                if (expected.TryGetProperty("transportUse", out JsonElement use))
                {
                    Assert.Equal(use.GetInt32(), (int)transport.TransportUse);
                }

                if (transport is DccpTransportParameter dccp)
                {
                    Assert.Equal(expected.GetProperty("serviceCode").GetUInt32(), dccp.ServiceCode);
                }

                AssertParameters(where, expected.GetProperty("parameters"), [.. transport.Addresses.Select(a => new AddressParameter(a))], padding);
                break;
            case PoolPolicyParameter policy:
                AssertPolicy(where, expected, policy);
                break;
            case PoolHandleParameter handle:
                Assert.Equal(expected.GetProperty("poolHandleHex").GetString(), Convert.ToHexString(handle.Value.Span).ToLowerInvariant());
                Assert.Equal(expected.GetProperty("poolHandleText").GetString(), handle.ToString());
                break;
            case PoolElementParameter element:
                Assert.Equal(expected.GetProperty("peIdentifier").GetUInt32(), element.PoolElementId);
                Assert.Equal(expected.GetProperty("homeEnrpServerId").GetUInt32(), element.HomeRegistrarId);
                Assert.Equal(expected.GetProperty("registrationLifeMs").GetInt64(), (long)(uint)element.RegistrationLife);
                var inner = new List<AsapParameter> { element.UserTransport, element.Policy };
                if (element.AsapTransport is not null)
                {
                    inner.Add(element.AsapTransport);
                }

                AssertParameters(where, expected.GetProperty("parameters"), inner, padding);
                break;
            case ServerInformationParameter information:
                Assert.Equal(expected.GetProperty("serverIdentifier").GetUInt32(), information.RegistrarId);
                AssertParameters(where, expected.GetProperty("parameters"), [information.Transport], padding);
                break;
            case OperationErrorParameter error:
                JsonElement causes = expected.GetProperty("causes");
                Assert.Equal(causes.GetArrayLength(), error.Causes.Count);
                for (int i = 0; i < error.Causes.Count; i++)
                {
                    Assert.Equal(causes[i].GetProperty("code").GetInt32(), (int)error.Causes[i].Code);
                    Assert.Equal(causes[i].GetProperty("length").GetInt32(), 4 + error.Causes[i].Information.Length);
                    if (causes[i].TryGetProperty("infoHex", out JsonElement info))
                    {
                        Assert.Equal(info.GetString(), Convert.ToHexString(error.Causes[i].Information.Span).ToLowerInvariant());
                    }
                }

                break;
            case CookieParameter cookie:
                Assert.Equal(expected.GetProperty("cookieHex").GetString(), Convert.ToHexString(cookie.Value.Span).ToLowerInvariant());
                break;
            case PoolElementIdParameter id:
                Assert.Equal(expected.GetProperty("peIdentifier").GetUInt32(), id.PoolElementId);
                break;
            case HandleResolutionOptionParameter option:
                Assert.Equal(expected.GetProperty("items").GetUInt32(), option.Items);
                break;
            default:
                Assert.Fail($"{where}: no golden comparison for {actual}");
                break;
        }
    }

    /// <summary>tshark shows weights, priorities and distances as integers and loads as percentages of 0xffffffff.</summary>
    private static void AssertPolicy(string where, JsonElement expected, PoolPolicyParameter policy)
    {
        Assert.Equal(expected.GetProperty("policyType").GetUInt32(), policy.RawPolicyType);
        AssertInteger(expected, "policyWeight", policy.Weight);
        AssertInteger(expected, "policyPriority", policy.Priority);
        AssertInteger(expected, "policyDistance", policy.Distance);
        AssertPercent(where, expected, "policyLoad", policy.Load);
        AssertPercent(where, expected, "policyLoadDegradation", policy.LoadDegradation);
        AssertPercent(where, expected, "policyLoadDpf", policy.LoadDpf);
        AssertPercent(where, expected, "policyWeightDpf", policy.WeightDpf);
    }

    private static void AssertInteger(JsonElement expected, string key, uint? actual)
    {
        if (expected.TryGetProperty(key, out JsonElement value))
        {
            Assert.Equal(value.GetUInt32(), actual);
        }
    }

    private static void AssertPercent(string where, JsonElement expected, string key, uint? actual)
    {
        if (expected.TryGetProperty(key, out JsonElement value))
        {
            Assert.True(actual.HasValue, $"{where}: {key} missing");
            Assert.InRange(100.0 * actual!.Value / uint.MaxValue, value.GetDouble() - 0.01, value.GetDouble() + 0.01);
        }
    }
}
