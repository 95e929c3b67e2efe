using System.Globalization;
using System.Management.Automation;
using RSerPool.Client;

namespace RSerPool.PowerShell.Commands;

/// <summary>Reports pool elements as unreachable to the registrar.</summary>
/// <remarks>
/// <para>
/// Register-PoolElementFailure tells the home registrar that an element could not be reached
/// (ASAP_ENDPOINT_UNREACHABLE, RFC 5352 §3.5) and drops it from the runspace's cache, so the next
/// selection avoids it. A registrar that has heard enough such reports checks the element and removes
/// it from the pool. Sessions report their dead elements by themselves; use this cmdlet when a script
/// found an element broken another way.
/// </para>
/// <para>
/// Reports are rate-limited (one per element every 5 seconds, ten per second in all), as RFC 5352 asks;
/// a suppressed report is a warning. Because the report changes shared state, the cmdlet supports
/// -WhatIf and -Confirm.
/// </para>
/// </remarks>
/// <example title="Preview a report">
/// <code>Resolve-PoolHandle EchoPool | Select-Object -First 1 | Register-PoolElementFailure -WhatIf</code>
/// <para>Shows which element would be reported, without telling the registrar.</para>
/// </example>
/// <example title="Report elements that do not answer">
/// <code>Resolve-PoolHandle EchoPool |
///     Where-Object { -not (Send-PoolRequest -PoolElement $_ -Message 'ping' -TimeoutSec 10 -ErrorAction SilentlyContinue) } |
///     Register-PoolElementFailure -Confirm:$false -PassThru</code>
/// <para>Pings each element of EchoPool and reports those that do not answer within ten seconds (with a healthy pool, none).</para>
/// </example>
/// <example title="Report by pool handle and identifier">
/// <code>Register-PoolElementFailure -PoolHandle EchoPool -Identifier '$0badcafe' -Confirm:$false</code>
/// <para>Reports the element $0badcafe of EchoPool (an identifier as rsplib prints it; 0xbadcafe works too).</para>
/// </example>
/// <seealso cref="ResolvePoolHandleCommand"/>
/// <seealso cref="SendPoolRequestCommand"/>
[Cmdlet(VerbsLifecycle.Register, "PoolElementFailure", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByElementSet)]
[OutputType(typeof(PoolElement))]
public sealed class RegisterPoolElementFailureCommand : RegistrarCmdletBase
{
    private const string ByElementSet = "PoolElement";
    private const string ByIdentifierSet = "Identifier";

    /// <summary>The element to report, usually piped from Resolve-PoolHandle.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByElementSet)]
    [ValidateNotNull]
    [Alias("InputObject")]
    public PoolElement? PoolElement { get; set; }

    /// <summary>The pool of the element to report (with -Identifier).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = ByIdentifierSet)]
    [ValidateNotNull]
    [ArgumentCompleter(typeof(PoolHandleCompleter))]
    public PoolHandle? PoolHandle { get; set; }

    /// <summary>The identifier of the element to report: $0000e001 as rsplib prints it, 0xe001, or a number.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = ByIdentifierSet)]
    [PoolElementIdTransformation]
    [Alias("PoolElementId", "Id")]
    public uint Identifier { get; set; }

    /// <summary>Writes the reported element to the pipeline.</summary>
    [Parameter(ParameterSetName = ByElementSet)]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        PoolHandle handle = PoolElement?.PoolHandle ?? PoolHandle!;
        uint identifier = PoolElement?.Identifier ?? Identifier;
        string idText = "$" + identifier.ToString("x8", CultureInfo.InvariantCulture);
        if (!ShouldProcess($"pool element {idText} of pool '{handle}'", "Report as unreachable to the registrar"))
        {
            return;
        }

        PoolUser user = GetPoolUser(requireRegistrar: true);
        object target = (object?)PoolElement ?? handle.ToString();
        if (!TryRunCore(ct => user.ReportUnreachableAsync(handle, identifier, ct), target, $"Reporting {idText} of '{handle}'", out bool sent))
        {
            return;
        }

        if (sent)
        {
            WriteVerbose($"Reported pool element {idText} of '{handle}' as unreachable to {user.HomeRegistrar?.ToString() ?? "the home registrar"}.");
        }
        else
        {
            WriteWarning($"Pool element {idText} of '{handle}' was reported recently; this report was not sent (rate limit), but the element was dropped from the cache.");
        }

        if (PassThru.IsPresent && PoolElement is not null)
        {
            WriteObject(PoolElement);
        }
    }
}
