using System;
using RSerPool.Sessions;
using Xunit;

namespace RSerPool.Tests.Sessions;

/// <summary>RoundTripWindow: the latest round trips and their quantiles (nearest rank).</summary>
public sealed class RoundTripWindowTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromTicks((long)(ms * TimeSpan.TicksPerMillisecond));

    [Fact]
    public void TooFewRoundTrips_NoQuantile()
    {
        var window = new RoundTripWindow();
        Assert.Null(window.Quantile(0.5, minimumSamples: 1));
        for (int i = 0; i < RoundTripWindow.MinimumSamples - 1; i++)
        {
            window.Add(Ms(1));
        }

        Assert.Null(window.Quantile(0.95));
        Assert.Equal(Ms(1), window.Quantile(0.95, minimumSamples: 1));
        window.Add(Ms(1));
        Assert.Equal(Ms(1), window.Quantile(0.95));
    }

    [Fact]
    public void Quantiles_AreNearestRank()
    {
        var window = new RoundTripWindow();
        for (int i = 100; i >= 1; i--)
        {
            window.Add(Ms(i)); // 1..100 ms, out of order
        }

        Assert.Equal(Ms(95), window.Quantile(0.95));
        Assert.Equal(Ms(50), window.Quantile(0.5));
        Assert.Equal(Ms(1), window.Quantile(0));
        Assert.Equal(Ms(100), window.Quantile(1));
    }

    [Fact]
    public void AFullWindow_ForgetsTheOldest()
    {
        var window = new RoundTripWindow();
        for (int i = 0; i < RoundTripWindow.Capacity; i++)
        {
            window.Add(Ms(50)); // a slow pool...
        }

        for (int i = 0; i < RoundTripWindow.Capacity; i++)
        {
            window.Add(Ms(1)); // ...that sped up: the delay follows within a window
        }

        Assert.Equal(RoundTripWindow.Capacity, window.Count);
        Assert.Equal(Ms(1), window.Quantile(1));
    }

    [Fact]
    public void AFullWindow_IsSortedAgainEveryTenRoundTrips()
    {
        var window = new RoundTripWindow();
        for (int i = 0; i < RoundTripWindow.Capacity; i++)
        {
            window.Add(Ms(1));
        }

        Assert.Equal(Ms(1), window.Quantile(1));
        for (int i = 1; i < RoundTripWindow.SortEvery; i++)
        {
            window.Add(Ms(9));
            Assert.Equal(Ms(1), window.Quantile(1)); // not yet: the last sort stands
        }

        window.Add(Ms(9));
        Assert.Equal(Ms(9), window.Quantile(1));
        Assert.Equal(Ms(1), window.Quantile(0.9)); // 90 of 1 ms, 10 of 9 ms
    }

    [Fact]
    public void AFewStalls_DoNotMoveThe95thPercentile()
    {
        // Why not SRTT + 4*RTTVAR: three stalls of 40 ms among answers of 1-2 ms.
        var window = new RoundTripWindow();
        for (int i = 0; i < 97; i++)
        {
            window.Add(Ms(1 + (i % 10) / 10.0));
        }

        window.Add(Ms(40));
        window.Add(Ms(40));
        window.Add(Ms(40));
        Assert.True(window.Quantile(0.95) <= Ms(2), $"p95 {window.Quantile(0.95)}");
    }

    [Fact]
    public void TinyRoundTrips_AreFloored_AndNonPositiveOnesIgnored()
    {
        var window = new RoundTripWindow();
        window.Add(TimeSpan.Zero);
        window.Add(Ms(-1));
        Assert.Equal(0, window.Count);

        window.Add(TimeSpan.FromTicks(3));
        Assert.Equal(RoundTripWindow.Floor, window.Quantile(0.5, minimumSamples: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => window.Quantile(1.5));
    }
}
