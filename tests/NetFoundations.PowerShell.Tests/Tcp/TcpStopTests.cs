using System;
using System.Management.Automation;

using NetFoundations.Core.Tests.Tcp;

namespace NetFoundations.PowerShell.Tests.Tcp
{
    /// <summary>Ctrl+C on a TCP cmdlet: only a hosted engine can stop a pipeline as the console does (PowerShell.Stop).</summary>
    public sealed class TcpStopTests : IClassFixture<ModuleSession>
    {
        private readonly ModuleSession session;

        public TcpStopTests(ModuleSession session)
        {
            this.session = session;
        }

        [Fact]
        public void Ctrl_c_stops_a_stalled_conversation()
        {
            using var peer = new TcpPeer("tcp_stall.py");
            using var script = new RunningScript(session, $"Invoke-TcpConversation -ComputerName 127.0.0.1 -Port {peer.Port} -UntilClose -TimeoutSeconds 600");
            script.WaitUntilRunning(TimeSpan.FromMilliseconds(300));

            script.Stop(TimeSpan.FromSeconds(10));

            Assert.Equal(PSInvocationState.Stopped, script.State);
        }
    }
}
