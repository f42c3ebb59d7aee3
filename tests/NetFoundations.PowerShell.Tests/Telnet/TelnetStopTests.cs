using System;
using System.Collections.Generic;
using System.Management.Automation;
using NetFoundations.Core.Tests.Telnet;

namespace NetFoundations.PowerShell.Tests.Telnet
{
    /// <summary>Ctrl+C ends a Telnet cmdlet that waits: here, not in Pester, because pressing it is PowerShell.Stop() on a hosted pipeline.</summary>
    public sealed class TelnetStopTests : IClassFixture<ModuleSession>, IClassFixture<TelnetServer>
    {
        private readonly ModuleSession session;
        private readonly TelnetServer server;

        public TelnetStopTests(ModuleSession session, TelnetServer server)
        {
            this.session = session;
            this.server = server;
        }

        [Fact]
        public void CtrlCEndsAnExpectThatWaits()
        {
            using var script = new RunningScript(session, "Invoke-TelnetShell 127.0.0.1 -Port $port -Step @{ Expect = 'never-printed'; Timeout = 600 }",
                new Dictionary<string, object?> { ["port"] = server.Port });
            script.WaitUntilRunning(TimeSpan.FromSeconds(2));

            script.Stop(TimeSpan.FromSeconds(5));

            Assert.Equal(PSInvocationState.Stopped, script.State);
        }
    }
}
