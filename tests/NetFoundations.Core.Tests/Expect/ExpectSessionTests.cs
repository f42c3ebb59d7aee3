using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Expect;
using NetFoundations.Core.Telnet;

namespace NetFoundations.Core.Tests.Expect
{
    /// <summary>The engine against a hostile peer (an in-process fake: the point is a peer no real server plays) and its output rules.</summary>
    public sealed class ExpectSessionTests
    {
        private static CancellationToken Token => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

        /// <summary>A peer that sends chunk count times, then stays silent until stop fires.</summary>
        private static async Task<(ExpectSession Shell, Task Peer)> PeerAsync(string chunk, int count, CancellationToken stop)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var peer = Task.Run(async () =>
            {
                try
                {
                    using var connection = await listener.AcceptTcpClientAsync(stop);
                    var bytes = Encoding.ASCII.GetBytes(chunk);
                    for (var i = 0; i < count; i++)
                        await connection.GetStream().WriteAsync(bytes, stop);
                    await Task.Delay(Timeout.Infinite, stop);
                }
                finally
                {
                    listener.Stop();
                }
            });
            var client = await TelnetClient.ConnectAsync("127.0.0.1", null, ((IPEndPoint)listener.LocalEndpoint).Port, "xterm", TimeSpan.FromSeconds(5), new Transcript(), Token);
            return (new ExpectSession(client, new Transcript()), peer);
        }

        [Fact]
        public async Task APeerSendingEndlessTextWithoutAMatchFailsAtTheCapInsteadOfFillingMemory()
        {
            using var stop = new CancellationTokenSource();
            var chunk = new string('y', 64 * 1024 - 1) + "\n";
            var (shell, peer) = await PeerAsync(chunk, ExpectSession.MaxUnmatchedBytes / chunk.Length + 4, stop.Token);
            using (shell)
            {
                var error = await Assert.ThrowsAsync<ProtocolViolationException>(() =>
                    shell.RunAsync(new[] { ExpectStep.Expect("never-sent") }, TimeSpan.FromSeconds(30), null, Token));

                Assert.Contains($"more than {ExpectSession.MaxUnmatchedBytes} bytes", error.Message);
                Assert.Contains("'never-sent'", error.Message);
                Assert.Contains("yyyy", error.Message);
                Assert.True(error.Message.Length < 1000, "the error shows only the tail of the text");
            }
            stop.Cancel();
            await peer.ContinueWith(_ => { }, TaskScheduler.Default); // however the peer ends, it has ended
        }

        [Fact]
        public async Task APatternThatBacktracksWithoutEndOnTheTextIsStoppedWithAClearError()
        {
            using var stop = new CancellationTokenSource();
            var (shell, peer) = await PeerAsync(new string('a', 64) + "!", 1, stop.Token);
            using (shell)
            {
                var error = await Assert.ThrowsAsync<InvalidNetworkRequestException>(() =>
                    shell.RunAsync(new[] { ExpectStep.Expect("^(a|aa)+$") }, TimeSpan.FromSeconds(30), null, Token));

                Assert.Contains("'^(a|aa)+$'", error.Message);
                Assert.Contains("backtracks", error.Message);
            }
            stop.Cancel();
            await peer.ContinueWith(_ => { }, TaskScheduler.Default); // however the peer ends, it has ended
        }

        [Fact]
        public void TheDeadlineOfStepsIsTheSumOfTheirTimeoutsAndAMatchTimeoutPerExpect()
        {
            var steps = new[]
            {
                ExpectStep.Expect("login:"),
                ExpectStep.Send("user"),
                ExpectStep.Expect("ready", TimeSpan.FromSeconds(60)),
            };

            var deadline = ExpectSession.Deadline(steps, TimeSpan.FromSeconds(20));

            Assert.Equal(TimeSpan.FromSeconds(20 + 20 + 60) + 2 * ExpectStep.MatchTimeout, deadline);
        }

        [Fact]
        public void ATelnetCommandIsBoundedByItsConnectLoginAndSteps()
        {
            var anonymous = new TelnetLoginOptions("host", 23, null) { StepTimeout = TimeSpan.FromSeconds(10) };
            var withLogin = new TelnetLoginOptions("host", 23, new NetworkCredential("u", "p")) { StepTimeout = TimeSpan.FromSeconds(10) };

            // Without a login: the connect, then send, expect the prompt, send exit.
            Assert.Equal(TimeSpan.FromSeconds(10 + 30) + ExpectStep.MatchTimeout, TelnetLogin.Deadline(anonymous, "uptime"));
            // The login adds three prompts and two sends.
            Assert.Equal(TimeSpan.FromSeconds(10 + 30 + 50) + 4 * ExpectStep.MatchTimeout, TelnetLogin.Deadline(withLogin, "uptime"));
        }

        [Fact]
        public async Task AWaitGivesUpOnAFiredTokenEvenWhenTheTaskHasCompleted()
        {
            using var fired = new CancellationTokenSource();
            fired.Cancel();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.FromResult("data queued").WithCancellation(fired.Token));
            Assert.Equal("data queued", await Task.FromResult("data queued").WithCancellation(CancellationToken.None));
        }

        [Theory]
        [InlineData("echo hi\r\nhi\r\n", "echo hi", "hi")]
        [InlineData("\x1B[?2004l\recho hi\r\nhi\r\nthere\r\n\x1B]0;user@host: ~\x07\x1B[?2004huser@host:~", "echo hi", "hi\nthere")]
        [InlineData("other first\r\nhi\r\n", "echo hi", "other first\nhi")]
        [InlineData("no line break yet", "echo hi", "")]
        public void OutputIsTheCompleteLinesWithoutEscapesAndEcho(string text, string sent, string output)
        {
            Assert.Equal(output, ExpectSession.ExtractOutput(text, new[] { sent }));
        }
    }
}
