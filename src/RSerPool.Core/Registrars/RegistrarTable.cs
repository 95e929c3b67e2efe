using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace RSerPool.Registrars;

/// <summary>
/// The registrars a pool user knows (RFC 5352 §3.6): static ones from the configuration, and ones
/// learned from ASAP_SERVER_ANNOUNCE that expire T7 after their last announce. Thread-safe; never
/// holds its lock across an await.
/// </summary>
internal sealed class RegistrarTable
{
    private readonly object _gate = new();
    private readonly List<RegistrarAddress> _static;
    private readonly Dictionary<RegistrarAddress, Learned> _learned = new();
    private readonly int _maxLearned;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _time;
    private RegistrarAddress? _lastGood;
    private RegistrarAddress? _lastFailed;
    private TaskCompletionSource _changed = NewSignal();

    internal RegistrarTable(IReadOnlyList<RegistrarAddress> staticRegistrars, int maxLearned, TimeSpan lifetime, TimeProvider time)
    {
        _static = new List<RegistrarAddress>(staticRegistrars);
        _maxLearned = maxLearned;
        _lifetime = lifetime;
        _time = time;
    }

    /// <summary>How many registrars are known now (static plus unexpired learned ones).</summary>
    internal int Count
    {
        get
        {
            lock (_gate)
            {
                Purge();
                return _static.Count + _learned.Count;
            }
        }
    }

    /// <summary>Records an announce; false when it was ignored because the table of learned registrars is full.</summary>
    internal bool Learn(uint registrarId, RegistrarAddress address)
    {
        TaskCompletionSource? signal = null;
        lock (_gate)
        {
            Purge();
            DateTimeOffset expires = _time.GetUtcNow() + _lifetime;
            if (_learned.TryGetValue(address, out Learned? known))
            {
                known.Expires = expires;
                known.RegistrarId = registrarId;
                return true;
            }

            if (_static.Contains(address))
            {
                return true;
            }

            if (_learned.Count >= _maxLearned)
            {
                return false;
            }

            _learned[address] = new Learned { RegistrarId = registrarId, Expires = expires, Order = _learned.Count };
            signal = _changed;
            _changed = NewSignal();
        }

        signal.TrySetResult();
        return true;
    }

    /// <summary>
    /// The order in which to try registrars: the last one that worked, then the static ones, then the
    /// learned ones (most recently announced first).
    /// </summary>
    internal List<RegistrarAddress> Candidates()
    {
        lock (_gate)
        {
            Purge();
            var list = new List<RegistrarAddress>(_static.Count + _learned.Count + 1);
            if (_lastGood is not null && (_static.Contains(_lastGood) || _learned.ContainsKey(_lastGood)))
            {
                list.Add(_lastGood);
            }

            foreach (RegistrarAddress s in _static)
            {
                if (!list.Contains(s))
                {
                    list.Add(s);
                }
            }

            var learned = new List<KeyValuePair<RegistrarAddress, Learned>>(_learned);
            learned.Sort((a, b) => b.Value.Expires.CompareTo(a.Value.Expires));
            foreach (KeyValuePair<RegistrarAddress, Learned> l in learned)
            {
                if (!list.Contains(l.Key))
                {
                    list.Add(l.Key);
                }
            }

            if (_lastFailed is not null && list.Count > 1 && list.Remove(_lastFailed))
            {
                list.Add(_lastFailed);
            }

            return list;
        }
    }

    /// <summary>Remembers that a home registrar failed, so the next hunt tries it last (RFC 5352 §3.7).</summary>
    internal void MarkFailed(RegistrarAddress address)
    {
        lock (_gate)
        {
            _lastFailed = address;
            if (address.Equals(_lastGood))
            {
                _lastGood = null;
            }
        }
    }

    /// <summary>Remembers the registrar that became home, so the next hunt tries it first.</summary>
    internal void MarkGood(RegistrarAddress address)
    {
        lock (_gate)
        {
            _lastGood = address;
            if (address.Equals(_lastFailed))
            {
                _lastFailed = null;
            }
        }
    }

    /// <summary>Completes when a new registrar is learned (or the token ends the wait).</summary>
    internal Task WaitForChangeAsync(CancellationToken cancellationToken)
    {
        Task signal;
        lock (_gate)
        {
            signal = _changed.Task;
        }

        return signal.WaitAsync(cancellationToken);
    }

    private void Purge()
    {
        if (_learned.Count == 0)
        {
            return;
        }

        DateTimeOffset now = _time.GetUtcNow();
        List<RegistrarAddress>? expired = null;
        foreach (KeyValuePair<RegistrarAddress, Learned> l in _learned)
        {
            if (l.Value.Expires <= now)
            {
                (expired ??= new List<RegistrarAddress>()).Add(l.Key);
            }
        }

        if (expired is not null)
        {
            foreach (RegistrarAddress a in expired)
            {
                _learned.Remove(a);
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Learned
    {
        public uint RegistrarId { get; set; }

        public DateTimeOffset Expires { get; set; }

        public int Order { get; init; }
    }
}
