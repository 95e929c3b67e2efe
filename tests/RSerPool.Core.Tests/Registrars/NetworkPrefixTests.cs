using System;
using System.Net;
using RSerPool.Registrars;
using Xunit;

namespace RSerPool.Tests.Registrars;

public class NetworkPrefixTests
{
    [Theory]
    [InlineData("10.0.0.0/8", "10.255.1.2", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("192.168.1.0/23", "192.168.0.200", true)]
    [InlineData("192.168.1.0/23", "192.168.2.1", false)]
    [InlineData("192.0.2.5", "192.0.2.5", true)]
    [InlineData("192.0.2.5", "192.0.2.6", false)]
    [InlineData("0.0.0.0/0", "203.0.113.9", true)]
    [InlineData("fd00::/8", "fd12:3456::1", true)]
    [InlineData("fd00::/8", "fe80::1", false)]
    [InlineData("10.0.0.0/8", "::ffff:10.1.2.3", true)]
    [InlineData("10.0.0.0/8", "fd00::1", false)]
    [InlineData("::1", "127.0.0.1", false)]
    public void Contains_Address_MatchesPrefix(string prefix, string address, bool expected)
        => Assert.Equal(expected, NetworkPrefix.Parse(prefix).Contains(IPAddress.Parse(address)));

    [Fact]
    public void Parse_BareAddress_IsHostPrefix()
    {
        Assert.Equal(32, NetworkPrefix.Parse("10.1.2.3").PrefixLength);
        Assert.Equal(128, NetworkPrefix.Parse("fd00::1").PrefixLength);
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("fd00::/129")]
    public void Parse_PrefixTooLong_Throws(string text)
        => Assert.ThrowsAny<ArgumentException>(() => NetworkPrefix.Parse(text));

    [Theory]
    [InlineData("not-an-address/8")]
    [InlineData("10.0.0.0/x")]
    public void Parse_Garbage_ThrowsFormatException(string text)
        => Assert.Throws<FormatException>(() => NetworkPrefix.Parse(text));

    [Fact]
    public void LocalNetworks_IncludeLoopback()
    {
        var local = NetworkPrefix.LocalNetworks();

        Assert.Contains(local, p => p.Contains(IPAddress.Loopback));
        Assert.Contains(local, p => p.Contains(IPAddress.IPv6Loopback));
    }
}
