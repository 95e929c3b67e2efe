using System;
using System.Collections.Generic;

namespace RSerPool.Resolution;

/// <summary>
/// The pool user's cache of handle resolutions (RFC 5352 §6.5.1, C1-C4): an entry is used until it is
/// older than stale_cache_value, then the registrar is asked again; "unknown pool handle" is kept
/// briefly (negative caching, so a loop does not hammer the registrar); a failed element is evicted at
/// once (as rsplib's asapInstanceReportFailure does). Each entry carries the caller's per-pool state
/// (the selection policy's rotation), which lives exactly as long as the entry.
/// </summary>
internal sealed class HandleResolutionCache
{
    private readonly object _gate = new();
    private readonly Dictionary<PoolHandle, Entry> _entries = new();
    private readonly Dictionary<PoolHandle, DateTimeOffset> _negative = new();
    private readonly TimeSpan _lifetime;
    private readonly TimeSpan _negativeLifetime;
    private readonly TimeProvider _time;

    internal HandleResolutionCache(TimeSpan lifetime, TimeSpan negativeLifetime, TimeProvider time)
    {
        _lifetime = lifetime;
        _negativeLifetime = negativeLifetime;
        _time = time;
    }

    /// <summary>A fresh entry, or false when there is none or it went stale.</summary>
    internal bool TryGet(PoolHandle handle, out Entry entry)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(handle, out Entry? found))
            {
                if (_time.GetUtcNow() < found.Expires)
                {
                    entry = found;
                    return true;
                }

                _entries.Remove(handle);
            }

            entry = null!;
            return false;
        }
    }

    /// <summary>Whether the registrar recently said the handle is unknown.</summary>
    internal bool IsKnownMissing(PoolHandle handle)
    {
        lock (_gate)
        {
            if (_negative.TryGetValue(handle, out DateTimeOffset until))
            {
                if (_time.GetUtcNow() < until)
                {
                    return true;
                }

                _negative.Remove(handle);
            }

            return false;
        }
    }

    /// <summary>Stores an answer (nothing when the cache is disabled) and returns its entry.</summary>
    internal Entry Store(PoolResolution resolution, object? selectionState)
    {
        var entry = new Entry(resolution, selectionState, _time.GetUtcNow() + _lifetime);
        if (_lifetime <= TimeSpan.Zero)
        {
            return entry;
        }

        lock (_gate)
        {
            _negative.Remove(resolution.PoolHandle);
            _entries[resolution.PoolHandle] = entry;
        }

        return entry;
    }

    /// <summary>Remembers "unknown pool handle" for the negative lifetime.</summary>
    internal void StoreMissing(PoolHandle handle)
    {
        if (_negativeLifetime <= TimeSpan.Zero)
        {
            return;
        }

        lock (_gate)
        {
            _entries.Remove(handle);
            _negative[handle] = _time.GetUtcNow() + _negativeLifetime;
        }
    }

    /// <summary>Removes one element from its pool's entry; the entry goes when it has none left.</summary>
    internal bool Evict(PoolHandle handle, uint identifier)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(handle, out Entry? entry))
            {
                return false;
            }

            var kept = new List<PoolElement>(entry.Resolution.Elements.Count);
            foreach (PoolElement e in entry.Resolution.Elements)
            {
                if (e.Identifier != identifier)
                {
                    kept.Add(e);
                }
            }

            if (kept.Count == entry.Resolution.Elements.Count)
            {
                return false;
            }

            if (kept.Count == 0)
            {
                _entries.Remove(handle);
            }
            else
            {
                _entries[handle] = entry with { Resolution = entry.Resolution with { Elements = kept.ToArray() } };
            }

            return true;
        }
    }

    /// <summary>Forgets a pool entirely.</summary>
    internal void Invalidate(PoolHandle handle)
    {
        lock (_gate)
        {
            _entries.Remove(handle);
            _negative.Remove(handle);
        }
    }

    /// <summary>The pool handles with a fresh entry (for tab completion).</summary>
    internal List<PoolHandle> Handles()
    {
        lock (_gate)
        {
            DateTimeOffset now = _time.GetUtcNow();
            var fresh = new List<PoolHandle>(_entries.Count);
            foreach (KeyValuePair<PoolHandle, Entry> e in _entries)
            {
                if (now < e.Value.Expires)
                {
                    fresh.Add(e.Key);
                }
            }

            return fresh;
        }
    }

    /// <summary>One cached answer with the per-pool selection state.</summary>
    internal sealed record Entry(PoolResolution Resolution, object? SelectionState, DateTimeOffset Expires);
}
