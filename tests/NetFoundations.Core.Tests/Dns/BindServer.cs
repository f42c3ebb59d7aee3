using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;

namespace NetFoundations.Tests.Dns
{
    /// <summary>
    /// The repository's BIND (tests/servers/dns/start.sh) on 127.0.0.1 and ::1 at a free high port,
    /// with the test zones (example.test …); one per test class, stopped when the class is done.
    /// </summary>
    public sealed class BindServer : IDisposable
    {
        private readonly string scripts;

        public BindServer()
        {
            scripts = Path.Combine(FindRepository(), "tests", "servers", "dns");
            WorkDirectory = Path.Combine(Path.GetTempPath(), "nf-dns-" + Guid.NewGuid().ToString("N"));
            string? failure = null;
            for (var attempt = 0; attempt < 3; attempt++)
            {
                Port = FreePort();
                var (code, output) = RunScript("start.sh", Port.ToString(), WorkDirectory);
                if (code == 0)
                    return;
                failure = output;
                RunScript("stop.sh", WorkDirectory);
            }
            throw new InvalidOperationException("The test DNS server (named, apt package bind9) did not start: " + failure);
        }

        public int Port { get; private set; }
        public string WorkDirectory { get; }
        public string Server => $"127.0.0.1:{Port}";
        public string ServerV6 => $"[::1]:{Port}";

        public void Dispose()
        {
            RunScript("stop.sh", WorkDirectory);
            try { Directory.Delete(WorkDirectory, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        /// <summary>A port free for TCP and UDP on both loopback addresses at this moment.</summary>
        public static int FreePort()
        {
            for (var attempt = 0; attempt < 50; attempt++)
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                var port = ((IPEndPoint)probe.LocalEndPoint!).Port;
                if (CanBind(IPAddress.Loopback, port, SocketType.Dgram) && CanBind(IPAddress.IPv6Loopback, port, SocketType.Dgram)
                    && CanBind(IPAddress.IPv6Loopback, port, SocketType.Stream))
                    return port;
            }
            throw new InvalidOperationException("No free port on loopback.");
        }

        private static bool CanBind(IPAddress address, int port, SocketType type)
        {
            try
            {
                using var socket = new Socket(address.AddressFamily, type, type == SocketType.Stream ? ProtocolType.Tcp : ProtocolType.Udp);
                socket.Bind(new IPEndPoint(address, port));
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }

        private (int Code, string Output) RunScript(params string[] arguments)
        {
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(scripts, arguments[0]));
            for (var i = 1; i < arguments.Length; i++)
                start.ArgumentList.Add(arguments[i]);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(30000))
            {
                process.Kill(true);
                return (-1, "timed out");
            }
            return (process.ExitCode, stdout.Result + stderr.Result);
        }

        private static string FindRepository()
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder != null; folder = folder.Parent)
                if (File.Exists(Path.Combine(folder.FullName, "NetFoundations.psd1")))
                    return folder.FullName;
            throw new InvalidOperationException("The repository root was not found above " + AppContext.BaseDirectory);
        }
    }
}
