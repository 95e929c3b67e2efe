using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Tasks;
using RSerPool.Client;
using RSerPool.Registrars;

namespace RSerPool.LabBench;

/// <summary>
/// Command-line driver for the lab benchmarks. Each mode prints one RESULT line in the same format
/// as the C drivers beside it, so the scripts can compute ratios from one VM boot.
/// </summary>
public static class Program
{
    /// <summary>resolve REGISTRAR POOLHANDLE N: N uncached handle resolutions through our core.</summary>
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 4 && args[0] == "resolve")
        {
            return await ResolveAsync(RegistrarAddress.Parse(args[1]), args[2], long.Parse(args[3], CultureInfo.InvariantCulture));
        }

        Console.Error.WriteLine("usage: RSerPool.LabBench resolve REGISTRAR POOLHANDLE N");
        return 2;
    }

    private static async Task<int> ResolveAsync(RegistrarAddress registrar, string poolHandle, long n)
    {
        // Like rsplib's rsp_getaddrinfo(..., staleCacheValue 0): every call asks the registrar.
        await using var user = new PoolUser(new PoolUserOptions { Registrars = new[] { registrar }, UseAnnounces = false, StaleCacheValue = TimeSpan.Zero });
        PoolHandle handle = poolHandle;
        for (long i = 0; i < n / 10 + 1; i++)
        {
            await user.ResolveAsync(handle);
        }

        long ok = 0, failed = 0;
        var clock = Stopwatch.StartNew();
        for (long i = 0; i < n; i++)
        {
            try
            {
                if ((await user.ResolveAsync(handle)).Elements.Count > 0)
                {
                    ok++;
                }
                else
                {
                    failed++;
                }
            }
            catch (RSerPoolException)
            {
                failed++;
            }
        }

        double seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT impl=ours n={n} ok={ok} failed={failed} seconds={seconds:0.0000} rate={ok / seconds:0.0}"));
        return failed == 0 ? 0 : 1;
    }
}
