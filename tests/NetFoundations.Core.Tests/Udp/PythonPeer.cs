using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using NetFoundations.Tests;

namespace NetFoundations.Core.Tests.Udp
{
    /// <summary>A script from tests/peers run with python3; killed (and its stdin closed) on Dispose.</summary>
    public sealed class PythonPeer : IDisposable
    {
        private readonly Process process;

        private PythonPeer(Process process) => this.process = process;

        /// <summary>Starts tests/peers/udp_echo.py and reads the port it bound.</summary>
        public static PythonPeer Echo(params string[] arguments) => Listening("udp_echo.py", arguments);

        /// <summary>Starts a peer script that prints the port it bound as its first line, and reads that port.</summary>
        public static PythonPeer Listening(string script, params string[] arguments)
        {
            var peer = Start(script, arguments);
            var line = peer.process.StandardOutput.ReadLine()
                ?? throw new InvalidOperationException($"{script} ended without a port: " + peer.process.StandardError.ReadToEnd());
            peer.Port = int.Parse(line);
            return peer;
        }

        public static PythonPeer Start(string script, params string[] arguments)
        {
            var start = new ProcessStartInfo("python3")
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root(), "tests", "peers", script));
            foreach (var argument in arguments)
                start.ArgumentList.Add(argument);
            return new PythonPeer(Process.Start(start)!);
        }

        public int Port { get; private set; }

        /// <summary>Every line the script printed, once it has exited (within a generous bound).</summary>
        public IReadOnlyList<string> OutputLines()
        {
            if (!process.WaitForExit(20_000))
                throw new TimeoutException("The peer script did not finish.");
            var lines = new List<string>();
            string? line;
            while ((line = process.StandardOutput.ReadLine()) != null)
                lines.Add(line);
            return lines;
        }

        /// <summary>A UDP port on 127.0.0.1 that nothing listens on (bound, then closed).</summary>
        public static int ClosedPort()
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return ((IPEndPoint)socket.LocalEndPoint!).Port;
        }

        public void Dispose()
        {
            try
            {
                if (!process.HasExited)
                    process.Kill(entireProcessTree: true);
                process.WaitForExit(5_000);
            }
            catch (InvalidOperationException)
            {
            }
            process.Dispose();
        }
    }
}
