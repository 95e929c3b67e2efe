using RSerPool.Registrars;

namespace RSerPool.PowerShell;

/// <summary>A registrar the pool user of this runspace may use, as Get-PoolRegistrar reports it.</summary>
/// <param name="Address">The registrar's ASAP endpoint (addresses and port).</param>
/// <param name="IsHome">Whether the pool user has an association with it now (its home registrar).</param>
/// <param name="Source">Where it came from: Parameter (-Registrar or $PSDefaultParameterValues), RSERPOOL_REGISTRARS, ConfigFile or Announce.</param>
public sealed record PoolRegistrar(RegistrarAddress Address, bool IsHome, string Source)
{
    /// <inheritdoc />
    public override string ToString() => Address.ToString();
}
