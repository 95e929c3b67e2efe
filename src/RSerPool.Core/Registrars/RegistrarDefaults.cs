using System;
using System.Collections.Generic;
using System.IO;

namespace RSerPool.Registrars;

/// <summary>
/// Default registrars when none are given: the RSERPOOL_REGISTRARS environment variable, else the
/// first config file that exists of $XDG_CONFIG_HOME/rserpool/registrars (~/.config/rserpool/registrars)
/// and /etc/rserpool/registrars, one registrar per line, '#' starting a comment.
/// </summary>
public static class RegistrarDefaults
{
    /// <summary>Reads the defaults; an unparsable entry is an error naming its source, never silently dropped.</summary>
    /// <param name="environment">Reads a variable (Environment.GetEnvironmentVariable by default).</param>
    /// <param name="files">Config files to try, in order (the standard paths by default).</param>
    /// <exception cref="FormatException">An entry is not a registrar address.</exception>
    public static IReadOnlyList<RegistrarAddress> Load(Func<string, string?>? environment = null, IReadOnlyList<string>? files = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        string? variable = environment(Client.PoolUserDefaults.RegistrarsVariable);
        if (!string.IsNullOrWhiteSpace(variable))
        {
            return ParseList(variable, Client.PoolUserDefaults.RegistrarsVariable);
        }

        foreach (string file in files ?? StandardFiles(environment))
        {
            if (File.Exists(file))
            {
                var list = new List<RegistrarAddress>();
                foreach (string raw in File.ReadAllLines(file))
                {
                    int hash = raw.IndexOf('#');
                    string line = (hash >= 0 ? raw[..hash] : raw).Trim();
                    if (line.Length > 0)
                    {
                        list.AddRange(ParseList(line, file));
                    }
                }

                return list;
            }
        }

        return Array.Empty<RegistrarAddress>();
    }

    /// <summary>Parses registrars separated by ';' or white space.</summary>
    /// <param name="text">The list.</param>
    /// <param name="source">Where it came from, for the error message.</param>
    public static IReadOnlyList<RegistrarAddress> ParseList(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var list = new List<RegistrarAddress>();
        foreach (string part in text.Split(new[] { ';', ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!RegistrarAddress.TryParse(part, out RegistrarAddress? address, out string? reason))
            {
                throw new FormatException($"{source}: '{part}' is not a registrar address ({reason}).");
            }

            list.Add(address);
        }

        return list;
    }

    private static string[] StandardFiles(Func<string, string?> environment)
    {
        string config = environment("XDG_CONFIG_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(environment("HOME") ?? "/root", ".config");
        return new[] { Path.Combine(config, "rserpool", Client.PoolUserDefaults.RegistrarsFileName), "/etc/rserpool/registrars" };
    }
}
