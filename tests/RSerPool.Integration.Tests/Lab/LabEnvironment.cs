using System;
using System.IO;

namespace RSerPool.Integration.Lab;

/// <summary>Where the lab's scripts are and whether this process runs inside the lab.</summary>
internal static class LabEnvironment
{
    internal static bool IsActive => Environment.GetEnvironmentVariable("RSERPOOL_LAB") == "1";

    /// <summary>The repository root, found by walking up to the solution file.</summary>
    internal static string RepositoryRoot { get; } = FindRoot();

    internal static string PoolScript => Path.Combine(RepositoryRoot, "tests", "lab", "pool.sh");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RSerPool.PowerShell.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (RSerPool.PowerShell.sln) was not found above " + AppContext.BaseDirectory);
    }
}
