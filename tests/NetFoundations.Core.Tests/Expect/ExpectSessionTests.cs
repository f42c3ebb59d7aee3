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

        [Fact]
        public async Task APeerSendingEndlessTextWithoutAMatchFailsAtTheCapInsteadOfFillingMemory()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            using var stop = new CancellationTokenSource();
            var peer = Task.Run(async () =>
            {
                using var connection = await listener.AcceptTcpClientAsync();
                var chunk = Encoding.ASCII.GetBytes(new string('y', 64 * 1024 - 1) + "\n");
                var stream = connection.GetStream();
                // Bounded: a little more than the cap, then silence until the test ends.
                for (var i = 0; i < ExpectSession.MaxUnmatchedChars / chunk.Length + 4; i++)
                    await stream.WriteAsync(chunk, stop.Token);
                await Task.Delay(Timeout.Infinite, stop.Token);
            });
            var client = await TelnetClient.ConnectAsync("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port, "xterm", TimeSpan.FromSeconds(5), new Transcript(), Token);
            using var shell = new ExpectSession(client, new Transcript());

            var error = await Assert.ThrowsAsync<ProtocolViolationException>(() =>
                shell.RunAsync(new[] { ExpectStep.Expect("never-sent") }, TimeSpan.FromSeconds(30), null, Token));

            Assert.Contains($"more than {ExpectSession.MaxUnmatchedChars} characters", error.Message);
            Assert.Contains("'never-sent'", error.Message);
            Assert.Contains("yyyy", error.Message);
            Assert.True(error.Message.Length < 1000, "the error shows only the tail of the text");
            stop.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => peer);
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
