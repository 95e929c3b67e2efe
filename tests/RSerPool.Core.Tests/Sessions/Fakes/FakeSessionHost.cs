using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using RSerPool.Sessions;

namespace RSerPool.Tests.Sessions.Fakes;

/// <summary>
/// The session's pool user, scripted: selection returns the first element of <see cref="Preference"/> that
/// is not excluded (NoPoolElementAvailable when none is left, as PoolUser does), or throws
/// <see cref="SelectFailure"/>; every selection and report is recorded.
/// </summary>
internal sealed class FakeSessionHost : ISessionHost
{
    private readonly object _gate = new();
    private IReadOnlyList<PoolElement> _preference;

    public FakeSessionHost(IEnumerable<PoolElement> preference) => _preference = preference.ToArray();

    /// <summary>Selection order; may be changed between steps of a test.</summary>
    public IReadOnlyList<PoolElement> Preference
    {
        get
        {
            lock (_gate)
            {
                return _preference;
            }
        }

        set
        {
            lock (_gate)
            {
                _preference = value.ToArray();
            }
        }
    }

    /// <summary>When set, every selection throws it.</summary>
    public Exception? SelectFailure { get; set; }

    /// <summary>The excluded set of every selection (a copy) and what was chosen (0 when it threw).</summary>
    public AsyncLog<(uint[] Excluded, uint Chosen)> Selections { get; } = new();

    /// <summary>Identifiers reported unreachable, in order.</summary>
    public AsyncLog<uint> Reports { get; } = new();

    public Task<IReadOnlyList<PoolElement>> SelectAsync(PoolHandle poolHandle, IReadOnlySet<uint> excluded, CancellationToken cancellationToken)
    {
        uint[] snapshot = excluded.Order().ToArray();
        if (SelectFailure is { } failure)
        {
            Selections.Add((snapshot, 0));
            return Task.FromException<IReadOnlyList<PoolElement>>(failure);
        }

        PoolElement? chosen = Preference.FirstOrDefault(e => !excluded.Contains(e.Identifier));
        Selections.Add((snapshot, chosen?.Identifier ?? 0));
        if (chosen is null)
        {
            return Task.FromException<IReadOnlyList<PoolElement>>(new RSerPoolException(PoolFailure.NoPoolElementAvailable,
                $"Pool '{poolHandle}' has no pool element left to select ({excluded.Count} excluded).") { PoolHandle = poolHandle });
        }

        return Task.FromResult<IReadOnlyList<PoolElement>>(new[] { chosen });
    }

    /// <summary>Pool handles whose cache the session asked to refill, in order.</summary>
    public AsyncLog<string> Refills { get; } = new();

    /// <summary>When set, every refill throws it.</summary>
    public Exception? RefillFailure { get; set; }

    public Task RefillAsync(PoolHandle poolHandle, CancellationToken cancellationToken)
    {
        Refills.Add(poolHandle.ToString());
        return RefillFailure is { } failure ? Task.FromException(failure) : Task.CompletedTask;
    }

    /// <summary>When set, reports wait for it before they are recorded (a registrar association held by a resolution).</summary>
    public TaskCompletionSource? ReportGate { get; set; }

    public async Task ReportUnreachableAsync(PoolElement element, CancellationToken cancellationToken)
    {
        if (ReportGate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        Reports.Add(element.Identifier);
    }
}
