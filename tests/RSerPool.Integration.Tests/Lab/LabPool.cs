using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Threading.Tasks;

namespace RSerPool.Integration.Lab;

/// <summary>
/// rsplib registrars and pool elements for one test class, driven through tests/lab/pool.sh.
/// Each instance has its own state folder; disposing stops everything it started and, when a
/// test failed, the logs are in the test output through <see cref="Logs"/>.
/// </summary>
public sealed class LabPool : IDisposable
{
    private readonly Dictionary<IPEndPoint, int> _enrpOf = new();
    private readonly string _state = Path.Combine(Path.GetTempPath(), "lab-state-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The guest's dummy interface address: rsplib PEs refuse to register with loopback only.</summary>
    public static readonly IPAddress PoolAddress = IPAddress.Parse("10.255.255.1");

    /// <summary>
    /// Starts an rsplib registrar with its ASAP endpoint on <paramref name="asap"/> and its ENRP endpoint on
    /// 127.0.0.1:<paramref name="enrpPort"/> (every registrar in the lab needs its own), peered with <paramref name="peers"/>.
    /// </summary>
    public void StartRegistrar(string name, IPEndPoint asap, int enrpPort, IReadOnlyList<int>? peers = null, params string[] extra)
    {
        var args = new List<string> { "start-registrar", name, "--asap", asap.ToString(), "--enrp", $"127.0.0.1:{enrpPort}" };
        foreach (int peer in peers ?? Array.Empty<int>())
        {
            args.Add("--peer");
            args.Add($"127.0.0.1:{peer}");
        }

        args.AddRange(extra);
        Run(args.ToArray());
        _enrpOf[asap] = enrpPort;
    }

    /// <summary>Starts an rsplib registrar that listens on a random ASAP port, found only through its announces.</summary>
    public void StartRegistrarWithoutAsapAddress(string name, int enrpPort, params string[] extra)
    {
        var args = new List<string> { "start-registrar", name, "--no-asap", "--enrp", $"127.0.0.1:{enrpPort}" };
        args.AddRange(extra);
        Run(args.ToArray());
    }

    /// <summary>Starts an rspserver pool element.</summary>
    public void StartPoolElement(string name, string kind, string poolHandle, uint identifier, IPEndPoint? registrar, string? local, params string[] extra)
    {
        var args = new List<string>
        {
            "start-pe", name, "--kind", kind, "--pool", poolHandle,
            "--id", "0x" + identifier.ToString("x8", CultureInfo.InvariantCulture),
        };
        args.Add("--registrar");
        args.Add(registrar?.ToString() ?? "none"); // none: the element finds a registrar through announces

        if (local is not null)
        {
            args.Add("--local");
            args.Add(local);
        }

        args.AddRange(extra);
        Run(args.ToArray());
    }

    /// <summary>Waits until the handlespace of the registrar started on <paramref name="registrar"/> holds <paramref name="count"/> elements of the pool.</summary>
    public void WaitRegistered(string poolHandle, int count, IPEndPoint registrar)
        => Run("wait-registered", poolHandle, "--count", count.ToString(CultureInfo.InvariantCulture),
            "--enrp", $"127.0.0.1:{_enrpOf[registrar]}", "--timeout", "120");

    /// <summary>Kills a component with SIGKILL, directly from this process (no shell in between, so the kill time is exact).</summary>
    public void Kill(string name)
    {
        int pid = int.Parse(File.ReadAllText(Path.Combine(_state, name + ".pid")).Trim(), CultureInfo.InvariantCulture);
        using Process p = Process.GetProcessById(pid);
        p.Kill();
    }

    /// <summary>Stops a component gracefully.</summary>
    public void Stop(string name) => Run("stop", name);

    /// <summary>The logs of every component, for failure messages.</summary>
    public string Logs() => Run("logs");

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Run("stop-all");
        }
        catch (InvalidOperationException)
        {
            // Nothing left to stop cleanly; the lab powers off at the end of the run anyway.
        }
    }

    /// <summary>Runs pool.sh with this pool's state folder; throws with its output when it fails.</summary>
    public string Run(params string[] args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(LabEnvironment.PoolScript);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["LAB_STATE"] = _state;
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("bash did not start");
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(4)))
        {
            p.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"pool.sh {string.Join(' ', args)} did not finish in 4 minutes");
        }

        string output = stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"pool.sh {string.Join(' ', args)} failed ({p.ExitCode}):\n{output}");
        }

        return output;
    }
}
