using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

using NetFoundations.Core.Tests.Ssh;

namespace NetFoundations.PowerShell.Tests.Ssh
{
    /// <summary>Invoke-SshShell in the engine against the test sshd: the user's login shell prompts with "$ ".</summary>
    public sealed class InvokeSshShellTests : IClassFixture<ModuleSession>, IClassFixture<SshServer>
    {
        private readonly ModuleSession session;
        private readonly SshServer server;

        public InvokeSshShellTests(ModuleSession session, SshServer server)
        {
            this.session = session;
            this.server = server;
        }

        private static object? Property(PSObject value, string name) => value.Properties[name]?.Value;

        private Dictionary<string, object?> Variables() => new Dictionary<string, object?>
        {
            ["port"] = server.Port,
            ["cred"] = server.PSCredential(),
            ["kh"] = server.NewKnownHosts(server.KnownHostsLine()),
        };

        private EngineResult Run(string script) => session.Run(script, Variables());

        [Fact]
        public void StepsOnASessionGiveOneResultPerExpectWithTheCommandsOutput()
        {
            var result = Run(@"$s = Connect-SshSession 127.0.0.1 -Port $port -Credential $cred -KnownHostsPath $kh
                $s | Invoke-SshShell -Step @{ Expect = '\$ $' }, @{ Send = 'echo hello-$((6*7))' }, @{ Expect = '\$ $'; Timeout = 5 }, @{ Send = 'echo v=$((40+2))' }, @{ Expect = 'v=(?<v>\d+)' }
                $s.IsConnected
                Disconnect-SshSession $s");

            Assert.Empty(result.Errors);
            Assert.Equal(4, result.Output.Count);
            var hello = result.Output[1];
            Assert.Equal("NetFoundations.Core.Expect.ExpectResult", hello.TypeNames[0]);
            Assert.Equal("hello-42", Property(hello, "Output"));
            Assert.Equal("echo hello-$((6*7))", Property(hello, "Command"));
            Assert.Equal("127.0.0.1", Property(hello, "ComputerName"));
            Assert.IsType<TimeSpan>(Property(hello, "Duration"));
            Assert.Equal("42", ((IDictionary)Property(result.Output[2], "Groups")!)["v"]);
            Assert.Equal(true, result.Output[3].BaseObject);
        }

        [Fact]
        public void AOneShotConnectionSendsASecretThatNoTranscriptShows()
        {
            var result = Run(@"$secret = [pscredential]::new('x', [Net.NetworkCredential]::new('', 'Hidden-Word-77').SecurePassword)
                Invoke-SshShell -ComputerName 127.0.0.1 -Port $port -Credential $cred -KnownHostsPath $kh -Verbose -Step @(
                    @{ Expect = '\$ $' }
                    @{ Send = 'stty -echo; printf ""%s: "" Word; read -r w; echo ""len=${#w}""' }
                    @{ Expect = 'Word: $' }
                    @{ SendSecret = $secret }
                    @{ Expect = 'len=(\d+)' })");

            Assert.Empty(result.Errors);
            Assert.Equal("14", ((IDictionary)Property(result.Output.Last(), "Groups")!)["1"]);
            Assert.Equal("(secret)", Property(result.Output.Last(), "Command"));
            Assert.Contains(result.Verbose, v => v.EndsWith("(secret not shown)", StringComparison.Ordinal));
            Assert.DoesNotContain(result.Verbose, v => v.Contains("Hidden-Word-77"));
        }

        [Fact]
        public void AnExpectThatNeverMatchesIsATimeoutErrorAfterTheResultsBeforeIt()
        {
            var result = Run(@"Invoke-SshShell 127.0.0.1 -Port $port -Credential $cred -KnownHostsPath $kh -Step @{ Expect = '\$ $' }, @{ Send = 'echo tail-$((2*3))' }, @{ Expect = 'never-printed'; Timeout = 1 }");

            Assert.Single(result.Output);
            var error = result.SingleError;
            Assert.Equal("OperationTimedOut", EngineResult.ErrorId(error));
            Assert.Equal(ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
            Assert.Contains("'never-printed'", error.Exception.Message);
            Assert.Contains("tail-6", error.Exception.Message);
        }

        [Theory]
        [InlineData("@{ Expect = 'x' }, @{ Sned = 'ls' }", "Step 2: 'Sned' is not a key")]
        [InlineData("@{ Send = 'ls'; Expect = 'x' }", "Step 1: A step has exactly one of Send, SendSecret or Expect")]
        [InlineData("@{ SendSecret = 'plain' }", "Step 1: SendSecret takes a PSCredential")]
        [InlineData("@{ Expect = '(' }", "Step 1: '(' is not a valid regular expression")]
        [InlineData("@{ Expect = 'x'; Timeout = 0 }", "Step 1: Timeout is more than 0")]
        [InlineData("@{ Send = 'ls'; Timeout = 3 }", "Step 1: Timeout belongs to an Expect step")]
        [InlineData("'ls'", "Step 1: String is not a step")]
        public void AMalformedStepIsAParameterError(string steps, string message)
        {
            var result = Run($"Invoke-SshShell 127.0.0.1 -Port $port -Credential $cred -KnownHostsPath $kh -Step {steps}");

            Assert.Empty(result.Output);
            var error = result.SingleError;
            Assert.Equal("ParameterArgumentTransformationError", EngineResult.ErrorId(error));
            Assert.Contains(message, error.Exception.Message);
        }

        [Fact]
        public void CtrlCEndsAnExpectThatWaits()
        {
            using var script = new RunningScript(session,
                "Invoke-SshShell 127.0.0.1 -Port $port -Credential $cred -KnownHostsPath $kh -Step @{ Expect = 'never-printed'; Timeout = 600 }", Variables());
            script.WaitUntilRunning(TimeSpan.FromSeconds(2));

            script.Stop(TimeSpan.FromSeconds(5));

            Assert.Equal(PSInvocationState.Stopped, script.State);
        }

        [Fact]
        public void HelpHasASynopsisAndExamples()
        {
            var result = session.Run("$h = Get-Help Invoke-SshShell -Full; $h.Synopsis; @($h.examples.example).Count");

            Assert.StartsWith("Runs send/expect steps in an interactive SSH shell", (string)result.Output[0].BaseObject);
            Assert.True((int)result.Output[1].BaseObject >= 2);
        }
    }
}
