using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using RSerPool.Client;
using RSerPool.Selection;
using RSerPool.Sessions;

namespace RSerPool.PowerShell;

/// <summary>
/// What RSerPoolPU keeps for one runspace: its pool users (one per registrar selection, with their
/// caches and registrar associations), the sessions opened in it, the pool handles it has seen (for
/// tab completion) and the selection policies of piped elements (so round robin rotates across
/// commands). Closed with the runspace.
/// </summary>
internal sealed class PoolRunspaceState
{
    private static readonly TimeSpan s_closeGrace = TimeSpan.FromSeconds(3);

    private readonly object _gate = new();
    private readonly Dictionary<string, PoolUser> _poolUsers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<PoolSession, long> _sessions = new();
    private readonly ConcurrentDictionary<string, byte> _seenHandles = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ISelectionPolicy> _policies = new(StringComparer.Ordinal);
    private long _sessionCount;
    private bool _closed;

    /// <summary>The pool user for a registrar selection, created on first use.</summary>
    /// <exception cref="InvalidOperationException">The runspace is closing.</exception>
    internal PoolUser GetPoolUser(RegistrarSelection selection)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (!_poolUsers.TryGetValue(selection.Key, out PoolUser? user))
            {
                user = new PoolUser(selection.ToOptions(), CoreLogging.Factory);
                _poolUsers.Add(selection.Key, user);
            }

            return user;
        }
    }

    /// <summary>The pool users created so far, for Get-PoolRegistrar and tab completion.</summary>
    internal IReadOnlyList<PoolUser> PoolUsers
    {
        get
        {
            lock (_gate)
            {
                return _poolUsers.Values.ToArray();
            }
        }
    }

    /// <summary>Sessions opened in this runspace and not yet closed, oldest first.</summary>
    internal IReadOnlyList<PoolSession> Sessions =>
        _sessions.Where(s => s.Key.State != SessionState.Closed).OrderBy(s => s.Value).Select(s => s.Key).ToArray();

    /// <summary>Pool handles that resolved, were selected from or connected to in this runspace.</summary>
    internal IReadOnlyCollection<string> SeenHandles => _seenHandles.Keys.ToArray();

    /// <summary>Keeps a session so it is closed with the runspace.</summary>
    internal void Track(PoolSession session) => _sessions.TryAdd(session, System.Threading.Interlocked.Increment(ref _sessionCount));

    /// <summary>Forgets a session the user closed.</summary>
    internal void Forget(PoolSession session) => _sessions.TryRemove(session, out _);

    /// <summary>Remembers a pool handle for tab completion.</summary>
    internal void Saw(PoolHandle handle) => _seenHandles.TryAdd(handle.ToString(), 0);

    /// <summary>
    /// The selection policy instance kept for a pool and policy type, so that selections from piped
    /// elements continue the rotation of earlier commands instead of always starting over.
    /// </summary>
    internal ISelectionPolicy GetPolicy(PoolHandle handle, Wire.Parameters.PoolPolicyType policyType, Func<ISelectionPolicy> create)
        => _policies.GetOrAdd(handle + "|" + ((uint)policyType).ToString("x8", System.Globalization.CultureInfo.InvariantCulture), _ => create());

    /// <summary>Closes every session and pool user; called when the runspace closes or the module is removed.</summary>
    internal void Close()
    {
        PoolUser[] users;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            users = _poolUsers.Values.ToArray();
            _poolUsers.Clear();
        }

        var closing = new List<Task>();
        foreach (PoolSession session in _sessions.Keys)
        {
            // DisposeAsync marks the session Closed before its first await, so a script holding it sees that at once.
            closing.Add(session.DisposeAsync().AsTask());
        }

        _sessions.Clear();
        foreach (PoolUser user in users)
        {
            closing.Add(user.DisposeAsync().AsTask());
        }

        try
        {
            // Bounded: a runspace must close even when an association's graceful shutdown hangs.
            Task.WaitAll(closing.ToArray(), s_closeGrace);
        }
        catch (AggregateException)
        {
            // A failed graceful shutdown of a dead association; nothing left to do about it.
        }
    }
}
