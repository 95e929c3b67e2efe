using System;
using System.Collections.Generic;
using System.Net;
using RSerPool.Wire.Messages;
using RSerPool.Wire.Parameters;

namespace RSerPool.Tests.Fakes;

/// <summary>Builders for the ASAP messages the registrar fakes send and the tests expect.</summary>
internal static class TestPools
{
    /// <summary>An element reachable over SCTP at one address, with rsplib's registration life.</summary>
    public static PoolElementParameter Element(uint id, string address, ushort port, PoolPolicyParameter? policy = null, uint homeRegistrarId = 0x5eed0001)
        => new(id, homeRegistrarId, 90000, new SctpTransportParameter(port, new[] { IPAddress.Parse(address) }), policy ?? PoolPolicyParameter.RoundRobin());

    /// <summary><paramref name="count"/> round robin elements with ids 1.., ports 7000...</summary>
    public static PoolElementParameter[] Elements(int count)
    {
        var list = new PoolElementParameter[count];
        for (int i = 0; i < count; i++)
        {
            list[i] = Element((uint)(i + 1), $"10.1.{(i >> 8) & 0xff}.{i & 0xff}", (ushort)(7000 + (i % 1000)));
        }

        return list;
    }

    /// <summary>A positive handle resolution response.</summary>
    public static HandleResolutionResponse Response(string handle, PoolPolicyParameter? policy, params PoolElementParameter[] elements)
        => new(new PoolHandleParameter(handle), policy, elements);

    /// <summary>"Unknown Pool Handle" (cause 0x9).</summary>
    public static HandleResolutionResponse Unknown(string handle)
        => new(new PoolHandleParameter(handle), new OperationErrorParameter(ErrorCause.UnknownPoolHandle()));

    /// <summary>The EchoPool with three round robin elements, as an rsplib registrar answers it.</summary>
    public static HandleResolutionResponse EchoPool()
        => Response("EchoPool", PoolPolicyParameter.RoundRobin(),
            Element(0xe001, "10.1.0.1", 7001),
            Element(0xe002, "10.1.0.2", 7002),
            Element(0xe003, "10.1.0.3", 7003));

    /// <summary>A pool table with one entry.</summary>
    public static Dictionary<string, HandleResolutionResponse> Table(params HandleResolutionResponse[] responses)
    {
        var table = new Dictionary<string, HandleResolutionResponse>(StringComparer.Ordinal);
        foreach (HandleResolutionResponse r in responses)
        {
            table[r.PoolHandle.ToString()] = r;
        }

        return table;
    }
}
