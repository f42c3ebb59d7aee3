using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;

namespace NetFoundations.Bootstrap
{
    /// <summary>
    /// Keeps the module's dependencies away from other modules' copies. NetFoundations.Core and
    /// every third-party assembly live in the module's "dependencies" folder, where the default
    /// load context never looks. When the cmdlets need Core, this resolver supplies it: on
    /// PowerShell 7 from the module's own AssemblyLoadContext (through NetFoundations.Loader),
    /// so Core's dependencies bind to the module's versions whatever else is loaded; on
    /// Windows PowerShell 5.1 from that folder only. NetFoundations.Types, the public types, lives beside the cmdlets
    /// and loads in the default context (the manifest's RequiredAssemblies); when Core asks for it, it gets that copy.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly string ModuleFolder = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;
        private static readonly string DependencyFolder = Path.Combine(ModuleFolder, "dependencies");
        private static Func<AssemblyName, Assembly?>? isolatedLoad;

        public void OnImport()
        {
            var problem = RuntimeRequirement.Problem(IsCoreClr, Environment.Version, PowerShellVersion());
            if (problem != null)
                throw new PlatformNotSupportedException(problem);
            AppDomain.CurrentDomain.AssemblyResolve += Resolve;
        }

        public void OnRemove(PSModuleInfo module)
        {
            AppDomain.CurrentDomain.AssemblyResolve -= Resolve;
        }

        private static Assembly? Resolve(object? sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name);
            var path = Path.Combine(DependencyFolder, name.Name + ".dll");
            if (!File.Exists(path))
            {
                var beside = Path.Combine(ModuleFolder, name.Name + ".dll");
                return File.Exists(beside) ? Assembly.LoadFrom(beside) : null;
            }
            if (!IsCoreClr)
                return Assembly.LoadFrom(path);
            isolatedLoad ??= CreateIsolatedLoader();
            return isolatedLoad(name);
        }

        /// <summary>7.3.12 from "7.3.12 SHA: …" (the assembly's own version is 7.3.0.500); null when it does not say.</summary>
        private static Version? PowerShellVersion()
        {
            var text = typeof(PSObject).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            return Version.TryParse(text?.Split(' ', '-', '+')[0], out var version) ? version : null;
        }

        private static bool IsCoreClr =>
            !System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

        private static Func<AssemblyName, Assembly?> CreateIsolatedLoader()
        {
            var loader = Assembly.LoadFrom(Path.Combine(ModuleFolder, "NetFoundations.Loader.dll"));
            var context = loader.GetType("NetFoundations.Loader.DependencyLoadContext", throwOnError: true)!;
            var forFolder = context.GetMethod("ForFolder", BindingFlags.Public | BindingFlags.Static)!;
            return (Func<AssemblyName, Assembly?>)forFolder.Invoke(null, new object[] { DependencyFolder })!;
        }
    }
}
