using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using RSerPool.Wire;
using RSerPool.Wire.Messages;
using RSerPool.Wire.Parameters;

namespace RSerPool.Tests.Wire;

/// <summary>
/// Valid messages for the truncation and robustness tests: the real captures plus built messages that
/// cover every message type, every parameter, every policy, both padding conventions and reported
/// unknown parameters.
/// </summary>
internal static class WireCorpus
{
    private static readonly Lazy<IReadOnlyList<(string Name, byte[] Bytes)>> s_all = new(Build);

    public static IReadOnlyList<(string Name, byte[] Bytes)> All => s_all.Value;

    public static IEnumerable<object[]> Cases() => All.Select(m => new object[] { m.Name });

    public static byte[] Get(string name) => All.Single(m => m.Name == name).Bytes;

    private static List<(string, byte[])> Build()
    {
        var list = new List<(string, byte[])>();
        foreach (RealMessage real in WireVectors.Real)
        {
            list.Add((real.ToString(), real.Bytes));
        }

        foreach ((string name, AsapMessage message) in Built())
        {
            list.Add((name, AsapCodec.Encode(message)));
            if (message.Padding == PaddingConvention.ExcludeTrailingPadding)
            {
                list.Add((name + "/rsplib-padding", AsapCodec.Encode(message with { Padding = PaddingConvention.IncludeTrailingPadding })));
            }
        }

        const string echoPool = "0009000c4563686f506f6f6c";
        list.Add(("hex/skip-report-top", Convert.FromHexString("05000019" + echoPool + "c1230009deadbeef01000000")));
        list.Add(("hex/skip-top", Convert.FromHexString("05000018" + echoPool + "81230008deadbeef")));
        list.Add(("hex/low14-pool-handle", Convert.FromHexString("05000010" + "8009000c4563686f506f6f6c")));
        list.Add(("hex/brief-hr", Convert.FromHexString(WireVectors.HandleResolutionEchoPoolItems1)));
        list.Add(("hex/brief-eu", Convert.FromHexString(WireVectors.EndpointUnreachableEchoPool)));
        return list;
    }

    private static IEnumerable<(string, AsapMessage)> Built()
    {
        var pool1 = new PoolHandleParameter("Pool1");
        var echo = new PoolHandleParameter("EchoPool");
        var binary = new PoolHandleParameter([0x00, 0x01, 0xfe, 0xff, 0x80, 0x7f]);
        IPAddress v4 = IPAddress.Parse("192.0.2.1");
        IPAddress v6 = IPAddress.Parse("2001:db8::7");
        var sctp = new SctpTransportParameter(7001, [v4, v6, IPAddress.Parse("10.0.2.15")], TransportUse.DataPlusControl);
        UserTransportParameter[] transports =
        [
            sctp,
            new TcpTransportParameter(80, v6, TransportUse.DataPlusControl),
            new UdpTransportParameter(53, v4),
            new UdpLiteTransportParameter(54, v6),
            new DccpTransportParameter(8080, v4, 0x00c0ffee),
            new OpaqueTransportParameter(new byte[] { 1, 2, 3, 4, 5 }),
        ];
        PoolPolicyParameter[] policies =
        [
            PoolPolicyParameter.RoundRobin(),
            PoolPolicyParameter.WeightedRoundRobin(7),
            PoolPolicyParameter.Random(),
            PoolPolicyParameter.WeightedRandom(9),
            PoolPolicyParameter.PriorityPolicy(5),
            PoolPolicyParameter.LeastUsed(0x7fffffff),
            PoolPolicyParameter.LeastUsedDegradation(1, 2),
            PoolPolicyParameter.PriorityLeastUsed(3, 4),
            PoolPolicyParameter.RandomizedLeastUsed(5),
            PoolPolicyParameter.Create(PoolPolicyType.RandomizedPriorityLeastUsed, 1, 2),
            PoolPolicyParameter.Create(PoolPolicyType.RandomizedLeastUsedDegradation, 1, 2),
            PoolPolicyParameter.Create(PoolPolicyType.PriorityLeastUsedDegradation, 1, 2),
            PoolPolicyParameter.Create(PoolPolicyType.RandomizedPriorityLeastUsedDegradation, 1, 2),
            PoolPolicyParameter.Create(PoolPolicyType.WeightedRandomDpf, 1, 2, 3),
            PoolPolicyParameter.Create(PoolPolicyType.LeastUsedDpf, 1, 2, 3),
            PoolPolicyParameter.Create(PoolPolicyType.LeastUsedDegradationDpf, 1, 2, 3, 4),
            PoolPolicyParameter.FromRaw(0x8000beef, [0xaa, 0xbb, 0xcc]),
        ];

        var elements = new List<PoolElementParameter>();
        for (int i = 0; i < policies.Length; i++)
        {
            elements.Add(new PoolElementParameter(
                (uint)(0xe000 + i), (uint)i, i % 3 == 0 ? -1 : 30000 * i,
                transports[i % transports.Length], policies[i], i % 4 == 0 ? sctp : null));
        }

        var unknownPool = new OperationErrorParameter(ErrorCause.UnknownPoolHandle());
        var manyCauses = new OperationErrorParameter(
            new ErrorCause(ErrorCauseCode.UnrecognizedParameter, new byte[] { 0xc0, 0xff, 0x00, 0x05, 0xaa }),
            new ErrorCause(ErrorCauseCode.InvalidValue),
            new ErrorCause((ErrorCauseCode)0x7777, new byte[] { 9 }));

        yield return ("registration", new Registration(echo, elements[0]));
        yield return ("registration/error", new Registration(pool1, elements[5], manyCauses));
        yield return ("deregistration", new Deregistration(binary, 0xdeadbeef));
        yield return ("registration-response/rejected", new RegistrationResponse(pool1, 7, isRejected: true, manyCauses));
        yield return ("deregistration-response", new DeregistrationResponse(echo, 7, unknownPool));
        yield return ("handle-resolution/pool1", new HandleResolution(pool1));
        yield return ("handle-resolution/subscribe-all", new HandleResolution(pool1, new HandleResolutionOptionParameter(HandleResolutionOptionParameter.AllItems), subscribe: true));
        yield return ("handle-resolution-response/all-elements", new HandleResolutionResponse(echo, PoolPolicyParameter.LeastUsed(1), elements) { Flags = 1 });
        yield return ("handle-resolution-response/no-policy", new HandleResolutionResponse(pool1, null, elements.Take(2)));
        yield return ("handle-resolution-response/negative", new HandleResolutionResponse(pool1, unknownPool));
        yield return ("keep-alive/home", new EndpointKeepAlive(0x01020304, pool1, null, isHomeRequest: true));
        yield return ("keep-alive/rsplib", new EndpointKeepAlive(0x01020304, echo, 0xe001));
        yield return ("keep-alive-ack", new EndpointKeepAliveAck(binary, 3));
        yield return ("endpoint-unreachable/pool1", new EndpointUnreachable(pool1, 0x12345678));
        yield return ("server-announce/full", new ServerAnnounce(0xcafe, [sctp, new TcpTransportParameter(3863, v4)], new ServerInformationParameter(0xcafe, sctp)));
        yield return ("server-announce/bare", new ServerAnnounce(0xcafe));
        yield return ("cookie/odd", new AsapCookie(new CookieParameter(new byte[] { 1, 2, 3, 4, 5, 6, 7 })));
        yield return ("cookie/empty", new AsapCookie(new CookieParameter(ReadOnlyMemory<byte>.Empty)));
        yield return ("cookie-echo/odd", new CookieEcho(new CookieParameter(new byte[] { 9, 8, 7 })));
        yield return ("business-card/rsplib", new BusinessCard(echo, elements.Take(3), PoolPolicyParameter.RoundRobin()));
        yield return ("business-card/rfc", new BusinessCard(pool1, elements.Skip(5).Take(2)));
        yield return ("error/causes", new AsapError(manyCauses));
        yield return ("error/unrecognized-message", AsapError.ForUnrecognizedMessage([0x4f, 0x00, 0x00, 0x05, 0x01, 0, 0, 0]));
    }
}
