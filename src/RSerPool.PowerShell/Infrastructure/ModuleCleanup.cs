using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace RSerPool.PowerShell;

/// <summary>Closes the sessions and registrar associations of the current runspace when RSerPoolPU is removed (Remove-Module).</summary>
public sealed class ModuleCleanup : IModuleAssemblyCleanup
{
    /// <summary>Called by PowerShell when the module is removed.</summary>
    /// <param name="psModuleInfo">The module being removed.</param>
    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        if (Runspace.DefaultRunspace is { } runspace)
        {
            PoolUserRegistry.Close(runspace);
        }
    }
}
