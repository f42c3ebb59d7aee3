using System;
using System.Management.Automation;

using NetFoundations.Core.Tests.Tcp;

namespace NetFoundations.PowerShell.Tests.Rpc
{
    /// <summary>Ctrl+C on the RPC cmdlets: only a hosted engine can stop a pipeline as the console does (PowerShell.Stop).</summary>
    public sealed class RpcStopTests : IClassFixture<ModuleSession>
    {
        private readonly ModuleSession session;

        public RpcStopTests(ModuleSession session)
        {
            this.session = session;
        }

        [Theory]
        [InlineData("Invoke-XmlRpc -Uri http://127.0.0.1:{0}/RPC2 -Method add -Argument 1, 2 -TimeoutSeconds 600")]
        [InlineData("1..10 | Invoke-XmlRpc -Uri http://127.0.0.1:{0}/RPC2 -Method add -BatchSize 5 -TimeoutSeconds 600")]
        [InlineData("Invoke-JsonRpc -Uri http://127.0.0.1:{0}/ -Method add -Argument 1, 2 -TimeoutSeconds 600")]
        public void Ctrl_c_stops_a_call_to_a_server_that_never_answers(string command)
        {
            using var peer = new TcpPeer("tcp_stall.py");
            using var script = new RunningScript(session, string.Format(System.Globalization.CultureInfo.InvariantCulture, command, peer.Port));
            script.WaitUntilRunning(TimeSpan.FromMilliseconds(300));

            script.Stop(TimeSpan.FromSeconds(10));

            Assert.Equal(PSInvocationState.Stopped, script.State);
        }
    }
}
