using System;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using RSerPool.Registrars;
using RSerPool.Tests.Fakes;
using RSerPool.Wire;
using RSerPool.Wire.Messages;
using RSerPool.Wire.Parameters;
using Xunit;

namespace RSerPool.Tests.Registrars;

public class AnnounceListenerTests
{
    private static readonly TimeSpan T7 = TimeSpan.FromSeconds(5);

    private readonly TestClock _time = new();
    private readonly RegistrarTable _table;
    private readonly AnnounceListener _listener;

    public AnnounceListenerTests()
    {
        _table = new RegistrarTable(Array.Empty<RegistrarAddress>(), 16, T7, _time);
        _listener = new AnnounceListener(_table, new[] { NetworkPrefix.Parse("10.0.0.0/8"), NetworkPrefix.Parse("fd00::/8") },
            AsapDecoderOptions.Default, NullLogger.Instance);
    }

    internal static byte[] Announce(uint id, params IPTransportParameter[] transports) => AsapCodec.Encode(new ServerAnnounce(id, transports));

    private static IPEndPoint Source(string address, int port) => new(IPAddress.Parse(address), port);

    [Fact]
    public void Handle_NoTransport_UsesUdpSourceAddressAndPort()
    {
        Assert.True(_listener.Handle(Announce(0x11), Source("10.0.0.5", 41234)));

        Assert.Equal(new[] { RegistrarAddress.Parse("10.0.0.5:41234") }, _table.Candidates());
        Assert.Equal(1, _listener.Accepted);
    }

    [Fact]
    public void Handle_SctpTransport_TakesPortAndAddressesFromIt()
    {
        byte[] announce = Announce(0x12, new SctpTransportParameter(9999, new[] { IPAddress.Parse("10.0.0.6"), IPAddress.Parse("10.0.1.6") }));

        Assert.True(_listener.Handle(announce, Source("10.0.0.6", 41234)));

        Assert.Equal(new[] { RegistrarAddress.Parse("10.0.0.6,10.0.1.6:9999") }, _table.Candidates());
    }

    [Fact]
    public void Handle_TcpTransportOnly_FallsBackToSourcePort()
    {
        byte[] announce = Announce(0x13, new TcpTransportParameter(5555, IPAddress.Parse("10.0.0.7")));

        Assert.True(_listener.Handle(announce, Source("10.0.0.7", 3863)));

        Assert.Equal(new[] { RegistrarAddress.Parse("10.0.0.7:3863") }, _table.Candidates());
    }

    [Fact]
    public void Handle_ServerInformation_TakesItsTransport()
    {
        var info = new ServerInformationParameter(0x14, new SctpTransportParameter(7777, new[] { IPAddress.Parse("10.0.0.8") }));
        byte[] announce = AsapCodec.Encode(new ServerAnnounce(0x14, serverInformation: info));

        Assert.True(_listener.Handle(announce, Source("10.0.0.8", 1)));

        Assert.Equal(new[] { RegistrarAddress.Parse("10.0.0.8:7777") }, _table.Candidates());
    }

    [Fact]
    public void Handle_MappedIpv4SourceWithPortZero_Ipv4AndIanaPort()
    {
        Assert.True(_listener.Handle(Announce(0x15), new IPEndPoint(IPAddress.Parse("::ffff:10.0.0.9"), 0)));

        Assert.Equal(new[] { RegistrarAddress.Parse("10.0.0.9:3863") }, _table.Candidates());
    }

    [Fact]
    public void Handle_Ipv6Source_Learned()
    {
        Assert.True(_listener.Handle(Announce(0x16), Source("fd00::16", 3863)));

        Assert.Equal(new[] { RegistrarAddress.Parse("[fd00::16]:3863") }, _table.Candidates());
    }

    [Theory]
    [InlineData("192.0.2.1")]
    [InlineData("11.0.0.1")]
    [InlineData("fe80::1")]
    public void Handle_UntrustedSource_Ignored(string source)
    {
        Assert.False(_listener.Handle(Announce(0x17), Source(source, 3863)));

        Assert.Equal(0, _table.Count);
        Assert.Equal(1, _listener.Rejected);
    }

    [Fact]
    public void Handle_UntrustedSourceClaimingTrustedTransport_Ignored()
    {
        byte[] announce = Announce(0x18, new SctpTransportParameter(3863, new[] { IPAddress.Parse("10.0.0.18") }));

        Assert.False(_listener.Handle(announce, Source("198.51.100.1", 3863)));

        Assert.Equal(0, _table.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0a")]
    [InlineData("0a000008")]
    [InlineData("0a00000cdeadbeef")]
    [InlineData("ffffffffffffffff")]
    [InlineData("050000100009000c4563686f506f6f6c")]
    [InlineData("0a000010ef6892010004000c0000000000000000")]
    public void Handle_Garbage_IgnoredWithoutThrowing(string hex)
    {
        Assert.False(_listener.Handle(Convert.FromHexString(hex), Source("10.0.0.20", 3863)));

        Assert.Equal(0, _table.Count);
        Assert.Equal(1, _listener.Rejected);
    }

    [Fact]
    public void Handle_RandomDatagrams_NeverThrow()
    {
        var random = new Random(5352);
        for (int i = 0; i < 2000; i++)
        {
            byte[] datagram = new byte[random.Next(0, 64)];
            random.NextBytes(datagram);
            if (datagram.Length > 0)
            {
                datagram[0] = (byte)(i % 2 == 0 ? 0x0a : datagram[0]);
            }

            _listener.Handle(datagram, Source("10.0.0.21", 3863));
        }

        Assert.Equal(2000, _listener.Accepted + _listener.Rejected);
    }

    [Fact]
    public void Handle_FloodOfDistinctSources_CapsAtMaxLearned()
    {
        int accepted = 0;
        for (int i = 0; i < 1000; i++)
        {
            if (_listener.Handle(Announce((uint)i), Source($"10.0.{i / 250}.{(i % 250) + 1}", 3863)))
            {
                accepted++;
            }
        }

        Assert.Equal(16, accepted);
        Assert.Equal(16, _table.Count);
        Assert.Equal(984, _listener.Rejected);
    }

    [Fact]
    public void Handle_LearnedRegistrar_ExpiresAfterT7()
    {
        _listener.Handle(Announce(0x22), Source("10.0.0.22", 3863));

        _time.Advance(T7 - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, _table.Count);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(0, _table.Count);
    }
}
