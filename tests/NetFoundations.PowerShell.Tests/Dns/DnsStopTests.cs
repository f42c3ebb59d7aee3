using System;
using System.Net;
using System.Net.Sockets;
using NetFoundations.Tests.Dns;

namespace NetFoundations.PowerShell.Tests.Dns
{
    /// <summary>Ctrl+C on many lookups in flight: only a hosted engine can stop a pipeline as the console does (PowerShell.Stop).</summary>
    public sealed class DnsStopTests : IClassFixture<ModuleSession>, IClassFixture<BindServer>
    {
        private readonly ModuleSession session;
        private readonly BindServer bind;

        public DnsStopTests(ModuleSession session, BindServer bind)
        {
            this.session = session;
            this.bind = bind;
        }

        [Fact]
        public void CtrlCStopsManyLookupsAtOnce()
        {
            using var silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)silent.Client.LocalEndPoint!).Port;
            using var running = new RunningScript(session,
                $"1..200 | ForEach-Object {{ \"host$_.example.test\" }} | Resolve-DnsName2 -Server 127.0.0.1:{port} -TimeoutSeconds 30");
            running.WaitUntilRunning(TimeSpan.FromSeconds(1));
            Assert.True(running.Stop(TimeSpan.FromSeconds(10)) < TimeSpan.FromSeconds(3));
            // The session is still usable after the stop.
            var after = running.RunAfterwards($"Resolve-DnsName2 www.example.test -Server {bind.Server}", TimeSpan.FromSeconds(10));
            // The record's own Address (text): the shell's IPAddress view is a script property, which needs a runspace thread.
            Assert.Equal("127.0.0.11", Assert.Single(after).BaseObject.GetType().GetProperty("Address")!.GetValue(Assert.Single(after).BaseObject));
        }
    }
}
