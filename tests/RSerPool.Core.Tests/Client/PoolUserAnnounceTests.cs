using System;
using System.Net;
using System.Threading.Tasks;
using RSerPool.Client;
using RSerPool.Registrars;
using RSerPool.Resolution;
using RSerPool.Tests.Fakes;
using RSerPool.Wire;
using RSerPool.Wire.Messages;
using RSerPool.Wire.Parameters;
using Xunit;

namespace RSerPool.Tests.Client;

/// <summary>Registrars learned from ASAP_SERVER_ANNOUNCE, fed through <see cref="PoolUser.HandleAnnounce"/> (no sockets).</summary>
public class PoolUserAnnounceTests
{
    /// <summary>A configured registrar that refuses: it keeps the test independent of the host's default registrars.</summary>
    private static readonly RegistrarAddress Decoy = RegistrarAddress.Parse("10.0.0.99:3863");

    private static PoolUserOptions Options(int maxLearned = 16) => PoolUserRig.BaseOptions with
    {
        Registrars = new[] { Decoy },
        MaxLearnedRegistrars = maxLearned,
        AnnounceLifetime = TimeSpan.FromSeconds(5),
    };

    private static byte[] Announce(uint id, params IPTransportParameter[] transports) => AsapCodec.Encode(new ServerAnnounce(id, transports));

    private static IPEndPoint From(string address, int port) => new(IPAddress.Parse(address), port);

    [Fact]
    public async Task ResolveAsync_RegistrarOnlyAnnounced_UsedAtTheAnnouncedSctpPort()
    {
        await using var rig = new PoolUserRig();
        rig.Factory.Refuse(Decoy.EndPoints[0]);
        ScriptedRegistrar learned = rig.AddAnswering("10.0.0.5:4711", TestPools.EchoPool());
        PoolUser user = rig.CreateUser(Options());

        Assert.True(user.HandleAnnounce(Announce(0x5, new SctpTransportParameter(4711, new[] { IPAddress.Parse("10.0.0.5") })), From("10.0.0.5", 3863)));
        PoolResolution r = await user.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard);

        Assert.Equal(learned.Address, r.Registrar);
        Assert.Contains(learned.Address, user.KnownRegistrars);
        Assert.Single(learned.Requests);
    }

    [Fact]
    public async Task ResolveAsync_AnnounceWithoutTransport_UsesTheUdpSourcePort()
    {
        await using var rig = new PoolUserRig();
        rig.Factory.Refuse(Decoy.EndPoints[0]);
        ScriptedRegistrar learned = rig.AddAnswering("10.0.0.6:40123", TestPools.EchoPool());
        PoolUser user = rig.CreateUser(Options());

        Assert.True(user.HandleAnnounce(Announce(0x6), From("10.0.0.6", 40123)));
        PoolResolution r = await user.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard);

        Assert.Equal(RegistrarAddress.Parse("10.0.0.6:40123"), r.Registrar);
        Assert.Single(learned.Requests);
    }

    [Fact]
    public async Task KnownRegistrars_LearnedEntry_ExpiresAfterT7AndIsNoLongerTried()
    {
        await using var rig = new PoolUserRig();
        rig.Factory.Refuse(Decoy.EndPoints[0]);
        ScriptedRegistrar learned = rig.AddAnswering("10.0.0.7:3863", TestPools.EchoPool());
        PoolUser user = rig.CreateUser(Options());
        user.HandleAnnounce(Announce(0x7), From("10.0.0.7", 3863));

        rig.Time.Advance(TimeSpan.FromSeconds(4.999));
        Assert.Contains(learned.Address, user.KnownRegistrars);
        rig.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.DoesNotContain(learned.Address, user.KnownRegistrars);

        var e = await Assert.ThrowsAsync<RSerPoolException>(() => user.ResolveAsync("EchoPool").WaitAsync(TestClock.Guard));
        Assert.Equal(PoolFailure.NoRegistrarReachable, e.Failure);
        Assert.Equal(0, learned.AssociationCount);
    }

    [Fact]
    public async Task HandleAnnounce_RepeatedBeforeT7_KeepsTheEntry()
    {
        await using var rig = new PoolUserRig();
        PoolUser user = rig.CreateUser(Options());

        for (int i = 0; i < 10; i++)
        {
            user.HandleAnnounce(Announce(0x8), From("10.0.0.8", 3863));
            rig.Time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Contains(RegistrarAddress.Parse("10.0.0.8:3863"), user.KnownRegistrars);
    }

    [Theory]
    [InlineData("192.0.2.10")]
    [InlineData("172.16.0.1")]
    [InlineData("2001:db8::1")]
    public async Task HandleAnnounce_UntrustedSource_Ignored(string source)
    {
        await using var rig = new PoolUserRig();
        PoolUser user = rig.CreateUser(Options());

        Assert.False(user.HandleAnnounce(Announce(0x9), From(source, 3863)));

        Assert.Equal(new[] { Decoy }, user.KnownRegistrars);
    }

    [Fact]
    public async Task HandleAnnounce_FloodOfThousandSources_CappedAtMaxLearnedRegistrars()
    {
        await using var rig = new PoolUserRig();
        PoolUser user = rig.CreateUser(Options(maxLearned: 8));

        int accepted = 0;
        for (int i = 0; i < 1000; i++)
        {
            accepted += user.HandleAnnounce(Announce((uint)i), From($"10.{i / 250}.1.{(i % 250) + 1}", 3863)) ? 1 : 0;
        }

        Assert.Equal(8, accepted);
        Assert.Equal(1 + 8, user.KnownRegistrars.Count);
        Assert.Equal(Decoy, user.KnownRegistrars[0]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("00")]
    [InlineData("0a000004")]
    [InlineData("0a000009ef68920100")]
    [InlineData("0b000018000d00143c50502d5444313e0000000000000002")]
    [InlineData("deadbeefdeadbeefdeadbeef")]
    public async Task HandleAnnounce_Garbage_IgnoredWithoutThrowing(string hex)
    {
        await using var rig = new PoolUserRig();
        PoolUser user = rig.CreateUser(Options());

        Assert.False(user.HandleAnnounce(Convert.FromHexString(hex), From("10.0.0.10", 3863)));

        Assert.Equal(new[] { Decoy }, user.KnownRegistrars);
    }

    [Fact]
    public async Task HandleAnnounce_AnnouncesOff_Ignored()
    {
        await using var rig = new PoolUserRig();
        PoolUser user = rig.CreateUser(Options() with { UseAnnounces = false });

        Assert.False(user.HandleAnnounce(Announce(0x11), From("10.0.0.11", 3863)));

        Assert.Equal(new[] { Decoy }, user.KnownRegistrars);
    }

    [Fact]
    public async Task KnownRegistrars_StaticFirstThenNewestAnnounced()
    {
        await using var rig = new PoolUserRig();
        PoolUser user = rig.CreateUser(Options());

        user.HandleAnnounce(Announce(1), From("10.0.0.21", 3863));
        rig.Time.Advance(TimeSpan.FromSeconds(1));
        user.HandleAnnounce(Announce(2), From("10.0.0.22", 3863));

        Assert.Equal(new[] { Decoy, RegistrarAddress.Parse("10.0.0.22"), RegistrarAddress.Parse("10.0.0.21") }, user.KnownRegistrars);
    }
}
