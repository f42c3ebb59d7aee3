using System;
using System.Linq;
using System.Management.Automation;

namespace NetFoundations.PowerShell.Tests.Servers
{
    /// <summary>Ctrl+C on Measure-TcpServer: only a hosted engine can stop a pipeline as the console does (PowerShell.Stop).</summary>
    public sealed class LoadStopTests : IClassFixture<ModuleSession>
    {
        private readonly ModuleSession session;

        public LoadStopTests(ModuleSession session)
        {
            this.session = session;
        }

        [Fact]
        public void Ctrl_c_ends_a_long_run_and_closes_every_connection()
        {
            using var script = new RunningScript(session,
                "$server = Start-TcpServer Zen -ReplyDelaySeconds 0.01; $server | Measure-TcpServer -Zen -Connections 16 -DurationSeconds 600");
            script.WaitUntilRunning(TimeSpan.FromMilliseconds(500));

            script.Stop(TimeSpan.FromSeconds(10));

            Assert.Equal(PSInvocationState.Stopped, script.State);
            // The server sees every connection closed: none stays open once the cmdlet has stopped.
            var open = script.RunAfterwards(
                "$deadline = [DateTime]::UtcNow.AddSeconds(5); while ($server.ConnectionsOpen -gt 0 -and [DateTime]::UtcNow -lt $deadline) { [Threading.Thread]::Sleep(20) }; " +
                "$server.ConnectionsOpen; $server.Requests; $server | Stop-TcpServer", TimeSpan.FromSeconds(15));
            Assert.Equal(0, (int)open[0].BaseObject);
            Assert.True((long)open[1].BaseObject > 0);
        }
    }
}
