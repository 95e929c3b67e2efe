using System;
using System.Management.Automation;
using RSerPool.Client;

namespace RSerPool.PowerShell.Commands;

/// <summary>
/// Base of the cmdlets that talk to registrars: the <c>-Registrar</c> and <c>-Discover</c> parameters
/// and the runspace's pool user for them.
/// </summary>
/// <remarks>
/// Registrars come from <c>-Registrar</c> (which <c>$PSDefaultParameterValues</c> can supply, e.g.
/// <c>$PSDefaultParameterValues['*-Pool*:Registrar'] = '10.0.0.1:3863'</c>), else from the
/// RSERPOOL_REGISTRARS environment variable, else from ~/.config/rserpool/registrars or
/// /etc/rserpool/registrars; <c>-Discover</c> adds those announced by multicast.
/// </remarks>
public abstract class RegistrarCmdletBase : PoolCmdletBase
{
    private RegistrarSelection? _selection;

    /// <summary>
    /// The registrars to ask, as <c>address:port</c> (port 3863 when left out; several addresses of one
    /// multi-homed registrar as <c>10.0.0.1,10.0.1.1:3863</c>; IPv6 in brackets). When not given,
    /// <c>$PSDefaultParameterValues</c>, then the RSERPOOL_REGISTRARS environment variable, then the
    /// config file ~/.config/rserpool/registrars or /etc/rserpool/registrars supply them. The pool user
    /// for a set of registrars, with its cache and registrar association, is kept for the runspace.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Registrar { get; set; }

    /// <summary>
    /// Also learns registrars from their multicast announces (ASAP_SERVER_ANNOUNCE on 239.0.0.50:3863,
    /// as rsplib sends them, and 224.0.1.185:3863), as rsplib's pool users do when no registrar is configured.
    /// </summary>
    [Parameter]
    public SwitchParameter Discover { get; set; }

    /// <summary>How many pool elements to ask registrars for per resolution; all unless a cmdlet says otherwise.</summary>
    private protected virtual uint MaxElementsRequested => uint.MaxValue;

    /// <summary>The registrar selection of this command, read once.</summary>
    private protected RegistrarSelection Selection
    {
        get
        {
            if (_selection is null)
            {
                try
                {
                    _selection = RegistrarSelection.Create(Registrar, Discover.IsPresent, MaxElementsRequested);
                }
                catch (FormatException e)
                {
                    ThrowTerminatingError(ErrorRecords.Validation(ErrorRecords.InvalidRegistrarAddress, e.Message, Registrar,
                        "Write registrars as address:port, e.g. 127.0.0.1:3863, [::1]:3863 or 10.0.0.1,10.0.1.1:3863.", e));
                }
            }

            return _selection!;
        }
    }

    /// <summary>The runspace's pool user for this command's registrars.</summary>
    /// <param name="requireRegistrar">
    /// Whether the command cannot work without a registrar (resolving, selecting by handle, reporting).
    /// Commands that connect to a given element do not need one until the session fails over.
    /// </param>
    private protected PoolUser GetPoolUser(bool requireRegistrar)
    {
        RegistrarSelection selection = Selection;
        if (requireRegistrar && !selection.HasAny)
        {
            ThrowTerminatingError(ErrorRecords.Validation(ErrorRecords.RegistrarNotSpecified,
                "No registrar is configured: give one with -Registrar, $PSDefaultParameterValues, the RSERPOOL_REGISTRARS environment variable or ~/.config/rserpool/registrars, or use -Discover to learn registrars from their multicast announces.",
                null,
                "Run with -Registrar 127.0.0.1:3863 (your registrar's address), or set $env:RSERPOOL_REGISTRARS = '127.0.0.1:3863'."));
        }

        return RunspaceState.GetPoolUser(selection);
    }
}
