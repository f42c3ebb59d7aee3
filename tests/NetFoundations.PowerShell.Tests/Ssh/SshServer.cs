using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using System.Net;
using System.Threading.Tasks;

namespace NetFoundations.PowerShell.Tests.Ssh
{
    /// <summary>OpenSSH's sshd on 127.0.0.1, started by tests/servers/ssh/start-sshd.sh in a temporary folder; killed on Dispose.</summary>
    public sealed class SshServer : IDisposable
    {
        private readonly Process process;

        public SshServer()
        {
            Folder = Directory.CreateTempSubdirectory("nf-sshd-").FullName;
            var start = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(Path.Combine(ModuleSession.RepositoryRoot(), "tests", "servers", "ssh", "start-sshd.sh"));
            start.ArgumentList.Add(Folder);
            process = Process.Start(start)!;
            var settings = new Dictionary<string, string>();
            while (settings.Count < 4)
            {
                var line = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("start-sshd.sh ended: " + process.StandardError.ReadToEnd());
                settings[line.Substring(0, line.IndexOf('='))] = line.Substring(line.IndexOf('=') + 1);
            }
            Port = int.Parse(settings["PORT"]);
            UserName = settings["USER"];
            Password = settings["PASSWORD"];
            var listening = new TaskCompletionSource<bool>();
            Task.Run(() =>
            {
                string? line;
                while ((line = process.StandardError.ReadLine()) != null)
                    if (line.Contains("Server listening on"))
                        listening.TrySetResult(true);
                listening.TrySetResult(false);
            });
            if (!listening.Task.Wait(60_000) || !listening.Task.Result)
                throw new InvalidOperationException("sshd did not start.");
        }

        public string Folder { get; }
        public int Port { get; }
        public string UserName { get; }
        public string Password { get; }
        public string FilesFolder => Path.Combine(Folder, "files");

        public PSCredential Credential(string? password = null) =>
            new PSCredential(UserName, new NetworkCredential(string.Empty, password ?? Password).SecurePassword);

        public string KnownHostsLine()
        {
            var fields = File.ReadAllText(Path.Combine(Folder, "host_ed25519_key.pub")).Trim().Split(' ');
            return $"[127.0.0.1]:{Port} {fields[0]} {fields[1]}";
        }

        public string NewKnownHosts(params string[] lines)
        {
            var path = Path.Combine(Folder, $"known_hosts_{Guid.NewGuid():N}");
            File.WriteAllLines(path, lines);
            return path;
        }

        public void Dispose()
        {
            try
            {
                if (!process.HasExited)
                    process.Kill(true);
                process.WaitForExit(10_000);
            }
            finally
            {
                process.Dispose();
                Directory.Delete(Folder, true);
            }
        }
    }
}
