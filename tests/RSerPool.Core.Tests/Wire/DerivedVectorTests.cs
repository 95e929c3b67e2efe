using RSerPool.Wire;
using RSerPool.Wire.Messages;
using RSerPool.Wire.Parameters;
using Xunit;

namespace RSerPool.Tests.Wire;

/// <summary>The derived test vectors of the implementer's brief §10.</summary>
public class DerivedVectorTests
{
    private static readonly PoolHandleParameter s_echoPool = new("EchoPool");

    [Fact]
    public void HandleResolution_WithItemsOption_MatchesBriefVector()
    {
        var decoded = CodecAssert.RoundTrips(new HandleResolution(s_echoPool, items: 1), WireVectors.HandleResolutionEchoPoolItems1);

        Assert.Equal(1u, decoded.Option!.Items);
        Assert.Equal("EchoPool", decoded.PoolHandle.ToString());
    }

    [Fact]
    public void HandleResolution_WithoutOption_MatchesBriefVector()
    {
        var decoded = CodecAssert.RoundTrips(new HandleResolution(s_echoPool), WireVectors.HandleResolutionEchoPool);

        Assert.Null(decoded.Option);
    }

    [Fact]
    public void EndpointUnreachable_MatchesBriefVector()
    {
        var decoded = CodecAssert.RoundTrips(new EndpointUnreachable(s_echoPool, 0x12345678), WireVectors.EndpointUnreachableEchoPool);

        Assert.Equal(0x12345678u, decoded.PoolElementId);
    }

    [Fact]
    public void PoolHandle_Pool1_LengthExcludesPadding()
    {
        Assert.Equal(WireVectors.PoolHandlePool1, CodecAssert.HexOf(new PoolHandleParameter("Pool1")), ignoreCase: true);
        var decoded = Assert.IsType<PoolHandleParameter>(CodecAssert.DecodesParameter(WireVectors.PoolHandlePool1));
        Assert.Equal("Pool1", decoded.ToString());
        Assert.Equal(5, decoded.Length);
    }

    [Fact]
    public void Policies_MatchBriefVectors()
    {
        Assert.Equal(WireVectors.RoundRobinPolicy, CodecAssert.HexOf(PoolPolicyParameter.RoundRobin()), ignoreCase: true);
        Assert.Equal(WireVectors.LeastUsedHalfLoad, CodecAssert.HexOf(PoolPolicyParameter.LeastUsed(0x7fffffff)), ignoreCase: true);
        var lu = Assert.IsType<PoolPolicyParameter>(CodecAssert.DecodesParameter(WireVectors.LeastUsedHalfLoad));
        Assert.Equal(PoolPolicyType.LeastUsed, lu.PolicyType);
        Assert.Equal(0x7fffffffu, lu.Load);
    }
}
