using System;
using System.Management.Automation;

using NetFoundations.Core.Tests.Udp;

namespace NetFoundations.PowerShell.Tests.Udp
{
    /// <summary>Ctrl+C on a UDP server cmdlet: only a hosted engine can stop a pipeline as the console does (PowerShell.Stop).</summary>
    public sealed class UdpStopTests : IClassFixture<ModuleSession>
    {
        private readonly ModuleSession session;

        public UdpStopTests(ModuleSession session) => this.session = session;

        [Fact]
        public void StopEndsAListeningPipeline()
        {
            var port = PythonPeer.ClosedPort();
            using var script = new RunningScript(session, $"Receive-UdpDatagram -Port {port} -LocalAddress 127.0.0.1 -TimeoutSeconds 600");
            // The sender waits until the cmdlet has bound the port, so the pipeline is listening when Stop comes.
            using (var sender = PythonPeer.Start("udp_sender.py", "127.0.0.1", port.ToString(), "--when-bound", "still listening"))
                Assert.Equal(new[] { "DONE" }, sender.OutputLines());

            script.Stop(TimeSpan.FromSeconds(10));

            Assert.Equal(PSInvocationState.Stopped, script.State);
        }
    }
}
