using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Threading.Tasks;
using NetFoundations.Tests;

namespace NetFoundations.Core.Tests.Ssh
{
    /// <summary>OpenSSH's sshd on 127.0.0.1, started by tests/servers/ssh/start-sshd.sh in a temporary folder; killed on Dispose.</summary>
    /// <remarks>Shared with the cmdlet tests, which do not reference Core: what needs Core is in SshServer.Options.cs.</remarks>
    public sealed partial class SshServer : IDisposable
    {
        private readonly Process process;
        private readonly List<string> log = new List<string>();

        public SshServer()
        {
            Folder = Directory.CreateTempSubdirectory("nf-sshd-").FullName;
            var start = new ProcessStartInfo("bash")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root(), "tests", "servers", "ssh", "start-sshd.sh"));
            start.ArgumentList.Add(Folder);
            process = Process.Start(start)!;
            var settings = new Dictionary<string, string>();
            while (settings.Count < 4)
            {
                var line = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("start-sshd.sh ended: " + process.StandardError.ReadToEnd());
                var equals = line.IndexOf('=');
                settings[line.Substring(0, equals)] = line.Substring(equals + 1);
            }
            Port = int.Parse(settings["PORT"]);
            UserName = settings["USER"];
            Password = settings["PASSWORD"];
            Passphrase = settings["PASSPHRASE"];
            var listening = new TaskCompletionSource<bool>();
            Task.Run(() =>
            {
                string? line;
                while ((line = process.StandardError.ReadLine()) != null)
                {
                    lock (log) { log.Add(line); }
                    if (line.Contains("Server listening on"))
                        listening.TrySetResult(true);
                }
                listening.TrySetResult(false);
            });
            if (!listening.Task.Wait(60_000) || !listening.Task.Result)
                throw new InvalidOperationException("sshd did not start: " + string.Join("\n", Log));
        }

        public string Folder { get; }
        public int Port { get; }
        public string UserName { get; }
        public string Password { get; }
        public string Passphrase { get; }
        public string FilesFolder => Path.Combine(Folder, "files");
        public string KeyFile => Path.Combine(Folder, "client_key");
        public string PassphraseKeyFile => Path.Combine(Folder, "client_key_pass");
        public NetworkCredential Credential => new NetworkCredential(UserName, Password);
        public IReadOnlyList<string> Log { get { lock (log) { return log.ToArray(); } } }

        /// <summary>The known_hosts line for one of the server's keys (host_ed25519_key, alt_host_key …).</summary>
        public string KnownHostsLine(string keyFile = "host_ed25519_key")
        {
            var fields = File.ReadAllText(Path.Combine(Folder, keyFile + ".pub")).Trim().Split(' ');
            return $"[127.0.0.1]:{Port} {fields[0]} {fields[1]}";
        }

        /// <summary>A fresh known_hosts file in the server's folder holding these lines.</summary>
        public string NewKnownHosts(params string[] lines)
        {
            var path = Path.Combine(Folder, $"known_hosts_{Guid.NewGuid():N}");
            File.WriteAllLines(path, lines);
            return path;
        }

        /// <summary>Runs a program to completion (bounded) and returns exit code and output.</summary>
        public static (int ExitCode, string Output, string Error) Exec(string program, params string[] arguments)
        {
            var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            foreach (var argument in arguments)
                start.ArgumentList.Add(argument);
            using var child = Process.Start(start)!;
            child.StandardInput.Close();
            var output = child.StandardOutput.ReadToEndAsync();
            var error = child.StandardError.ReadToEndAsync();
            if (!child.WaitForExit(60_000))
            {
                child.Kill(true);
                throw new TimeoutException($"{program} did not finish.");
            }
            return (child.ExitCode, output.Result, error.Result);
        }

        /// <summary>Kills the per-connection sshd processes (children of the listener we started): drops every session.</summary>
        public void DropConnections()
        {
            foreach (var pid in ConnectionProcesses())
            {
                try { Process.GetProcessById(pid).Kill(true); }
                catch (ArgumentException) { }
            }
        }

        /// <summary>The per-connection sshd processes: children of the listener we started, one for each connection.</summary>
        public IReadOnlyList<int> ConnectionProcesses() => ChildrenOf(process.Id);

        /// <summary>
        /// Sends a signal to a per-connection sshd and everything under it (its unprivileged child, sftp-server …):
        /// STOP freezes the connection as a hung server would (the kernel still accepts and acknowledges bytes until the
        /// buffers fill), CONT lets it go on.
        /// </summary>
        public static void Signal(int connectionProcess, string signal)
        {
            var all = new List<int> { connectionProcess };
            for (var i = 0; i < all.Count && all.Count < 100; i++)
                all.AddRange(ChildrenOf(all[i]));
            foreach (var pid in all)
                Exec("kill", "-" + signal, pid.ToString());
        }

        private static List<int> ChildrenOf(int pid)
        {
            var children = new List<int>();
            foreach (var line in Exec("ps", "-o", "pid=", "--ppid", pid.ToString()).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                children.Add(int.Parse(line.Trim()));
            return children;
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
