using System;
using System.Linq;
using RSerPool.Wire;
using Xunit;

namespace RSerPool.Tests.Wire;

/// <summary>
/// The decoder allocates in proportion to the bytes it was given, never to what a length field claims.
/// Measured with the per-thread allocation counter, after a warm-up call so JIT work is not counted.
/// </summary>
public class AllocationTests
{
    private const string EchoPool = "0009000c4563686f506f6f6c";

    [Fact]
    public void HeaderClaimingLargeMessage_AllocatesNothingMuch()
    {
        byte[] header = Convert.FromHexString("06" + "00" + "ffff" + EchoPool);

        long allocated = Measure(header);

        Assert.InRange(allocated, 0, 512);
    }

    [Fact]
    public void LargestMessageOfSkippedParameters_AllocatesLittle()
    {
        byte[] message = Build("05", EchoPool + string.Concat(Enumerable.Repeat("8123000800000000", 8188)));

        Assert.True(AsapCodec.TryDecode(message, out _, out DecodeError error), error.ToString());
        Assert.InRange(Measure(message), 0, 2048);
    }

    [Fact]
    public void LargestMessageOfReportedParameters_AllocatesLinearly()
    {
        byte[] message = Build("05", EchoPool + string.Concat(Enumerable.Repeat("c123000800000000", 8188)));

        Assert.True(AsapCodec.TryDecode(message, out AsapMessage? decoded, out _));
        Assert.Equal(8188, decoded.Reported.Count);
        Assert.InRange(Measure(message), message.Length, 16L * message.Length);
    }

    [Theory]
    [MemberData(nameof(WireCorpus.Cases), MemberType = typeof(WireCorpus))]
    public void CorpusMessage_AllocatesBoundedByItsSize(string name)
    {
        byte[] bytes = WireCorpus.Get(name);

        Assert.InRange(Measure(bytes), 0, 1024 + (16L * bytes.Length));
    }

    private static long Measure(byte[] input)
    {
        AsapCodec.TryDecode(input, out _, out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        AsapCodec.TryDecode(input, out _, out _);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static byte[] Build(string type, string body) =>
        Convert.FromHexString(type + "00" + (4 + (body.Length / 2)).ToString("x4") + body);
}
