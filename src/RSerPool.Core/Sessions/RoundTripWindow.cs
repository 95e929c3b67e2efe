using System;

namespace RSerPool.Sessions;

/// <summary>
/// A session's latest request round trips, for its adaptive hedge delay (<see cref="RequestOptions.AdaptiveHedge"/>)
/// and the typical round trip it shows (<see cref="PoolSession.RoundTripTime"/>).
/// </summary>
/// <remarks>
/// Why a quantile of recent round trips and not TCP's SRTT + 4·RTTVAR (RFC 6298): that timeout is made to
/// (almost) never fire on a live path, and a few stalls of tens of ms lift it far above the usual answer
/// (in the lab: SRTT 4-6 ms over answers mostly under 2 ms, and one hedge in 200 requests). A hedge is
/// meant to fire on the slowest few: Dean and Barroso ("The Tail at Scale", CACM 2013) defer the second
/// request until the first has been outstanding longer than the 95th percentile of the expected
/// latency, which bounds the extra load near 5%; Finagle's backup requests pick their delay from a
/// latency percentile the same way. A fixed window keeps the memory bounded and lets the delay follow
/// a pool that slows down or speeds up within a hundred requests. The window is kept across failovers:
/// a pool's elements serve the same requests, and a slower new element's hedged requests enter it at
/// once (with the time until the standby answered, a lower bound of theirs).
/// </remarks>
internal sealed class RoundTripWindow
{
    /// <summary>How many of the latest round trips are kept.</summary>
    internal const int Capacity = 100;

    /// <summary>Round trips needed before a quantile is given: fewer say little about the tail.</summary>
    internal const int MinimumSamples = 20;

    /// <summary>The quantile an adaptive hedge waits for (The Tail at Scale: about 5% extra requests).</summary>
    internal const double HedgeQuantile = 0.95;

    /// <summary>The shortest delay given: timers do not fire sooner than this anyway.</summary>
    internal static readonly TimeSpan Floor = TimeSpan.FromTicks(1000); // 0.1 ms

    /// <summary>Round trips taken between two sorts of the window: a quantile may lag that far behind.</summary>
    internal const int SortEvery = 10;

    private readonly object _gate = new();
    private readonly long[] _ticks = new long[Capacity];
    private readonly long[] _sorted = new long[Capacity];
    private int _count;
    private int _next;
    private int _sortedCount; // how many round trips _sorted holds, as of its last sort
    private int _addedSinceSort;

    /// <summary>How many round trips are held (at most <see cref="Capacity"/>).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Takes one measured round trip; the oldest goes when the window is full.</summary>
    public void Add(TimeSpan roundTrip)
    {
        if (roundTrip <= TimeSpan.Zero)
        {
            return; // a clock that did not move says nothing
        }

        lock (_gate)
        {
            _ticks[_next] = roundTrip.Ticks;
            _next = (_next + 1) % Capacity;
            _count = Math.Min(_count + 1, Capacity);
            _addedSinceSort++;
        }
    }

    /// <summary>
    /// The <paramref name="quantile"/> (0 to 1, nearest rank) of the round trips held, never under
    /// <see cref="Floor"/>; null while fewer than <paramref name="minimumSamples"/> are held.
    /// </summary>
    /// <remarks>
    /// Asked before every hedged request: the window is sorted again when it has grown since the last
    /// sort, and once full only after <see cref="SortEvery"/> more round trips, not on every call.
    /// </remarks>
    public TimeSpan? Quantile(double quantile, int minimumSamples = MinimumSamples)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantile, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1.0);
        lock (_gate)
        {
            if (_count == 0 || _count < minimumSamples)
            {
                return null;
            }

            if (_sortedCount < _count || _addedSinceSort >= SortEvery)
            {
                Array.Copy(_ticks, _sorted, _count);
                InsertionSort(_sorted.AsSpan(0, _count));
                _sortedCount = _count;
                _addedSinceSort = 0;
            }

            int rank = Math.Max(1, (int)Math.Ceiling(quantile * _sortedCount)); // nearest rank: the smallest value with at least that share at or below it
            return TimeSpan.FromTicks(Math.Max(_sorted[rank - 1], Floor.Ticks));
        }
    }

    /// <summary>Sorts at most <see cref="Capacity"/> values: plain code, no comparer, nothing to compile on first use.</summary>
    private static void InsertionSort(Span<long> values)
    {
        for (int i = 1; i < values.Length; i++)
        {
            long value = values[i];
            int j = i - 1;
            while (j >= 0 && values[j] > value)
            {
                values[j + 1] = values[j];
                j--;
            }

            values[j + 1] = value;
        }
    }
}
