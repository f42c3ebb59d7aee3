using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using NetFoundations.Tests;

namespace NetFoundations.Core.Tests.Caching
{
    /// <summary>Debian's memcached, several instances on 127.0.0.1, started by tests/servers/memcached/start-memcached.sh; stopped on Dispose.</summary>
    public sealed class MemcachedServers : IDisposable
    {
        public const int Count = 3;
        private readonly Process process;

        public MemcachedServers()
        {
            var start = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true };
            start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root(), "tests", "servers", "memcached", "start-memcached.sh"));
            start.ArgumentList.Add(Count.ToString());
            process = Process.Start(start)!;
            var line = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("start-memcached.sh ended.");
            Ports = line.Split('=')[1].Split(',').Select(int.Parse).ToArray();
            Servers = Ports.Select(p => $"127.0.0.1:{p}").ToArray();
        }

        public int[] Ports { get; }
        /// <summary>host:port of each instance.</summary>
        public string[] Servers { get; }

        public void Dispose()
        {
            if (!process.HasExited)
                process.Kill(true);
            process.WaitForExit(10_000);
            process.Dispose();
        }
    }

    /// <summary>Runs tests/peers/memcache_peer.py (pymemcache) with /usr/bin/python3 and returns its output lines.</summary>
    public static class Pymemcache
    {
        public static string[] Run(params string[] arguments)
        {
            var start = new ProcessStartInfo("/usr/bin/python3") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root(), "tests", "peers", "memcache_peer.py"));
            foreach (var argument in arguments)
                start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            if (!process.WaitForExit(30_000) || process.ExitCode != 0)
                throw new InvalidOperationException($"memcache_peer.py {string.Join(" ", arguments)} failed: {error}");
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
    }
}
