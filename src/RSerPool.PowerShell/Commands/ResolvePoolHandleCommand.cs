using System.Management.Automation;
using RSerPool.Client;
using RSerPool.Resolution;
using RSerPool.Selection;

namespace RSerPool.PowerShell.Commands;

/// <summary>Resolves pool handles to their pool elements at a registrar.</summary>
/// <remarks>
/// <para>
/// Resolve-PoolHandle asks the home registrar (ASAP_HANDLE_RESOLUTION, RFC 5352) for the elements of
/// each pool and writes one object per pool element: its pool handle, its identifier as rsplib shows
/// it ($0000e001), its transport with every address and port, the transport use, its policy with the
/// policy's values (weight, load, priority...), its home registrar, its registration life, and which
/// registrar answered and when.
/// </para>
/// <para>
/// Answers are cached per runspace for 30 seconds, so a loop does not ask the registrar again and again;
/// -Refresh asks past the cache. An unknown pool handle is a non-terminating error (ErrorId
/// PoolHandleNotFound), so the other handles of the pipeline are still resolved. No reachable registrar
/// (NoRegistrarReachable) and no SCTP on this system (TransportUnavailable) stop the command.
/// </para>
/// </remarks>
/// <example title="List the elements of a pool">
/// <code>Resolve-PoolHandle EchoPool</code>
/// <para>Shows every element of EchoPool as a table: identifier, transport, addresses, policy and the registrar that answered.</para>
/// </example>
/// <example title="Show everything the registrar said about each element">
/// <code>Resolve-PoolHandle -PoolHandle EchoPool -Refresh | Format-List</code>
/// <para>Asks the registrar again (not the cache) and shows each element with its policy values, home registrar and registration life.</para>
/// </example>
/// <example title="Check several pools and keep going past unknown ones">
/// <code>'EchoPool', 'NoSuchPool' | Resolve-PoolHandle -ErrorAction SilentlyContinue -ErrorVariable missing | Group-Object PoolHandle -NoElement
/// $missing | ForEach-Object { "$($_.TargetObject): $($_.FullyQualifiedErrorId)" }</code>
/// <para>Counts the elements of each pool; NoSuchPool becomes a PoolHandleNotFound error in $missing instead of stopping the pipeline.</para>
/// </example>
/// <seealso cref="SelectPoolElementCommand"/>
/// <seealso cref="ConnectPoolElementCommand"/>
[Cmdlet(VerbsDiagnostic.Resolve, "PoolHandle")]
[OutputType(typeof(PoolElement))]
public sealed class ResolvePoolHandleCommand : RegistrarCmdletBase
{
    /// <summary>
    /// The pool handles to resolve, such as EchoPool. Takes strings from the pipeline, and the
    /// PoolHandle property of piped objects. Handles are case-sensitive; tab completion offers the
    /// handles already seen in this session.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PoolHandleCompleter))]
    public PoolHandle[] PoolHandle { get; set; } = [];

    /// <summary>Asks the registrar even when the runspace's cache holds a fresh answer.</summary>
    [Parameter]
    public SwitchParameter Refresh { get; set; }

    /// <summary>
    /// Asks the registrar for at most this many elements (rsplib's handle resolution option). A registrar
    /// picks them by the pool's policy. By default every element is asked for.
    /// </summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaxElements { get; set; }

    private protected override uint MaxElementsRequested => MaxElements > 0 ? (uint)MaxElements : uint.MaxValue;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        PoolUser user = GetPoolUser(requireRegistrar: true);
        for (int i = 0; i < PoolHandle.Length; i++)
        {
            PoolHandle handle = PoolHandle[i];
            WriteLoopProgress(i, PoolHandle.Length, $"Resolving '{handle}'");
            if (!TryRunCore(ct => user.ResolveAsync(handle, Refresh.IsPresent, ct), handle.ToString(), $"Resolving '{handle}'", out PoolResolution? resolution))
            {
                continue;
            }

            RunspaceState.Saw(handle);
            WriteVerbose($"Resolved '{handle}' at {resolution.Registrar?.ToString() ?? "a registrar"}: {resolution.Elements.Count} pool element(s), "
                + $"policy {SelectionPolicies.GetName(resolution.Policy.PolicyType)}{(resolution.FromCache ? ", from the cache" : string.Empty)}.");
            int written = 0;
            foreach (PoolElement element in resolution.Elements)
            {
                if (MaxElements > 0 && written++ >= MaxElements)
                {
                    break;
                }

                WriteObject(element);
            }
        }

        CompleteLoopProgress();
    }
}
