using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using NetFoundations.Core.Tests.Telnet;

namespace NetFoundations.PowerShell.Tests.Telnet
{
    public sealed class InvokeTelnetShellTests : IClassFixture<ModuleSession>, IClassFixture<TelnetServer>
    {
        private readonly ModuleSession session;
        private readonly TelnetServer server;

        public InvokeTelnetShellTests(ModuleSession session, TelnetServer server)
        {
            this.session = session;
            this.server = server;
        }

        private Dictionary<string, object?> Variables() => new Dictionary<string, object?>
        {
            ["port"] = server.Port,
            ["user"] = server.Credential.UserName,
            ["cred"] = new PSCredential(server.Credential.UserName, new NetworkCredential(string.Empty, server.Credential.Password).SecurePassword),
        };

        private EngineResult Run(string script) => session.Run(script, Variables());

        [Fact]
        public void AfterTheLoginEachExpectGivesTheOutputOfTheCommandBeforeIt()
        {
            var result = Run(@"Invoke-TelnetShell 127.0.0.1 -Port $port -Credential $cred -Step @{ Send = 'echo hello-$((6*7))' }, @{ Expect = '\$ $' }, @{ Send = 'echo $TERM' }, @{ Expect = '\$ $' }");

            Assert.Empty(result.Errors);
            Assert.Equal(new[] { "hello-42", "dumb" }, result.Output.Select(o => (string)o.Properties["Output"].Value));
            Assert.Equal("NetFoundations.Core.Expect.ExpectResult", result.Output[0].TypeNames[0]);
        }

        [Fact]
        public void WithoutACredentialTheStepsLogInAndTheVerboseViewHidesThePassword()
        {
            var result = Run(@"Invoke-TelnetShell 127.0.0.1 -Port $port -Verbose -Step @(
                @{ Expect = 'login:\s*$' }; @{ Send = $user }; @{ Expect = 'Password:\s*$' }; @{ SendSecret = $cred }
                @{ Expect = '\$ $' }; @{ Send = 'id -un' }; @{ Expect = '\$ $' })");

            Assert.Empty(result.Errors);
            Assert.Equal(server.Credential.UserName, result.Output.Last().Properties["Output"].Value);
            Assert.Contains(result.Verbose, v => v.EndsWith("<- IAC DO TTYPE", StringComparison.Ordinal));
            Assert.Contains(result.Verbose, v => v.EndsWith("(secret not shown)", StringComparison.Ordinal));
            Assert.DoesNotContain(result.Verbose, v => v.Contains(server.Credential.Password));
        }

        [Fact]
        public void TheServerClosingDuringAnExpectIsConnectionLost()
        {
            var result = Run(@"Invoke-TelnetShell 127.0.0.1 -Port $port -Credential $cred -Step @{ Send = 'exit' }, @{ Expect = 'never-printed' }");

            Assert.Empty(result.Output);
            Assert.Equal("ConnectionLost", EngineResult.ErrorId(result.SingleError));
            Assert.Contains("'never-printed'", result.SingleError.Exception.Message);
        }

        [Fact]
        public void CtrlCEndsAnExpectThatWaits()
        {
            using var script = new RunningScript(session, "Invoke-TelnetShell 127.0.0.1 -Port $port -Step @{ Expect = 'never-printed'; Timeout = 600 }", Variables());
            script.WaitUntilRunning(TimeSpan.FromSeconds(2));

            script.Stop(TimeSpan.FromSeconds(5));

            Assert.Equal(PSInvocationState.Stopped, script.State);
        }

        [Fact]
        public void HelpHasASynopsisAndExamples()
        {
            var result = session.Run("$h = Get-Help Invoke-TelnetShell -Full; $h.Synopsis; @($h.examples.example).Count");

            Assert.StartsWith("Connects over Telnet", (string)result.Output[0].BaseObject);
            Assert.True((int)result.Output[1].BaseObject >= 2);
        }
    }
}
