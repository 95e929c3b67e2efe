using System;
using System.Net;
using RSerPool.Transport.Sctp;
using Xunit;

namespace RSerPool.Tests.Transport;

public sealed class SocketAddressCodecTests
{
    [Fact]
    public void Pack_WritesSockaddrIn_And_SockaddrIn6_BackToBack()
    {
        byte[] packed = SocketAddressCodec.Pack(new[]
        {
            new IPEndPoint(IPAddress.Parse("10.255.255.1"), 3863),
            new IPEndPoint(IPAddress.IPv6Loopback, 3863),
        });

        Assert.Equal(16 + 28, packed.Length);
        // sockaddr_in: family 2 (host order, little-endian here), port 3863 big-endian, address, 8 zero bytes.
        Assert.Equal("02000F170AFFFF010000000000000000", Convert.ToHexString(packed, 0, 16));
        // sockaddr_in6: family 10, port, flowinfo 0, ::1, scope 0.
        Assert.Equal("0A000F1700000000" + "00000000000000000000000000000001" + "00000000", Convert.ToHexString(packed, 16, 28));
    }
}
