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
}
