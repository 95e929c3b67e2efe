using System;
using Xunit;

namespace RSerPool.Integration.Lab;

/// <summary>
/// A test that needs kernel SCTP and Debian's rsplib. It runs when started through the lab
/// (tests/lab/run.sh sets RSERPOOL_LAB=1, as build.ps1 -Task Test does); a plain `dotnet test`
/// on a host reports it skipped with that reason, never passed.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LabFactAttribute : FactAttribute
{
    /// <summary>Marks the test as a lab test.</summary>
    public LabFactAttribute()
    {
        if (!LabEnvironment.IsActive)
        {
            Skip = "Needs the SCTP lab with rsplib: run `dotnet pwsh ./build.ps1 -Task Test` or tests/lab/run.sh.";
        }
    }
}
