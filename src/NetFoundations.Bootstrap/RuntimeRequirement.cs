using System;

namespace NetFoundations.Bootstrap
{
    /// <summary>
    /// What the module loads on: Windows PowerShell 5.1 (.NET Framework), or PowerShell 7.4 and later, whose .NET 8 the
    /// isolating loader is built for. A manifest can say only one minimum version for both editions (5.1), so
    /// PowerShell 7.0 to 7.3 (.NET Core 3.1 to .NET 7) are refused here, at import, with a message that says why.
    /// </summary>
    public static class RuntimeRequirement
    {
        public static readonly Version MinimumCoreRuntime = new Version(8, 0);

        /// <summary>Null when the module loads on this runtime; otherwise the message that refuses it.</summary>
        /// <param name="coreClr">True on PowerShell 7 (.NET), false on Windows PowerShell (.NET Framework).</param>
        /// <param name="runtime">The .NET runtime's version (Environment.Version).</param>
        /// <param name="powerShell">The PowerShell version, for the message only.</param>
        public static string? Problem(bool coreClr, Version runtime, Version? powerShell)
        {
            if (runtime == null) throw new ArgumentNullException(nameof(runtime));
            if (!coreClr || runtime >= MinimumCoreRuntime)
                return null;
            var shell = powerShell == null ? "This PowerShell" : $"PowerShell {powerShell.ToString(3)}";
            return $"NetFoundations needs PowerShell 7.4 or later (.NET {MinimumCoreRuntime.Major}) or Windows PowerShell 5.1. " +
                $"{shell} runs on .NET {runtime.ToString(2)}, on which the module cannot load its dependencies. " +
                "Install PowerShell 7.4 or later: https://aka.ms/powershell";
        }
    }
}
