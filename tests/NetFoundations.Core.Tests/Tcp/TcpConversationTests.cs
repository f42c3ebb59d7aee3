using System;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Tcp;

namespace NetFoundations.Core.Tests.Tcp
{
    public sealed class TcpConversationTests
    {
        private static readonly byte[][] NoMessages = Array.Empty<byte[]>();

        private static Task<TcpConversation> Talk(int port, TcpFraming framing, byte[][]? messages = null, bool halfClose = false,
            double timeoutSeconds = 10, int maxReceiveBytes = TcpConversationRequest.DefaultMaxReceiveBytes, Transcript? transcript = null,
            CancellationToken cancellationToken = default) =>
            TcpConversationClient.InvokeAsync(new TcpConversationRequest("127.0.0.1", port)
            {
                Messages = messages ?? NoMessages,
                Framing = framing,
                HalfClose = halfClose,
                Timeout = TimeSpan.FromSeconds(timeoutSeconds),
                MaxReceiveBytes = maxReceiveBytes,
            }, transcript ?? new Transcript(), null, cancellationToken);

        private static byte[][] Text(params string[] messages) => messages.Select(m => Encoding.UTF8.GetBytes(m)).ToArray();

        [Fact]
        public async Task Echo_with_delimiter_returns_the_frame_without_the_delimiter()
        {
            using var peer = new TcpPeer("tcp_echo.py");
            var transcript = new Transcript();
            var result = await Talk(peer.Port, TcpFraming.Delimited(Encoding.UTF8.GetBytes("\n")), Text("ping\n"), transcript: transcript);

            Assert.Equal("ping", Assert.Single(result.Messages));
            Assert.Equal("ping\n", result.ReceivedText);
            Assert.Equal(5, result.Sent);
            Assert.Equal(peer.Port, result.Port);
            Assert.Equal("127.0.0.1", result.Address.ToString());
            Assert.NotNull(result.FirstByteMs);
            Assert.Null(result.Tls);
            Assert.Contains(transcript.Entries, e => e.Direction == TranscriptDirection.Sent && e.Text == "ping\\n");
            Assert.Contains(transcript.Entries, e => e.Direction == TranscriptDirection.Received && e.ByteCount == 5);
        }

        [Fact]
        public async Task Multi_byte_delimiter_split_across_messages_cuts_several_frames()
        {
            using var peer = new TcpPeer("tcp_echo.py");
            var result = await Talk(peer.Port, TcpFraming.Delimited(Encoding.ASCII.GetBytes("<END>"), 3), Text("one<E", "ND>two<END>", "<END>"));

            Assert.Equal(new[] { "one", "two", "" }, result.Messages);
        }

        [Fact]
        public async Task Lines_drop_line_ends_and_stop_at_the_count()
        {
            using var peer = new TcpPeer("tcp_lines.py");
            var result = await Talk(peer.Port, TcpFraming.Lines(3), Text("abc\r\n", "def\n"));

            Assert.Equal(new[] { "HELLO", "ABC", "DEF" }, result.Messages);
        }

        [Fact]
        public async Task Byte_count_reads_exactly_that_many()
        {
            using var peer = new TcpPeer("tcp_echo.py");
            var result = await Talk(peer.Port, TcpFraming.Exactly(4), new[] { new byte[] { 1, 2, 3, 4, 5, 6 } });

            Assert.Equal(new byte[] { 1, 2, 3, 4 }, result.GetReceived());
            Assert.Equal(new byte[] { 1, 2, 3, 4 }, Assert.Single(result.GetFrames()));
        }

        [Theory]
        [InlineData(4, "")]
        [InlineData(2, "--prefix 2")]
        public async Task Length_prefixed_blocks_are_framed_both_ways(int prefix, string arguments)
        {
            using var peer = new TcpPeer("tcp_blocks.py", arguments);
            var result = await Talk(peer.Port, TcpFraming.LengthPrefixed(prefix), Text("alpha", "beta", ""));

            Assert.Equal(new[] { "ALPHA", "BETA" }, result.Messages);
            Assert.Equal(3 * prefix + 9, result.Sent);
            Assert.Equal(3 * prefix + 9, result.GetReceived().Length);
        }

        [Fact]
        public async Task Length_prefix_with_frame_count_stops_early()
        {
            using var peer = new TcpPeer("tcp_blocks.py");
            var result = await Talk(peer.Port, TcpFraming.LengthPrefixed(4, 1), Text("alpha", "beta"), halfClose: true);

            Assert.Equal("ALPHA", Assert.Single(result.Messages));
        }

        [Fact]
        public async Task Half_close_lets_the_streamer_answer_until_close()
        {
            using var peer = new TcpPeer("tcp_streamer.py");
            var transcript = new Transcript();
            var result = await Talk(peer.Port, TcpFraming.UntilClose, Text("0123456789", "abc"), halfClose: true, transcript: transcript);

            Assert.Equal("RECEIVED 13\n", result.ReceivedText);
            Assert.Contains(transcript.Entries, e => e.Text.Contains("half-close"));
        }

        [Fact]
        public async Task Large_payloads_both_ways_do_not_deadlock()
        {
            using var peer = new TcpPeer("tcp_echo.py");
            var payload = new byte[8 * 1024 * 1024];
            new Random(42).NextBytes(payload);
            var result = await Talk(peer.Port, TcpFraming.UntilClose, new[] { payload }, halfClose: true, timeoutSeconds: 30);

            Assert.Equal(payload.Length, result.Sent);
            Assert.Equal(payload, result.GetReceived());
        }

        [Fact]
        public async Task No_receive_just_sends()
        {
            using var peer = new TcpPeer("tcp_streamer.py");
            var result = await Talk(peer.Port, TcpFraming.None, Text("hello"));

            Assert.Equal(5, result.Sent);
            Assert.Empty(result.GetReceived());
            Assert.Empty(result.GetFrames());
        }

        [Fact]
        public async Task Endless_peer_ends_in_protocol_violation_at_the_limit()
        {
            using var peer = new TcpPeer("tcp_endless.py");
            var error = await Assert.ThrowsAsync<ProtocolViolationException>(() => Talk(peer.Port, TcpFraming.UntilClose, maxReceiveBytes: 1024 * 1024));

            Assert.Contains("1048576", error.Message);
        }

        [Fact]
        public async Task Frame_beyond_the_limit_is_a_protocol_violation()
        {
            using var peer = new TcpPeer("tcp_blocks.py");
            await Assert.ThrowsAsync<ProtocolViolationException>(
                () => Talk(peer.Port, TcpFraming.LengthPrefixed(4), new[] { new byte[5000], Array.Empty<byte>() }, maxReceiveBytes: 1000));
        }

        [Fact]
        public async Task Peer_closing_before_the_delimiter_is_a_protocol_violation()
        {
            using var peer = new TcpPeer("tcp_streamer.py");
            var error = await Assert.ThrowsAsync<ProtocolViolationException>(
                () => Talk(peer.Port, TcpFraming.Delimited(Encoding.ASCII.GetBytes("###")), Text("x"), halfClose: true));

            Assert.Contains("0 of 1 frames", error.Message);
        }

        [Fact]
        public async Task Stalled_peer_times_out()
        {
            using var peer = new TcpPeer("tcp_stall.py");
            var transcript = new Transcript();
            await Assert.ThrowsAsync<NetworkTimeoutException>(() => Talk(peer.Port, TcpFraming.Lines(1), Text("hello\n"), timeoutSeconds: 2, transcript: transcript));

            Assert.Contains(transcript.Entries, e => e.Direction == TranscriptDirection.ClientError);
        }

        [Fact]
        public async Task Stalled_peer_that_does_not_read_times_out_a_large_send()
        {
            using var peer = new TcpPeer("tcp_stall.py");
            await Assert.ThrowsAsync<NetworkTimeoutException>(() => Talk(peer.Port, TcpFraming.None, new[] { new byte[64 * 1024 * 1024] }, timeoutSeconds: 0.5));
        }

        [Fact]
        public async Task Cancellation_ends_a_stalled_conversation()
        {
            using var peer = new TcpPeer("tcp_stall.py");
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Talk(peer.Port, TcpFraming.UntilClose, timeoutSeconds: 600, cancellationToken: cancel.Token));
        }

        [Fact]
        public async Task Closed_port_is_refused()
        {
            var error = await Assert.ThrowsAsync<ConnectionRefusedException>(() => Talk(TcpPeer.ClosedPort(), TcpFraming.UntilClose));
            Assert.Contains("127.0.0.1", error.Target);
        }

        [Fact]
        public async Task Unresolvable_name_fails_name_resolution()
        {
            await Assert.ThrowsAsync<NameResolutionException>(() => TcpConversationClient.InvokeAsync(
                new TcpConversationRequest("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.invalid", 80), new Transcript(), null, CancellationToken.None));
        }

        [Fact]
        public async Task Message_too_long_for_a_two_byte_prefix_is_rejected_before_connecting()
        {
            await Assert.ThrowsAsync<InvalidNetworkRequestException>(() => Talk(TcpPeer.ClosedPort(), TcpFraming.LengthPrefixed(2), new[] { new byte[70000] }));
        }
    }
}
