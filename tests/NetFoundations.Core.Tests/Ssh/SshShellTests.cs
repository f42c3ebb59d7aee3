using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Expect;
using NetFoundations.Core.Ssh;

namespace NetFoundations.Core.Tests.Ssh
{
    /// <summary>Expect steps in the test user's login shell (/bin/sh, prompt "$ ") on a pseudo-terminal.</summary>
    public sealed class SshShellTests : IClassFixture<SshServer>
    {
        private const string Prompt = @"\$ $";
        private readonly SshServer server;

        public SshShellTests(SshServer server) => this.server = server;

        private static CancellationToken Token => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

        private async Task<(SshSession Session, ExpectSession Shell)> OpenAsync(Transcript transcript, SshShellOptions? shellOptions = null)
        {
            var session = await SshConnection.ConnectAsync(server.Options(), transcript, Token);
            return (session, await session.Connection().OpenShellAsync(shellOptions ?? new SshShellOptions(), transcript, Token));
        }

        [Fact]
        public async Task RunsCommandsAndCapturesTheirOutputWithoutEchoOrPrompt()
        {
            var transcript = new Transcript();
            var (session, shell) = await OpenAsync(transcript, new SshShellOptions { TerminalType = "vt220", Columns = 120, Rows = 30 });
            using (session)
            using (shell)
            {
                var results = await shell.RunAsync(new[]
                {
                    ExpectStep.Expect(Prompt),
                    ExpectStep.Send("echo hello-$((6*7))"),
                    ExpectStep.Expect(Prompt),
                    ExpectStep.Send("echo $TERM; stty size"),
                    ExpectStep.Expect(Prompt),
                }, TimeSpan.FromSeconds(20), null, Token);

                Assert.Equal(3, results.Count);
                Assert.Equal("hello-42", results[1].Output);
                Assert.Equal("echo hello-$((6*7))", results[1].Command);
                Assert.Contains("echo hello-$((6*7))", results[1].Text);
                Assert.Equal("$ ", results[1].Match);
                Assert.Equal("vt220\n30 120", results[2].Output);
                Assert.Equal("127.0.0.1", results[2].ComputerName);
                Assert.Equal(server.Port, results[2].Port);
                Assert.Contains(transcript.Entries, e => e.Direction == TranscriptDirection.Sent && e.Text == "echo $TERM; stty size\\r");
            }
        }

        [Fact]
        public async Task ReturnsTheGroupsOfTheMatch()
        {
            var (session, shell) = await OpenAsync(new Transcript());
            using (session)
            using (shell)
            {
                var results = await shell.RunAsync(new[]
                {
                    ExpectStep.Expect(Prompt),
                    ExpectStep.Send("echo v=$((40+2)) u=$(id -un)"),
                    ExpectStep.Expect(@"v=(?<version>\d+) u=(\w+)"),
                }, TimeSpan.FromSeconds(20), null, Token);

                Assert.Equal("42", results[1].Groups["version"]);
                Assert.Equal(server.UserName, results[1].Groups["1"]);
            }
        }

        [Fact]
        public async Task AnExpectThatNeverMatchesIsATimeoutNamingThePatternAndTheLastText()
        {
            var transcript = new Transcript();
            var (session, shell) = await OpenAsync(transcript);
            using (session)
            using (shell)
            {
                var error = await Assert.ThrowsAsync<NetworkTimeoutException>(() => shell.RunAsync(new[]
                {
                    ExpectStep.Expect(Prompt),
                    ExpectStep.Send("echo tail-$((2*3))-marker"),
                    ExpectStep.Expect("never-printed", TimeSpan.FromSeconds(1)),
                }, TimeSpan.FromSeconds(20), null, Token));

                Assert.Contains("'never-printed'", error.Message);
                Assert.Contains("tail-6-marker", error.Message);
                Assert.Contains(transcript.Entries, e => e.Direction == TranscriptDirection.ClientError && e.Text.Contains("never-printed"));
                Assert.True(session.IsConnected);
            }
        }

        [Fact]
        public async Task TheShellEndingDuringAnExpectIsConnectionLost()
        {
            var (session, shell) = await OpenAsync(new Transcript());
            using (session)
            using (shell)
            {
                var error = await Assert.ThrowsAsync<ConnectionLostException>(() => shell.RunAsync(new[]
                {
                    ExpectStep.Expect(Prompt),
                    ExpectStep.Send("echo bye; exit"),
                    ExpectStep.Expect("never-printed"),
                }, TimeSpan.FromSeconds(20), null, Token));

                Assert.Contains("'never-printed'", error.Message);
                Assert.Contains("bye", error.Message);
            }
        }

        [Fact]
        public async Task ASecretIsSentButNotShown()
        {
            var transcript = new Transcript();
            var secret = new NetworkCredential("enable", "S3cret-Enable-Word");
            var (session, shell) = await OpenAsync(transcript);
            using (session)
            using (shell)
            {
                var results = await shell.RunAsync(new[]
                {
                    ExpectStep.Expect(Prompt),
                    ExpectStep.Send("stty -echo; printf '%s: ' Secret; read -r s; echo \"len=${#s} starts=$(printf %.2s \"$s\")\""),
                    ExpectStep.Expect("Secret: $"),
                    ExpectStep.SendSecret(secret),
                    ExpectStep.Expect(@"len=(\d+) starts=(\w+)"),
                }, TimeSpan.FromSeconds(20), null, Token);

                Assert.Equal(secret.Password.Length.ToString(), results[2].Groups["1"]);
                Assert.Equal("S3", results[2].Groups["2"]);
                Assert.Equal(ExpectStep.SecretPlaceholder, results[2].Command);
                Assert.DoesNotContain(transcript.Entries, e => e.Text.Contains(secret.Password));
                Assert.Contains(transcript.Entries, e => e.Direction == TranscriptDirection.Sent && e.Text == "(secret not shown)");
            }
        }

        [Fact]
        public async Task AOneShotConnectionRunsTheStepsAndCloses()
        {
            var results = await SshShell.RunAsync(SshCommandTarget.Connect(server.Options()), new[]
            {
                ExpectStep.Expect(Prompt),
                ExpectStep.Send("echo one-shot"),
                ExpectStep.Expect(Prompt),
                ExpectStep.Send("exit"),
            }, new SshShellOptions(), null, new Transcript(), Token);

            Assert.Equal(2, results.Count);
            Assert.Equal("one-shot", results[1].Output);
        }
    
        [Fact]
        public async Task AShellClosedByBothEndsAtOnceDoesNotHang()
        {
            // The server closes the channel after "exit" while the client disposes the shell: SSH.NET's ShellStream
            // takes its two locks in opposite orders on those two paths, and once deadlocked a run never ended.
            // SshShellChannel closes the channel first, through this private field.
            Assert.NotNull(typeof(Renci.SshNet.ShellStream).GetField("_channel", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic));
            for (var run = 0; run < 25; run++)
            {
                var shell = Task.Run(() => SshShell.RunAsync(SshCommandTarget.Connect(server.Options()), new[]
                {
                    ExpectStep.Expect(Prompt),
                    ExpectStep.Send("exit"),
                }, new SshShellOptions(), null, new Transcript(), Token));
                var ended = await Task.WhenAny(shell, Task.Delay(TimeSpan.FromSeconds(15)));
                Assert.True(ended == shell, $"run {run} did not end within 15 s");
                await shell;
            }
        }
}
}
