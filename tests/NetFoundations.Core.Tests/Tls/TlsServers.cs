using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using NetFoundations.Tests;

namespace NetFoundations.Core.Tests.Tls
{
    /// <summary>
    /// The TLS test servers of tests/servers/tls (nginx, openssl s_server, Dovecot, vsftpd, Postfix) on
    /// 127.0.0.1, with their certificates, in a temporary folder; stopped and removed at the end.
    /// </summary>
    public sealed class TlsServers : IDisposable
    {
        private readonly string scripts;
        private readonly Dictionary<string, int> ports;

        public TlsServers()
        {
            scripts = Path.Combine(RepositoryPaths.Root(), "tests", "servers", "tls");
            Folder = Path.Combine(Path.GetTempPath(), "nf-tls-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            try
            {
                try
                {
                    Bash("start-servers.sh");
                }
                catch (InvalidOperationException)
                {
                    // The ports are found free and released just before the daemons bind them, so a fixture
                    // starting at the same moment can take one: once more, with new ports.
                    Bash("stop-servers.sh");
                    Bash("start-servers.sh");
                }
                ports = System.IO.File.ReadAllLines(Path.Combine(Folder, "ports.env"))
                    .Select(line => line.Split('='))
                    .ToDictionary(pair => pair[0], pair => int.Parse(pair[1]));
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        /// <summary>Where the certificates are: ca.crt, NAME.crt, client.pfx, client.pem …</summary>
        public string Folder { get; }

        public int Port(string server) => ports[server];

        public string File(string name) => Path.Combine(Folder, name);

        public void Dispose()
        {
            try { Bash("stop-servers.sh"); }
            finally { if (Directory.Exists(Folder)) Directory.Delete(Folder, true); }
        }

        private void Bash(string script)
        {
            var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(scripts, script));
            start.ArgumentList.Add(Folder);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(120_000))
            {
                process.Kill(true);
                throw new TimeoutException($"{script} did not finish within 120 s.");
            }
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"{script} failed ({process.ExitCode}): {output.Result} {errors.Result}");
        }

    }
}
