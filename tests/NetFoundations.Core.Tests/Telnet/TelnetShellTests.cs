using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Expect;
using NetFoundations.Core.Telnet;

namespace NetFoundations.Core.Tests.Telnet
{
    /// <summary>Expect steps over Telnet against Debian's telnetd, after the scripted login or doing the login themselves.</summary>
    public sealed class TelnetShellTests : IClassFixture<TelnetServer>
    {
        private const string Prompt = @"\$ $";
        private readonly TelnetServer server;

        public TelnetShellTests(TelnetServer server) => this.server = server;

        private static CancellationToken Token => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

        [Fact]
        public async Task AfterTheScriptedLoginStepsRunCommandsAndCaptureTheirOutput()
        {
            var options = new TelnetLoginOptions("127.0.0.1", server.Port, server.Credential) { TerminalType = "vt100" };

            var results = await TelnetLogin.RunStepsAsync(options, new[]
            {
                ExpectStep.Send("echo hello-$((6*7))"),
                ExpectStep.Expect(Prompt),
                ExpectStep.Send("echo term=$TERM"),
                ExpectStep.Expect(@"term=(?<term>\w+)\r\n"),
            }, null, new Transcript(), Token);

            Assert.Equal("hello-42", results[0].Output);
            Assert.Equal("echo hello-$((6*7))", results[0].Command);
            Assert.Equal("vt100", results[1].Groups["term"]);
        }

        [Fact]
        public async Task WithoutACredentialTheStepsLogInThemselvesAndThePasswordIsNotShown()
        {
            var transcript = new Transcript();
            var options = new TelnetLoginOptions("127.0.0.1", server.Port, null);

            var results = await TelnetLogin.RunStepsAsync(options, new[]
            {
                ExpectStep.Expect(@"login:\s*$"),
                ExpectStep.Send(server.Credential.UserName),
                ExpectStep.Expect(@"Password:\s*$"),
                ExpectStep.SendSecret(server.Credential),
                ExpectStep.Expect(Prompt),
                ExpectStep.Send("id -un"),
                ExpectStep.Expect(Prompt),
            }, null, transcript, Token);

            Assert.Equal(server.Credential.UserName, results.Last().Output);
            Assert.Equal(ExpectStep.SecretPlaceholder, results[2].Command);
            Assert.DoesNotContain(transcript.Entries, e => e.Text.Contains(server.Credential.Password));
            Assert.Contains("<- IAC DO TTYPE", transcript.Entries.Select(e => e.Text));
        }

        [Fact]
        public async Task AnExpectThatNeverMatchesIsATimeoutNamingThePatternAndTheLastText()
        {
            var options = new TelnetLoginOptions("127.0.0.1", server.Port, server.Credential);

            var error = await Assert.ThrowsAsync<NetworkTimeoutException>(() => TelnetLogin.RunStepsAsync(options, new[]
            {
                ExpectStep.Send("echo tail-$((2*3))-marker"),
                ExpectStep.Expect("never-printed", TimeSpan.FromSeconds(1)),
            }, null, new Transcript(), Token));

            Assert.Contains("'never-printed'", error.Message);
            Assert.Contains("tail-6-marker", error.Message);
        }

        [Fact]
        public async Task TheServerClosingDuringAnExpectIsConnectionLost()
        {
            var options = new TelnetLoginOptions("127.0.0.1", server.Port, server.Credential);

            var error = await Assert.ThrowsAsync<ConnectionLostException>(() => TelnetLogin.RunStepsAsync(options, new[]
            {
                ExpectStep.Send("echo bye; exit"),
                ExpectStep.Expect("never-printed"),
            }, null, new Transcript(), Token));

            Assert.Contains("'never-printed'", error.Message);
        }
    }
}
