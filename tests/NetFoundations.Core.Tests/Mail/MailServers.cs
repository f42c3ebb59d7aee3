using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using NetFoundations.Tests;

namespace NetFoundations.Core.Tests.Mail
{
    /// <summary>
    /// Postfix and Dovecot from tests/servers/mail on 127.0.0.1 in a temporary folder, alice's INBOX
    /// seeded (Welcome, Quarterly report, a non-ASCII subject); stopped and removed at the end.
    /// </summary>
    public sealed class MailServers : IDisposable
    {
        private readonly string scripts;
        private readonly Dictionary<string, int> ports;

        public MailServers()
        {
            scripts = RepositoryPaths.Combine("tests", "servers", "mail");
            Folder = Path.Combine(Path.GetTempPath(), "nf-mail-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            try
            {
                Run("bash", Path.Combine(scripts, "start-servers.sh"), Folder);
                ports = File.ReadAllLines(Path.Combine(Folder, "ports.env")).Select(l => l.Split('=')).ToDictionary(p => p[0], p => int.Parse(p[1]));
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public string Folder { get; }
        public string CaPath => Path.Combine(Folder, "ca.crt");
        public int Port(string name) => ports[name];
        public static NetworkCredential Alice => new NetworkCredential("alice@mail.test", "alice-password");
        public static NetworkCredential Bob => new NetworkCredential("bob@mail.test", "bob-password");

        /// <summary>Runs a Python peer script (stdin-free) and returns its standard output.</summary>
        public string Python(string code, params string[] arguments) => Run("python3", new[] { "-c", code }.Concat(arguments).ToArray());

        public void Dispose()
        {
            try { Run("bash", Path.Combine(scripts, "stop-servers.sh"), Folder); }
            finally { if (Directory.Exists(Folder)) Directory.Delete(Folder, true); }
        }

        private static string Run(string program, params string[] arguments)
        {
            var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(120_000))
            {
                process.Kill(true);
                throw new TimeoutException($"{program} did not finish within 120 s.");
            }
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"{program} {string.Join(" ", arguments)} failed ({process.ExitCode}): {output.Result} {errors.Result}");
            return output.Result;
        }
    }
}
