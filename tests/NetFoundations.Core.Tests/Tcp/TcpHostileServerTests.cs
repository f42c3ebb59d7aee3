using System;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Tcp;

namespace NetFoundations.Core.Tests.Tcp
{
    /// <summary>
    /// The TCP conversation (what Invoke-TcpConversation calls) against hostile servers: every case ends with a typed
    /// error within its deadline plus 2 s, the process's memory grows by less than 64 MiB, the transcript says why it
    /// ended, and the server sees the connection closed afterwards.
    /// </summary>
    [Collection(nameof(HostileCollection))]
    public sealed class TcpHostileServerTests
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

        private static TcpConversationRequest Request(int port, TcpFraming framing, int maxReceiveBytes = TcpConversationRequest.DefaultMaxReceiveBytes) =>
            new TcpConversationRequest("127.0.0.1", port)
            {
                Messages = new[] { Encoding.ASCII.GetBytes("hello\r\n") },
                Framing = framing,
                Timeout = Timeout,
                MaxReceiveBytes = maxReceiveBytes,
            };

        /// <summary>
        /// Talks to the server within deadline (the cmdlet's total deadline: the token) and checks the rule; returns the
        /// error and the transcript.
        /// </summary>
        private static async Task<(Exception Error, Transcript Transcript)> FailsAsync(HostileServer server, TcpConversationRequest request,
            TimeSpan? deadline = null)
        {
            var transcript = new Transcript();
            using var total = new CancellationTokenSource(deadline ?? System.Threading.Timeout.InfiniteTimeSpan);
            var outcome = await Hostile.FailsInTimeAsync(() => TcpConversationClient.InvokeAsync(request, transcript, null, total.Token),
                deadline ?? request.Timeout);
            Assert.True(await server.Closed.WaitAsync(Hostile.Grace).ContinueWith(t => t.IsCompletedSuccessfully),
                "the server should see the connection closed within 2 s of the error");
            var last = transcript.Entries.Last();
            Assert.Equal(TranscriptDirection.ClientError, last.Direction);
            if (outcome.Error is NetworkException network)
                Assert.Equal(network.Message, last.Text);
            return (outcome.Error!, transcript);
        }

        [Fact]
        public async Task A_server_that_stalls_is_a_timeout()
        {
            using var server = new HostileServer((stream, stop) => Task.Delay(System.Threading.Timeout.Infinite, stop));

            var (error, _) = await FailsAsync(server, Request(server.Port, TcpFraming.Lines(1)));

            Assert.Contains("neither sent nor accepted anything for 1 s", Assert.IsType<NetworkTimeoutException>(error).Message);
        }

        [Fact]
        public async Task A_trickle_under_the_per_read_timeout_ends_at_the_total_deadline()
        {
            // A byte every 200 ms is progress for the 1 s timeout; only the whole conversation's deadline (the token) ends it.
            using var server = new HostileServer(HostileServer.Endless(new[] { (byte)'.' }, TimeSpan.FromMilliseconds(200)));
            var deadline = TimeSpan.FromSeconds(2);

            var (error, transcript) = await FailsAsync(server, Request(server.Port, TcpFraming.Lines(1)), deadline);

            Assert.IsAssignableFrom<OperationCanceledException>(error);
            Assert.Matches(@"The conversation with 127\.0\.0\.1:\d+ \(7 bytes sent, \d+ received\) did not complete: stopped after [\d.]+ s",
                transcript.Entries.Last().Text);
        }

        [Theory]
        [InlineData((byte)'a')]
        [InlineData((byte)0)]
        [InlineData((byte)0xFF)]
        public async Task An_endless_line_is_a_protocol_violation_at_the_receive_limit(byte filler)
        {
            var chunk = Enumerable.Repeat(filler, 64 * 1024).ToArray();
            using var server = new HostileServer(HostileServer.Endless(chunk));

            var (error, _) = await FailsAsync(server, Request(server.Port, TcpFraming.Lines(1), maxReceiveBytes: 1 << 20));

            Assert.Contains("more than the 1048576 bytes allowed (-MaxReceiveBytes)", Assert.IsType<ProtocolViolationException>(error).Message);
        }

        [Fact]
        public async Task An_endless_line_is_bounded_by_the_default_limit()
        {
            using var server = new HostileServer(HostileServer.Endless(Enumerable.Repeat((byte)'x', 256 * 1024).ToArray()));

            var (error, _) = await FailsAsync(server, Request(server.Port, TcpFraming.Delimited(new byte[] { 0 })), TimeSpan.FromSeconds(3));

            Assert.Contains($"more than the {TcpConversationRequest.DefaultMaxReceiveBytes} bytes allowed", Assert.IsType<ProtocolViolationException>(error).Message);
        }

        [Fact]
        public async Task An_oversized_reply_is_a_protocol_violation_even_when_reading_until_close()
        {
            using var server = new HostileServer(async (stream, stop) =>
            {
                await stream.WriteAsync(new byte[4 << 20], stop);
                await Task.Delay(System.Threading.Timeout.Infinite, stop);
            });

            var (error, _) = await FailsAsync(server, Request(server.Port, TcpFraming.UntilClose, maxReceiveBytes: 1 << 20));

            Assert.IsType<ProtocolViolationException>(error);
        }

        [Theory]
        [InlineData(2, new byte[] { 0xFF, 0xFF })]
        [InlineData(4, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF })]
        [InlineData(4, new byte[] { 0x7F, 0xFF, 0xFF, 0xFF })]
        public async Task A_huge_length_prefix_is_refused_before_reading_the_frame(int prefixSize, byte[] prefix)
        {
            using var server = new HostileServer(async (stream, stop) =>
            {
                await stream.WriteAsync(prefix, stop);
                await Task.Delay(System.Threading.Timeout.Infinite, stop);
            });

            var (error, _) = await FailsAsync(server, Request(server.Port, TcpFraming.LengthPrefixed(prefixSize, 1), maxReceiveBytes: 1024));

            Assert.Contains("beyond the limit of 1024 bytes", Assert.IsType<ProtocolViolationException>(error).Message);
        }

        [Theory]
        [InlineData("lines", "the peer closed the connection after 0 of 2 lines")]
        [InlineData("bytes", "the peer closed the connection after 9 of 100 bytes")]
        [InlineData("prefixed", "the peer closed the connection inside a frame (9 bytes of it received) after 0 whole frames")]
        public async Task A_reply_cut_off_in_the_middle_is_a_protocol_violation(string framingName, string expected)
        {
            var framing = framingName switch
            {
                "lines" => TcpFraming.Lines(2),
                "bytes" => TcpFraming.Exactly(100),
                _ => TcpFraming.LengthPrefixed(4, 1),
            };
            var sent = framingName == "prefixed" ? new byte[] { 0, 0, 0, 100, 1, 2, 3, 4, 5 } : Encoding.ASCII.GetBytes("half a li");
            using var server = new HostileServer(async (stream, stop) => await stream.WriteAsync(sent, stop));

            var (error, _) = await FailsAsync(server, Request(server.Port, framing));

            Assert.Contains(expected, Assert.IsType<ProtocolViolationException>(error).Message);
        }

        [Fact]
        public async Task A_connect_that_cannot_complete_in_time_says_so_in_the_transcript()
        {
            using var silent = new SilentPort();
            var transcript = new Transcript();

            var outcome = await Hostile.FailsInTimeAsync(() =>
                TcpConversationClient.InvokeAsync(Request(silent.Port, TcpFraming.Lines(1)), transcript, null, CancellationToken.None), Timeout);

            var timedOut = Assert.IsType<NetworkTimeoutException>(outcome.Error);
            Assert.Contains("took longer than 1 s", timedOut.Message);
            var entry = Assert.Single(transcript.Entries);
            Assert.Equal(TranscriptDirection.ClientError, entry.Direction);
            Assert.Equal(timedOut.Message, entry.Text);
        }

        [Fact]
        public async Task A_total_deadline_that_ends_during_the_connect_says_so_in_the_transcript()
        {
            using var silent = new SilentPort();
            var transcript = new Transcript();
            var request = Request(silent.Port, TcpFraming.Lines(1));
            request.Timeout = TimeSpan.FromSeconds(30);
            using var total = new CancellationTokenSource(TimeSpan.FromSeconds(1));

            var outcome = await Hostile.FailsInTimeAsync(() => TcpConversationClient.InvokeAsync(request, transcript, null, total.Token), TimeSpan.FromSeconds(1));

            Assert.IsAssignableFrom<OperationCanceledException>(outcome.Error);
            var entry = Assert.Single(transcript.Entries);
            Assert.Equal(TranscriptDirection.ClientError, entry.Direction);
            Assert.Matches(@"^Connecting to 127\.0\.0\.1:\d+ did not complete: stopped after [\d.]+ s \(the command's deadline or Ctrl\+C\)\.$", entry.Text);
        }
    }
}
