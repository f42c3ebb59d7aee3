using System;
using System.IO;

namespace NetFoundations.Tests
{
    /// <summary>Where the repository is, for tests that start its peer and server scripts. Linked into both test projects.</summary>
    public static class RepositoryPaths
    {
        public static string Root()
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder != null; folder = folder.Parent)
                if (File.Exists(Path.Combine(folder.FullName, "NetFoundations.psd1")))
                    return folder.FullName;
            throw new InvalidOperationException("The repository root (with NetFoundations.psd1) was not found above " + AppContext.BaseDirectory);
        }

        public static string Combine(params string[] parts)
        {
            var all = new string[parts.Length + 1];
            all[0] = Root();
            Array.Copy(parts, 0, all, 1, parts.Length);
            return Path.Combine(all);
        }
    }
}
