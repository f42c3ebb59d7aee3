using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace NetFoundations.Loader
{
    /// <summary>
    /// The module's own load context: assemblies found in the dependency folder load here,
    /// anything else (the .NET runtime, PowerShell itself) falls through to the default context.
    /// So does a polyfill in the folder (System.Memory, System.Buffers …, shipped for netstandard2.0
    /// and Windows PowerShell) when the running .NET has that assembly in the same or a newer version:
    /// loading the polyfill here would give the dependencies a slow Span of their own, apart from the
    /// runtime's, and methods the runtime's own types lack.
    /// An assembly that lives beside the module, in the folder's parent (the cmdlets, NetFoundations.Types), is never
    /// loaded here: it belongs to the default context, so Core and the user see the same public types.
    /// A dependency's net8.0 build (in the folder's net8.0 subfolder, where build.ps1 puts them) comes before its
    /// netstandard2.0 build: it uses the runtime's own cryptography and Span (SSH.NET's AES-GCM runs through
    /// OpenSSL there, through BouncyCastle in its netstandard2.0 build).
    /// </summary>
    public sealed class DependencyLoadContext : AssemblyLoadContext
    {
        private static readonly ConcurrentDictionary<string, DependencyLoadContext> ByFolder =
            new ConcurrentDictionary<string, DependencyLoadContext>(StringComparer.Ordinal);

        private readonly string folder;
        private readonly string moduleFolder;
        private readonly ConcurrentDictionary<string, Assembly?> loaded = new ConcurrentDictionary<string, Assembly?>(StringComparer.OrdinalIgnoreCase);

        private DependencyLoadContext(string folder) : base("NetFoundations", isCollectible: false)
        {
            this.folder = folder;
            moduleFolder = Path.GetDirectoryName(folder) ?? folder;
        }

        /// <summary>A loader for one folder, shared by every import of the module from it.</summary>
        public static Func<AssemblyName, Assembly?> ForFolder(string folder)
        {
            var context = ByFolder.GetOrAdd(folder, f => new DependencyLoadContext(f));
            return context.LoadFromFolder;
        }

        protected override Assembly? Load(AssemblyName assemblyName) => LoadFromFolder(assemblyName);

        private Assembly? LoadFromFolder(AssemblyName assemblyName) =>
            loaded.GetOrAdd(assemblyName.Name ?? string.Empty, name =>
            {
                if (File.Exists(Path.Combine(moduleFolder, name + ".dll")))
                    return null;
                var path = Path.Combine(folder, "net8.0", name + ".dll");
                if (!File.Exists(path))
                    path = Path.Combine(folder, name + ".dll");
                return File.Exists(path) && !RuntimeProvides(assemblyName) ? LoadFromAssemblyPath(path) : null;
            });

        /// <summary>The .NET runtime's own assemblies (those of its folder among the trusted platform assemblies), by name.</summary>
        private static readonly Lazy<Dictionary<string, string>> RuntimeAssemblies = new Lazy<Dictionary<string, string>>(() =>
        {
            var runtimeFolder = Path.GetDirectoryName(typeof(object).Assembly.Location) ?? string.Empty;
            var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var trusted = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty;
            foreach (var path in trusted.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
                if (string.Equals(Path.GetDirectoryName(path), runtimeFolder, StringComparison.Ordinal))
                    byName[Path.GetFileNameWithoutExtension(path)] = path;
            return byName;
        });

        private static bool RuntimeProvides(AssemblyName requested)
        {
            if (requested.Name == null || !RuntimeAssemblies.Value.TryGetValue(requested.Name, out var path))
                return false;
            var version = AssemblyName.GetAssemblyName(path).Version;
            return requested.Version == null || (version != null && version >= requested.Version);
        }
    }
}
