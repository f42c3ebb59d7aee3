using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Threading;

using NetFoundations.Core.Tests.Telnet;

namespace NetFoundations.PowerShell.Tests.Telnet
{
    public sealed class InvokeTelnetCommandTests : IClassFixture<ModuleSession>, IClassFixture<TelnetServer>
    {
        private readonly ModuleSession session;
        private readonly TelnetServer server;

        private PSCredential Credential(string? password = null) =>
            new PSCredential(server.Credential.UserName, new NetworkCredential(string.Empty, password ?? server.Credential.Password).SecurePassword);

        public InvokeTelnetCommandTests(ModuleSession session, TelnetServer server)
        {
            this.session = session;
            this.server = server;
        }

        [Fact]
        public void RunsACommandAndShowsTheNegotiationUnderVerbose()
        {
            var result = session.Run("Invoke-TelnetCommand 127.0.0.1 -Port $port -Credential $cred -Command 'echo $TERM' -TerminalType vt220 -Verbose",
                new Dictionary<string, object?> { ["port"] = server.Port, ["cred"] = Credential() });

            Assert.Empty(result.Errors);
            var output = Assert.Single(result.Output);
            Assert.Equal("NetFoundations.Core.Telnet.TelnetCommandResult", output.TypeNames[0]);
            Assert.Equal("vt220", output.Properties["Output"].Value);
            Assert.Contains(result.Verbose, v => v.EndsWith("-> IAC SB TTYPE IS vt220 IAC SE", StringComparison.Ordinal));
            Assert.DoesNotContain(result.Verbose, v => v.Contains(server.Credential.Password));
        }

        [Fact]
        public void AWrongPasswordIsAnAuthenticationError()
        {
            var result = session.Run("Invoke-TelnetCommand 127.0.0.1 -Port $port -Credential $cred -Command 'true'",
                new Dictionary<string, object?> { ["port"] = server.Port, ["cred"] = Credential("wrong") });

            Assert.Equal("AuthenticationFailed", EngineResult.ErrorId(result.SingleError));
        }

        [Fact]
        public void HelpHasASynopsisAndExamples()
        {
            var result = session.Run("$h = Get-Help Invoke-TelnetCommand -Full; $h.Synopsis; @($h.examples.example).Count");

            Assert.StartsWith("Logs in over Telnet", (string)result.Output[0].BaseObject);
            Assert.True((int)result.Output[1].BaseObject >= 2);
        }
    }
}
