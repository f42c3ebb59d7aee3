using System;
using System.Diagnostics;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace NetFoundations.PowerShell.Tests.Servers
{
    /// <summary>Ctrl+C on a server run in the foreground (Start-TcpServer -Wait): it stops, and its port is free again.</summary>
    public sealed class ServersStopTests : IClassFixture<ModuleSession>
    {
        private readonly ModuleSession session;

        public ServersStopTests(ModuleSession session)
        {
            this.session = session;
        }

        private static int UnusedPort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        private static bool Listening(int port)
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                client.Connect(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }

        [Fact]
        public void Ctrl_c_stops_a_foreground_server_with_a_scriptblock_busy_and_frees_its_port()
        {
            var port = UnusedPort();
            using var script = new RunningScript(session,
                $"Start-TcpServer -Port {port} -ScriptBlock {{ Start-Sleep -Seconds 600 }} -Wait");
            var clock = Stopwatch.StartNew();
            while (!Listening(port) && clock.Elapsed < TimeSpan.FromSeconds(20))
                Thread.Sleep(50);
            Assert.True(Listening(port), "The server did not start listening.");
            // A client whose request keeps the scriptblock busy: the stop must not wait for it.
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            client.Connect(IPAddress.Loopback, port);
            client.Send(new byte[] { (byte)'x', (byte)'\n' });
            Thread.Sleep(300);

            script.Stop(TimeSpan.FromSeconds(10));

            Assert.Equal(PSInvocationState.Stopped, script.State);
            Assert.False(Listening(port), "The port is still listened on after Ctrl+C.");
            var servers = script.RunAfterwards($"@(Get-TcpServer -Port {port}).Count", TimeSpan.FromSeconds(10));
            Assert.Equal(0, (int)servers[0].BaseObject);
        }
    }
}
