using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using RSerPool.Transport;
using RSerPool.Transport.Sctp;
using Xunit;

namespace RSerPool.Tests.Transport;

public sealed class SctpChannelFactoryTests
{
    [Fact]
    public async Task Connect_WithoutKernelSctp_FailsTyped_WithModprobeHint()
    {
        // Both branches assert: where the kernel has SCTP (the lab) a refused connect is a ConnectFailed;
        // where it has none (this build machine) the failure says so and how to fix it.
        var factory = new SctpChannelFactory(new SctpOptions { ConnectTimeout = TimeSpan.FromSeconds(20) });
        var error = await Assert.ThrowsAsync<TransportException>(async () =>
            await factory.ConnectAsync(new[] { new IPEndPoint(IPAddress.Loopback, 9) }, CancellationToken.None));

        if (SctpChannelFactory.IsSupported())
        {
            Assert.Equal(TransportFailure.ConnectFailed, error.Failure);
        }
        else
        {
            Assert.Equal(TransportFailure.SctpUnavailable, error.Failure);
            Assert.Contains("SCTP is not available on this system", error.Message, StringComparison.Ordinal);
            Assert.Contains("modprobe sctp", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Connect_WithNoAddresses_IsAnArgumentError()
    {
        var factory = new SctpChannelFactory();
        await Assert.ThrowsAsync<ArgumentException>(async () => await factory.ConnectAsync(Array.Empty<IPEndPoint>(), CancellationToken.None));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Options_RejectNonPositiveConnectTimeout(int seconds)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SctpChannelFactory(new SctpOptions { ConnectTimeout = TimeSpan.FromSeconds(seconds) }));
    }

    [Fact]
    public void Options_RejectRtoMinAboveRtoMax()
    {
        var options = new SctpOptions { RtoMin = TimeSpan.FromSeconds(3), RtoMax = TimeSpan.FromSeconds(1) };
        Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
    }

    [Fact]
    public void Options_RejectTinyMaximumMessage()
    {
        Assert.Throws<ArgumentOutOfRangeException>(new SctpOptions { MaxMessageSize = 10 }.Validate);
    }
}
