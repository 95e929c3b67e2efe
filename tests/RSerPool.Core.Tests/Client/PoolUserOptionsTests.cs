using System;
using System.Collections.Generic;
using RSerPool.Client;
using RSerPool.Registrars;
using RSerPool.Tests.Fakes;
using RSerPool.Transport.Sctp;
using RSerPool.Wire;
using Xunit;

namespace RSerPool.Tests.Client;

public class PoolUserOptionsTests
{
    private static readonly TimeSpan Zero = TimeSpan.Zero;
    private static readonly TimeSpan MinusOne = TimeSpan.FromSeconds(-1);

    private static readonly Dictionary<string, Func<PoolUserOptions, PoolUserOptions>> s_bad = new()
    {
        { "RequestTimeout zero", o => o with { RequestTimeout = Zero } },
        { "RequestTimeout negative", o => o with { RequestTimeout = MinusOne } },
        { "ServerHuntTimeout zero", o => o with { ServerHuntTimeout = Zero } },
        { "ServerHuntTimeoutMax below ServerHuntTimeout", o => o with { ServerHuntTimeout = TimeSpan.FromSeconds(10), ServerHuntTimeoutMax = TimeSpan.FromSeconds(5) } },
        { "AnnounceLifetime zero", o => o with { AnnounceLifetime = Zero } },
        { "UnreachableReportInterval zero", o => o with { UnreachableReportInterval = Zero } },
        { "StaleCacheValue negative", o => o with { StaleCacheValue = MinusOne } },
        { "NegativeCacheLifetime negative", o => o with { NegativeCacheLifetime = MinusOne } },
        { "MaxRequestRetransmits negative", o => o with { MaxRequestRetransmits = -1 } },
        { "ServerHuntRounds zero", o => o with { ServerHuntRounds = 0 } },
        { "MaxLearnedRegistrars negative", o => o with { MaxLearnedRegistrars = -1 } },
        { "UnreachableReportsPerSecond zero", o => o with { UnreachableReportsPerSecond = 0 } },
        { "Registrars null", o => o with { Registrars = null! } },
        { "AnnounceGroups null", o => o with { AnnounceGroups = null! } },
        { "AnnounceNetworks null", o => o with { AnnounceNetworks = null! } },
        { "Sctp null", o => o with { Sctp = null! } },
        { "Decoder null", o => o with { Decoder = null! } },
    };

    private static readonly Dictionary<string, Func<PoolUserOptions, PoolUserOptions>> s_edge = new()
    {
        { "cache disabled", o => o with { StaleCacheValue = Zero } },
        { "no negative caching", o => o with { NegativeCacheLifetime = Zero } },
        { "no retransmits", o => o with { MaxRequestRetransmits = 0 } },
        { "no learned registrars", o => o with { MaxLearnedRegistrars = 0 } },
        { "T5 fixed", o => o with { ServerHuntTimeout = TimeSpan.FromSeconds(7.5), ServerHuntTimeoutMax = TimeSpan.FromSeconds(7.5) } },
        { "one round", o => o with { ServerHuntRounds = 1 } },
        { "announces off", o => o with { UseAnnounces = false } },
    };

    public static TheoryData<string> BadOptions => new(s_bad.Keys);

    public static TheoryData<string> EdgeOptions => new(s_edge.Keys);

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Validate_BadValue_ThrowsArgumentException(string because)
    {
        PoolUserOptions options = s_bad[because](PoolUserRig.BaseOptions);

        var e = Assert.ThrowsAny<ArgumentException>(options.Validate);
        Assert.False(string.IsNullOrEmpty(e.ParamName), because);
    }

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Constructor_BadValue_ThrowsBeforeAnyWork(string because)
    {
        var rig = new PoolUserRig();
        PoolUserOptions options = s_bad[because](PoolUserRig.BaseOptions with { Registrars = new[] { RegistrarAddress.Parse("10.0.0.1") } });

        Assert.ThrowsAny<ArgumentException>(() => rig.CreateUser(options));
        Assert.True(rig.Factory.ConnectCount == 0, because);
    }

    [Theory]
    [MemberData(nameof(EdgeOptions))]
    public void Validate_EdgeValue_Accepted(string because)
    {
        PoolUserOptions options = s_edge[because](PoolUserRig.BaseOptions);

        Exception? e = Record.Exception(options.Validate);

        Assert.True(e is null, $"{because}: {e?.Message}");
    }

    [Fact]
    public void Defaults_AreThoseOfPoolUserDefaults()
    {
        var o = new PoolUserOptions();

        o.Validate();
        Assert.Equal(TimeSpan.FromSeconds(3), o.RequestTimeout);
        Assert.Equal(2, o.MaxRequestRetransmits);
        Assert.Equal(PoolUserDefaults.ServerHuntTimeout, o.ServerHuntTimeout);
        Assert.Equal(TimeSpan.FromSeconds(60), o.ServerHuntTimeoutMax);
        Assert.Equal(TimeSpan.FromSeconds(5), o.AnnounceLifetime);
        Assert.Equal(PoolUserDefaults.StaleCacheValue, o.StaleCacheValue);
        Assert.Equal(16, o.MaxLearnedRegistrars);
        Assert.True(o.UseAnnounces);
        Assert.Equal(new[] { PoolUserDefaults.RsplibAnnounceGroup, PoolUserDefaults.IanaAnnounceGroup }, o.AnnounceGroups);
        Assert.Empty(o.Registrars);
        Assert.Same(AsapDecoderOptions.Default, o.Decoder);
        Assert.Same(SctpOptions.Default, o.Sctp);
        Assert.Null(o.HandleResolutionItems);
        Assert.Equal(3, PoolUserDefaults.ParallelHuntConnects);
        Assert.Equal(RegistrarHunter.MaxParallel, PoolUserDefaults.ParallelHuntConnects);
    }

    [Fact]
    public void With_IsImmutableCopy()
    {
        var a = new PoolUserOptions();
        PoolUserOptions b = a with { RequestTimeout = TimeSpan.FromSeconds(9) };

        Assert.Equal(TimeSpan.FromSeconds(3), a.RequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(9), b.RequestTimeout);
        Assert.IsAssignableFrom<IReadOnlyList<RegistrarAddress>>(b.Registrars);
    }
}
