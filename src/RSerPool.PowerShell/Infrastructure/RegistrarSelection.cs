using System;
using System.Collections.Generic;
using System.Linq;
using RSerPool.Client;
using RSerPool.Registrars;

namespace RSerPool.PowerShell;

/// <summary>
/// The registrars a command works with and where they came from: <c>-Registrar</c> (directly or through
/// <c>$PSDefaultParameterValues</c>), the RSERPOOL_REGISTRARS environment variable, the config file,
/// and whether multicast announces may add more. One pool user exists per distinct selection in a runspace.
/// </summary>
/// <param name="Registrars">Static registrars; may be empty when <paramref name="Discover"/> is set or no registrar is needed.</param>
/// <param name="Source">Where they came from: Parameter, RSERPOOL_REGISTRARS, a config file path, or None.</param>
/// <param name="Discover">Whether to learn registrars from ASAP_SERVER_ANNOUNCE.</param>
/// <param name="MaxElements">How many elements to ask the registrar for per resolution (all by default).</param>
internal sealed record RegistrarSelection(IReadOnlyList<RegistrarAddress> Registrars, string Source, bool Discover, uint MaxElements)
{
    /// <summary>Source of registrars given with -Registrar.</summary>
    internal const string FromParameter = "Parameter";

    /// <summary>Source when there are no static registrars.</summary>
    internal const string FromNowhere = "None";

    /// <summary>The registry key: the same registrars and settings share one pool user (and its cache).</summary>
    internal string Key => string.Join(";", Registrars) + "|" + (Discover ? "announces" : "static") + "|" + MaxElements.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether there is any way to find a registrar.</summary>
    internal bool HasAny => Registrars.Count > 0 || Discover;

    /// <summary>Pool-user options for this selection.</summary>
    internal PoolUserOptions ToOptions()
    {
        var options = new PoolUserOptions
        {
            Registrars = Registrars,
            UseAnnounces = Discover,
            HandleResolutionItems = MaxElements,
        };

        // A pool user that only serves sessions to given elements has no registrar to hunt for; the
        // core would otherwise wait out three rounds of T5 for announces that cannot come (2+4+8 s)
        // before a failover learns that. One short round gives the same answer at once.
        return HasAny ? options : options with { ServerHuntRounds = 1, ServerHuntTimeout = TimeSpan.FromMilliseconds(100) };
    }

    /// <summary>Registrars from -Registrar, else from the core's defaults (environment variable, config file).</summary>
    /// <exception cref="FormatException">An address does not parse; the message names it and its source.</exception>
    internal static RegistrarSelection Create(string[]? registrarParameter, bool discover, uint maxElements)
    {
        if (registrarParameter is { Length: > 0 })
        {
            return new RegistrarSelection(RegistrarDefaults.ParseList(string.Join(";", registrarParameter), "-Registrar"), FromParameter, discover, maxElements);
        }

        string? variable = Environment.GetEnvironmentVariable(PoolUserDefaults.RegistrarsVariable);
        IReadOnlyList<RegistrarAddress> defaults = RegistrarDefaults.Load();
        string source = defaults.Count == 0 ? FromNowhere
            : !string.IsNullOrWhiteSpace(variable) ? PoolUserDefaults.RegistrarsVariable
            : "ConfigFile";
        return new RegistrarSelection(defaults.ToArray(), source, discover, maxElements);
    }
}
