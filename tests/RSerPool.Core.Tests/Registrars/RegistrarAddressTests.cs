using System;
using System.Net;
using RSerPool.Registrars;
using Xunit;

namespace RSerPool.Tests.Registrars;

public class RegistrarAddressTests
{
    [Fact]
    public void Parse_Ipv4WithPort_OneEndPoint()
    {
        RegistrarAddress a = RegistrarAddress.Parse("10.0.0.1:4000");

        IPEndPoint e = Assert.Single(a.EndPoints);
        Assert.Equal(IPAddress.Parse("10.0.0.1"), e.Address);
        Assert.Equal(4000, e.Port);
    }

    [Fact]
    public void Parse_NoPort_UsesIanaAsapPort()
    {
        RegistrarAddress a = RegistrarAddress.Parse("192.0.2.7");

        Assert.Equal(3863, Assert.Single(a.EndPoints).Port);
        Assert.Equal(3863, RegistrarAddress.AsapPort);
    }

    [Fact]
    public void Parse_BracketedIpv6WithPort_Parses()
    {
        RegistrarAddress a = RegistrarAddress.Parse("[2001:db8::1]:3864");

        IPEndPoint e = Assert.Single(a.EndPoints);
        Assert.Equal(IPAddress.Parse("2001:db8::1"), e.Address);
        Assert.Equal(3864, e.Port);
    }

    [Theory]
    [InlineData("[::1]")]
    [InlineData("::1")]
    public void Parse_Ipv6WithoutPort_UsesDefaultPort(string text)
    {
        IPEndPoint e = Assert.Single(RegistrarAddress.Parse(text).EndPoints);

        Assert.Equal(IPAddress.IPv6Loopback, e.Address);
        Assert.Equal(3863, e.Port);
    }

    [Fact]
    public void Parse_MultiHomed_AllAddressesShareThePort()
    {
        RegistrarAddress a = RegistrarAddress.Parse("10.0.0.1, 10.0.1.1,[fd00::1]:5000");

        Assert.Equal(
            new[] { new IPEndPoint(IPAddress.Parse("10.0.0.1"), 5000), new IPEndPoint(IPAddress.Parse("10.0.1.1"), 5000), new IPEndPoint(IPAddress.Parse("fd00::1"), 5000) },
            a.EndPoints);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("10.0.0.1:0", "bad port")]
    [InlineData("10.0.0.1:65536", "bad port")]
    [InlineData("10.0.0.1:-1", "bad port")]
    [InlineData("10.0.0.1:abc", "bad port")]
    [InlineData("registrar.example:3863", "'registrar.example' is not an IP address")]
    [InlineData("10.0.0.1,nonsense:3863", "'nonsense' is not an IP address")]
    [InlineData(",:3863", "no address")]
    public void TryParse_BadInput_FalseWithReason(string text, string reason)
    {
        Assert.False(RegistrarAddress.TryParse(text, out RegistrarAddress? a, out string? why));

        Assert.Null(a);
        Assert.Equal(reason, why);
    }

    [Fact]
    public void Parse_BadInput_FormatExceptionNamesTextAndReason()
    {
        var e = Assert.Throws<FormatException>(() => RegistrarAddress.Parse("10.0.0.1:99999"));

        Assert.Contains("'10.0.0.1:99999'", e.Message, StringComparison.Ordinal);
        Assert.Contains("bad port", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.1:3863", "10.0.0.1:3863")]
    [InlineData("10.0.0.1", "10.0.0.1:3863")]
    [InlineData("[::1]:9", "[::1]:9")]
    [InlineData("10.0.0.1,10.0.1.1:7", "10.0.0.1,10.0.1.1:7")]
    public void ToString_RoundTripsThroughParse(string text, string expected)
    {
        RegistrarAddress a = RegistrarAddress.Parse(text);

        Assert.Equal(expected, a.ToString());
        Assert.Equal(a, RegistrarAddress.Parse(a.ToString()));
    }

    [Fact]
    public void Equals_SameEndPoints_EqualAndSameHash()
    {
        RegistrarAddress a = RegistrarAddress.Parse("10.0.0.1,10.0.0.2:3863");
        RegistrarAddress b = RegistrarAddress.Parse("10.0.0.1, 10.0.0.2");

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, RegistrarAddress.Parse("10.0.0.2,10.0.0.1"));
    }

    [Fact]
    public void Constructor_NoEndPoints_Throws()
        => Assert.Throws<ArgumentException>(() => new RegistrarAddress(Array.Empty<IPEndPoint>()));
}
