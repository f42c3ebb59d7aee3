using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using NetFoundations.Tests;

namespace NetFoundations.Core.Tests.Ftp
{
    /// <summary>vsftpd on 127.0.0.1 (plain and explicit FTPS on Port, implicit FTPS on ImplicitPort), started by tests/servers/ftp/start-vsftpd.sh in a temporary folder; killed on Dispose.</summary>
    public sealed class VsftpdServer : FtpTestServer
    {
        public VsftpdServer() : base("start-vsftpd.sh", "nf-vsftpd-") { }

        /// <summary>The anonymous root (read-only): pub/readme.txt.</summary>
        public string AnonymousFolder => Path.Combine(Folder, "anon");
    }

    /// <summary>pyftpdlib on 127.0.0.1 (plain and explicit FTPS on Port; MLSD; the user's directory files/ seen as "/"), started by tests/servers/ftp/start-pyftpdlib.sh; killed on Dispose.</summary>
    public sealed class PyftpdlibServer : FtpTestServer
    {
        public PyftpdlibServer() : base("start-pyftpdlib.sh", "nf-pyftpdlib-") { }
    }

    /// <summary>Debian's Pure-FTPd on 127.0.0.1 (plain and explicit FTPS on Port; MLSD; a virtual user chrooted into files/, seen as "/"), started by tests/servers/ftp/start-pure-ftpd.sh; killed on Dispose.</summary>
    public sealed class PureFtpdServer : FtpTestServer
    {
        public PureFtpdServer() : base("start-pure-ftpd.sh", "nf-pureftpd-") { }
    }

    /// <summary>An FTP server started by a script of tests/servers/ftp in a temporary folder, on 127.0.0.1; killed on Dispose.</summary>
    /// <remarks>Shared with the cmdlet tests, which do not reference Core: what needs Core is in FtpTestServer.Options.cs.</remarks>
    public abstract partial class FtpTestServer : IDisposable
    {
        private readonly Process process;

        protected FtpTestServer(string script, string prefix)
        {
            Folder = Directory.CreateTempSubdirectory(prefix).FullName;
            var start = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root(), "tests", "servers", "ftp", script));
            start.ArgumentList.Add(Folder);
            process = Process.Start(start)!;
            var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
            process.ErrorDataReceived += (_, e) => { if (e.Data != null) errors.Enqueue(e.Data); };
            process.BeginErrorReadLine();
            var settings = new Dictionary<string, string>();
            while (!settings.ContainsKey("READY"))
            {
                var line = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException($"{script} ended before its server listened: {string.Join("\n", errors)}");
                var equals = line.IndexOf('=');
                if (equals > 0)
                    settings[line.Substring(0, equals)] = line.Substring(equals + 1);
            }
            Port = int.Parse(settings["PORT"]);
            ImplicitPort = settings.TryGetValue("IMPLICIT_PORT", out var implicitPort) ? int.Parse(implicitPort) : 0;
            Name = settings["NAME"];
            UserName = settings["USER"];
            Password = settings["PASSWORD"];
            CertificateAuthorityPath = settings["CA"];
        }

        public string Folder { get; }
        /// <summary>The name its certificate gives it (reached at 127.0.0.1): a name of its own, see server-certificate.sh.</summary>
        public string Name { get; private set; } = string.Empty;
        public int Port { get; }
        /// <summary>Implicit FTPS, where the server offers it (0 otherwise).</summary>
        public int ImplicitPort { get; }
        public string UserName { get; }
        public string Password { get; }
        public string CertificateAuthorityPath { get; }
        /// <summary>The test user's login directory (read-write).</summary>
        public string FilesFolder => Path.Combine(Folder, "files");
        public string TransferLog => Path.Combine(Folder, "xferlog");
        public NetworkCredential Credential => new NetworkCredential(UserName, Password);

        /// <summary>Runs Python's ftplib (the independent peer) with a script; returns its standard output.</summary>
        public string Python(string script, params string[] arguments)
        {
            var start = new ProcessStartInfo("/usr/bin/python3") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(Port.ToString());
            start.ArgumentList.Add(UserName);
            start.ArgumentList.Add(Password);
            foreach (var argument in arguments)
                start.ArgumentList.Add(argument);
            using var child = Process.Start(start)!;
            child.StandardInput.Close();
            var output = child.StandardOutput.ReadToEndAsync();
            var error = child.StandardError.ReadToEndAsync();
            if (!child.WaitForExit(60_000))
            {
                child.Kill(true);
                throw new TimeoutException("python3 did not finish.");
            }
            if (child.ExitCode != 0)
                throw new InvalidOperationException($"python3 failed: {error.Result}");
            return output.Result;
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
