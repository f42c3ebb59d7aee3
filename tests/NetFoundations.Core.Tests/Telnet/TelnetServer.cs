using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using NetFoundations.Tests;

namespace NetFoundations.Core.Tests.Telnet
{
    /// <summary>Debian's telnetd on 127.0.0.1 under socat, started by tests/servers/telnet/start-telnetd.sh; killed on Dispose.</summary>
    public sealed class TelnetServer : IDisposable
    {
        private readonly Process process;

        public TelnetServer()
        {
            var start = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true };
            start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root(), "tests", "servers", "telnet", "start-telnetd.sh"));
            process = Process.Start(start)!;
            var lines = Enumerable.Range(0, 3).Select(_ => process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("start-telnetd.sh ended.")).ToArray();
            Port = int.Parse(lines[0].Split('=')[1]);
            Credential = new NetworkCredential(lines[1].Split('=')[1], lines[2].Split('=', 2)[1]);
            for (var attempt = 0; attempt < 100; attempt++)
            {
                try
                {
                    using var probe = new TcpClient();
                    probe.Connect(IPAddress.Loopback, Port);
                    return;
                }
                catch (SocketException)
                {
                    Thread.Sleep(100);
                }
            }
            throw new InvalidOperationException("telnetd did not start listening.");
        }

        public int Port { get; }
        public NetworkCredential Credential { get; }

        public void Dispose()
        {
            if (!process.HasExited)
                process.Kill(true);
            process.WaitForExit(10_000);
            process.Dispose();
        }
    }
}
