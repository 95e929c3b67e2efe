using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using RSerPool.Client;
using RSerPool.Selection;
using RSerPool.Wire.Parameters;

namespace RSerPool.PowerShell.Commands;

/// <summary>Selects pool elements by the pool's policy or another one.</summary>
/// <remarks>
/// <para>
/// Select-PoolElement picks the element(s) a pool user should use next, as the pool member selection
/// policy says (RFC 5356): round robin, weighted round robin, random, weighted random, priority, least
/// used and their variants, and rsplib's own. It takes elements from the pipeline (usually from
/// Resolve-PoolHandle) and selects among them once the pipeline ends, per pool; or, with -PoolHandle,
/// selects from the runspace's cached resolution of the pool, asking the registrar when needed.
/// </para>
/// <para>
/// The pool's own policy comes with its elements; -Policy overrides it. The policy's state (the round
/// robin position, the degradation of least-used policies) is kept per pool in the runspace, so two
/// selections in a row give the next elements, as two rsplib pool-user calls would. -Exclude skips
/// elements (by element or identifier), -Count selects several distinct elements, best first.
/// </para>
/// </remarks>
/// <example title="Pick the element to use next">
/// <code>Resolve-PoolHandle EchoPool | Select-PoolElement</code>
/// <para>Selects one element of EchoPool by the policy its elements registered with.</para>
/// </example>
/// <example title="Select by another policy, skipping an element">
/// <code>$first = Resolve-PoolHandle EchoPool | Select-Object -First 1
/// Select-PoolElement -PoolHandle EchoPool -Policy Random -Exclude $first.IdentifierText -Count 1</code>
/// <para>Selects an element of EchoPool at random, never the first one the registrar listed.</para>
/// </example>
/// <example title="Rotate through a pool">
/// <code>1..4 | ForEach-Object { (Select-PoolElement EchoPool -Policy RoundRobin).IdentifierText }</code>
/// <para>Four selections in a row alternate between the two elements of EchoPool.</para>
/// </example>
/// <seealso cref="ResolvePoolHandleCommand"/>
/// <seealso cref="ConnectPoolElementCommand"/>
[Cmdlet(VerbsCommon.Select, "PoolElement", DefaultParameterSetName = ByInputSet)]
[OutputType(typeof(PoolElement))]
public sealed class SelectPoolElementCommand : RegistrarCmdletBase
{
    private const string ByInputSet = "InputObject";
    private const string ByHandleSet = "PoolHandle";

    private readonly List<PoolElement> _input = new();
    private PoolPolicyType? _override;
    private HashSet<uint> _excluded = new();

    /// <summary>The elements to select from, usually piped from Resolve-PoolHandle. Elements of several pools are selected from per pool.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByInputSet)]
    [ValidateNotNull]
    public PoolElement[] InputObject { get; set; } = [];

    /// <summary>The pools to select from, resolved through the runspace's cache (the registrar is asked when the cache has no fresh answer).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByHandleSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PoolHandleCompleter))]
    public PoolHandle[] PoolHandle { get; set; } = [];

    /// <summary>
    /// A policy to use instead of the pool's: RoundRobin, WeightedRoundRobin, Random, WeightedRandom,
    /// Priority, LeastUsed, LeastUsedDegradation, PriorityLeastUsed, RandomizedLeastUsed and rsplib's
    /// others, or the abbreviations RR, WRR, RAND, WRAND, PRIO, LU, LUD, PLU, RLU.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PolicyNameCompleter))]
    public string? Policy { get; set; }

    /// <summary>Elements not to select: pool elements, or identifiers as $0000e001, 0xe001 or a number.</summary>
    [Parameter]
    [Alias("ExcludeId")]
    public object[]? Exclude { get; set; }

    /// <summary>How many distinct elements to select per pool, best first (fewer when the pool has fewer).</summary>
    /// <value>The default is 1.</value>
    [Parameter]
    [ValidateRange(1, 100_000)]
    public int Count { get; set; } = 1;

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        if (Policy is not null)
        {
            if (!SelectionPolicies.TryParse(Policy, out PoolPolicyType type))
            {
                ThrowTerminatingError(ErrorRecords.Validation(ErrorRecords.InvalidPolicy,
                    $"'{Policy}' is not a supported pool policy.", Policy, $"Use one of: {string.Join(", ", SelectionPolicies.GetNames())}."));
            }

            _override = type;
        }

        foreach (object item in Exclude ?? [])
        {
            if (!PoolElementIds.TryParse(item, out uint id))
            {
                ThrowTerminatingError(ErrorRecords.Validation(ErrorRecords.InvalidPoolElementIdentifier,
                    $"'{item}' in -Exclude is neither a pool element nor an identifier.", item, "Give pool elements, or identifiers as $0000e001, 0xe001 or a number."));
            }

            _excluded.Add(id);
        }
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == ByInputSet)
        {
            _input.AddRange(InputObject.Where(e => e is not null));
            return;
        }

        PoolUser user = GetPoolUser(requireRegistrar: true);
        foreach (PoolHandle handle in PoolHandle)
        {
            ISelectionPolicy? policy = _override is { } type ? RunspaceState.GetPolicy(handle, type, () => SelectionPolicies.CreateByName(Policy!)) : null;
            if (TryRunCore(ct => user.SelectAsync(handle, Count, _excluded, policy, ct), handle.ToString(), $"Selecting from '{handle}'", out IReadOnlyList<PoolElement>? chosen))
            {
                RunspaceState.Saw(handle);
                WriteSelected(handle, chosen, policy?.Name ?? "the pool's policy");
            }
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        foreach (IGrouping<PoolHandle, PoolElement> pool in _input.GroupBy(e => e.PoolHandle))
        {
            PoolElement[] candidates = pool.ToArray();
            PoolPolicyType type = _override ?? candidates[0].Policy.PolicyType;
            ISelectionPolicy policy = RunspaceState.GetPolicy(pool.Key, type, () => SelectionPolicies.Create(type, out _));
            if (_override is null && !SelectionPolicies.IsSupported(type))
            {
                WriteWarning($"Pool '{pool.Key}' uses policy {SelectionPolicies.GetName(type)}, which this pool user does not know; selecting by round robin.");
            }

            var chosen = new PoolElement[Math.Min(Count, candidates.Length)];
            int selected = policy.Select(candidates, chosen, new ExclusionSet(_excluded));
            RunspaceState.Saw(pool.Key);
            if (selected == 0)
            {
                WriteFailure(new RSerPoolException(PoolFailure.NoPoolElementAvailable,
                    $"No element of pool '{pool.Key}' is left to select among the {candidates.Length} piped ({_excluded.Count} excluded).") { PoolHandle = pool.Key },
                    pool.Key.ToString());
                continue;
            }

            WriteSelected(pool.Key, chosen.AsSpan(0, selected).ToArray(), policy.Name);
        }
    }

    private void WriteSelected(PoolHandle handle, IReadOnlyList<PoolElement> chosen, string policyName)
    {
        WriteVerbose($"Selected {string.Join(", ", chosen.Select(e => e.IdentifierText))} of '{handle}' by {policyName}.");
        foreach (PoolElement element in chosen)
        {
            WriteObject(element);
        }
    }
}
