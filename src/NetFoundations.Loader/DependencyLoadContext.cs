using System;
using System.Collections.Concurrent;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace NetFoundations.Loader
{
    /// <summary>
    /// The module's own load context: assemblies found in the dependency folder load here,
    /// anything else (the .NET runtime, PowerShell itself) falls through to the default context.
    /// </summary>
    public sealed class DependencyLoadContext : AssemblyLoadContext
    {
        private static readonly ConcurrentDictionary<string, DependencyLoadContext> ByFolder =
            new ConcurrentDictionary<string, DependencyLoadContext>(StringComparer.Ordinal);

        private readonly string folder;
        private readonly ConcurrentDictionary<string, Assembly?> loaded = new ConcurrentDictionary<string, Assembly?>(StringComparer.OrdinalIgnoreCase);

        private DependencyLoadContext(string folder) : base("NetFoundations", isCollectible: false)
        {
            this.folder = folder;
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
                var path = Path.Combine(folder, name + ".dll");
                return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
            });
    }
}
