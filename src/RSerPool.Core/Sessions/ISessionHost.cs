using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace RSerPool.Sessions;

/// <summary>What a session needs from its pool user: selection and failure reports (the seam unit tests fake).</summary>
internal interface ISessionHost
{
    /// <summary>Selects one element of the pool that is not excluded.</summary>
    Task<IReadOnlyList<PoolElement>> SelectAsync(PoolHandle poolHandle, IReadOnlySet<uint> excluded, CancellationToken cancellationToken);

    /// <summary>Reports an element as unreachable (rate-limited by the pool user).</summary>
    Task ReportUnreachableAsync(PoolElement element, CancellationToken cancellationToken);

    /// <summary>
    /// Asks a registrar for the pool again when the cached answer has fewer than two elements left
    /// (reports drop the dead ones from it), so that the next failover finds a candidate in the cache.
    /// </summary>
    Task RefillAsync(PoolHandle poolHandle, CancellationToken cancellationToken);
}
