using System.Linq;
using System.Management.Automation;
using RSerPool.Sessions;

namespace RSerPool.PowerShell.Commands;

/// <summary>Lists the sessions opened in this runspace and not yet closed.</summary>
/// <remarks>
/// <para>
/// Get-PoolSession writes the open sessions of the current runspace, oldest first, optionally only
/// those of some pools. Each shows its current element, state, failover count, whether it holds a cookie
/// and its last error. Sessions of other runspaces (other ForEach-Object -Parallel iterations, other
/// jobs) are not listed: each runspace keeps its own.
/// </para>
/// </remarks>
/// <example title="See which elements the open sessions use">
/// <code>Connect-PoolElement EchoPool | Out-Null
/// Get-PoolSession | Format-List</code>
/// <para>Shows each open session with its current element, state, failovers, cookie and last error.</para>
/// </example>
/// <example title="Find sessions that failed over">
/// <code>Get-PoolSession -PoolHandle EchoPool | Where-Object FailoverCount -gt 0</code>
/// <para>Lists the sessions with EchoPool that have moved to another element at least once.</para>
/// </example>
/// <seealso cref="ConnectPoolElementCommand"/>
/// <seealso cref="DisconnectPoolElementCommand"/>
[Cmdlet(VerbsCommon.Get, "PoolSession")]
[OutputType(typeof(PoolSession))]
public sealed class GetPoolSessionCommand : PoolCmdletBase
{
    /// <summary>Lists only the sessions with these pools.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PoolHandleCompleter))]
    public PoolHandle[]? PoolHandle { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (PoolSession session in RunspaceState.Sessions)
        {
            if (PoolHandle is null || PoolHandle.Contains(session.PoolHandle))
            {
                WriteObject(session);
            }
        }
    }
}
