using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using NetFoundations.Tests;

namespace NetFoundations.Core.Tests.Tcp
{
    /// <summary>A tests/peers/tcp_*.py script listening on an ephemeral loopback port; killed on Dispose.</summary>
    public sealed class TcpPeer : IDisposable
    {
        private readonly Process process;

        public TcpPeer(string script, string arguments = "")
        {
            var path = Path.Combine(RepositoryPaths.Root(), "tests", "peers", script);
            process = Process.Start(new ProcessStartInfo("python3", $"-u \"{path}\" {arguments}")
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;
            var line = process.StandardOutput.ReadLine();
            if (line == null || !line.StartsWith("PORT ", StringComparison.Ordinal))
            {
                Dispose();
                throw new InvalidOperationException($"{script} did not start: '{line}'");
            }
            Port = int.Parse(line.Substring(5));
        }

        public int Port { get; }

        /// <summary>A loopback port nothing listens on: bound for a moment, then released.</summary>
        public static int ClosedPort()
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return ((IPEndPoint)socket.LocalEndPoint!).Port;
        }

        public void Dispose()
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            process.WaitForExit(5000);
            process.Dispose();
        }
    }
}
