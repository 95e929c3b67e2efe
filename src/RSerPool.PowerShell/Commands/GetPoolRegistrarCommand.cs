using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using RSerPool.Client;
using RSerPool.Registrars;

namespace RSerPool.PowerShell.Commands;

/// <summary>Shows the registrars the pool user of this runspace uses, and which one is its home registrar.</summary>
/// <remarks>
/// <para>
/// Get-PoolRegistrar lists the registrars the other cmdlets would ask, with the same defaults: -Registrar
/// (directly or from $PSDefaultParameterValues), else the RSERPOOL_REGISTRARS environment variable,
/// else ~/.config/rserpool/registrars or /etc/rserpool/registrars; with -Discover also the registrars
/// learned from multicast announces. Each shows where it came from and whether it is the home registrar
/// (the one with an association up, after a command has talked to it). It does not contact any registrar.
/// </para>
/// </remarks>
/// <example title="See where the registrars come from">
/// <code>Get-PoolRegistrar</code>
/// <para>Lists the default registrars (from RSERPOOL_REGISTRARS in the lab) and their source.</para>
/// </example>
/// <example title="Find the home registrar after a resolution">
/// <code>Resolve-PoolHandle EchoPool | Out-Null
/// Get-PoolRegistrar | Where-Object IsHome</code>
/// <para>Shows the registrar that answered: the pool user keeps its association for the next commands.</para>
/// </example>
/// <example title="Set a default registrar for every RSerPoolPU command">
/// <code>$PSDefaultParameterValues['*-Pool*:Registrar'] = $env:RSERPOOL_REGISTRARS -split ';'
/// Get-PoolRegistrar | Format-Table Address, Source</code>
/// <para>Makes -Registrar default to the lab's registrars for every cmdlet of the module; their source is then Parameter.</para>
/// </example>
/// <seealso cref="ResolvePoolHandleCommand"/>
[Cmdlet(VerbsCommon.Get, "PoolRegistrar")]
[OutputType(typeof(PoolRegistrar))]
public sealed class GetPoolRegistrarCommand : RegistrarCmdletBase
{
    /// <inheritdoc />
    protected override void EndProcessing()
    {
        RegistrarSelection selection = Selection;
        if (!selection.HasAny)
        {
            WriteWarning("No registrar is configured: give one with -Registrar, $PSDefaultParameterValues, the RSERPOOL_REGISTRARS environment variable or ~/.config/rserpool/registrars, or use -Discover.");
            return;
        }

        PoolUser user = GetPoolUser(requireRegistrar: false);
        var configured = new HashSet<RegistrarAddress>(selection.Registrars);
        RegistrarAddress? home = user.HomeRegistrar;
        foreach (RegistrarAddress address in user.KnownRegistrars.Concat(configured).Distinct())
        {
            WriteObject(new PoolRegistrar(address, address.Equals(home), configured.Contains(address) ? selection.Source : "Announce"));
        }
    }
}
