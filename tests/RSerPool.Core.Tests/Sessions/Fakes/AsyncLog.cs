using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace RSerPool.Tests.Sessions.Fakes;

/// <summary>A thread-safe append-only list a test can wait on (no polling, no sleeps).</summary>
internal sealed class AsyncLog<T>
{
    private readonly object _gate = new();
    private readonly List<T> _items = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    public void Add(T item)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _items.Add(item);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    public T[] Snapshot()
    {
        lock (_gate)
        {
            return _items.ToArray();
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the items; returns them then.</summary>
    public async Task<T[]> WaitUntilAsync(Func<T[], bool> condition)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                T[] items = _items.ToArray();
                if (condition(items))
                {
                    return items;
                }

                changed = _changed.Task;
            }

            await changed.ConfigureAwait(false);
        }
    }

    public Task<T[]> WaitForCountAsync(int count) => WaitUntilAsync(items => items.Length >= count);
}
