using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Tcp;
using NetFoundations.Core.Tls;

namespace NetFoundations.Core.Tests.Tls
{
    /// <summary>
    /// The TLS cmdlets' Core calls (certificate test, protocol test, TLS conversation, STARTTLS) against hostile servers:
    /// every case ends with a typed error within the stage's deadline plus 2 s, the process's memory grows by less than
    /// 64 MiB, the transcript's last entry says why it ended, and the server sees the connection closed afterwards.
    /// </summary>
    [Collection(nameof(HostileCollection))]
    public sealed class TlsHostileServerTests
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

        /// <summary>The calls under test, by name: each connects to 127.0.0.1:port and shakes hands (after STARTTLS when asked).</summary>
        private static readonly Dictionary<string, Func<int, StartTlsProtocol, Transcript, Task>> Calls = new Dictionary<string, Func<int, StartTlsProtocol, Transcript, Task>>
        {
            ["certificate"] = (port, startTls, transcript) => TlsCertificateTester.TestAsync(new TlsTarget("127.0.0.1", port, startTls: startTls),
                new TlsClientOptions(), Timeout, 0, null, transcript, CancellationToken.None),
            ["protocol"] = (port, startTls, transcript) => TlsProtocolTester.TestAsync(new TlsTarget("127.0.0.1", port, startTls: startTls),
                new TlsClientOptions(), new[] { TlsVersion.Tls12 }, Timeout, transcript, CancellationToken.None),
            ["conversation"] = (port, startTls, transcript) => TcpConversationClient.InvokeAsync(new TcpConversationRequest("127.0.0.1", port)
            {
                Messages = new[] { Encoding.ASCII.GetBytes("hello\r\n") },
                Framing = TcpFraming.Lines(1),
                Timeout = Timeout,
                Tls = new TlsClientOptions(),
            }, transcript, null, CancellationToken.None),
        };

        private static async Task<Exception> FailsAsync(string call, HostileServer server, StartTlsProtocol startTls = StartTlsProtocol.None)
        {
            var transcript = new Transcript();
            var outcome = await Hostile.FailsInTimeAsync(() => Calls[call](server.Port, startTls, transcript), Timeout);
            Assert.True(await server.Closed.WaitAsync(Hostile.Grace).ContinueWith(t => t.IsCompletedSuccessfully),
                "the server should see the connection closed within 2 s of the error");
            var last = transcript.Entries.Last();
            Assert.Equal(TranscriptDirection.ClientError, last.Direction);
            Assert.Equal(outcome.Error!.Message, last.Text);
            return outcome.Error!;
        }

        public static TheoryData<string> CallNames => new TheoryData<string> { "certificate", "protocol", "conversation" };

        private static byte[] Repeat(string text, int times) => Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(text, times)));

        private static byte[] Filled(byte value, int count) => Enumerable.Repeat(value, count).ToArray();

        [Theory]
        [MemberData(nameof(CallNames))]
        public async Task A_server_that_stalls_in_the_handshake_is_a_timeout(string call)
        {
            using var server = new HostileServer((stream, stop) => Task.Delay(System.Threading.Timeout.Infinite, stop));

            var error = await FailsAsync(call, server);

            Assert.Contains("The TLS handshake with 127.0.0.1", Assert.IsType<NetworkTimeoutException>(error).Message);
        }

        [Theory]
        [MemberData(nameof(CallNames))]
        public async Task A_handshake_trickled_a_byte_every_200_ms_is_a_timeout_at_the_stage_deadline(string call)
        {
            // A TLS record header announcing a ServerHello, then its body a byte at a time: every read makes progress.
            using var server = new HostileServer(async (stream, stop) =>
            {
                await stream.WriteAsync(new byte[] { 0x16, 0x03, 0x03, 0x10, 0x00 }, stop);
                await HostileServer.Endless(new byte[] { 0x02 }, TimeSpan.FromMilliseconds(200))(stream, stop);
            });

            var error = await FailsAsync(call, server);

            Assert.Contains("did not finish within 1 s", Assert.IsType<NetworkTimeoutException>(error).Message);
        }

        [Theory]
        [MemberData(nameof(CallNames))]
        public async Task Text_instead_of_a_ServerHello_is_a_protocol_violation_quoting_it(string call)
        {
            using var server = new HostileServer(HostileServer.Endless(Repeat("HTTP/1.1 400 Bad Request\r\n", 100)));

            var error = await FailsAsync(call, server);

            Assert.Contains("does not speak TLS here: it answered \"HTTP/1.1 400 Bad Request", Assert.IsType<ProtocolViolationException>(error).Message);
        }

        [Theory]
        [InlineData("certificate", 0x00)]
        [InlineData("certificate", 0xFF)]
        [InlineData("protocol", 0x00)]
        [InlineData("protocol", 0xFF)]
        [InlineData("conversation", 0x00)]
        [InlineData("conversation", 0xFF)]
        public async Task A_flood_of_non_text_bytes_instead_of_a_ServerHello_is_a_protocol_violation(string call, byte filler)
        {
            using var server = new HostileServer(HostileServer.Endless(Filled(filler, 64 * 1024)));

            var error = await FailsAsync(call, server);

            Assert.Contains($"does not speak TLS here: it answered \"{(filler == 0 ? "\\x00\\x00" : "\\x??\\x??")}", Assert.IsType<ProtocolViolationException>(error).Message);
        }

        [Theory]
        [MemberData(nameof(CallNames))]
        public async Task A_record_with_a_huge_length_field_is_a_protocol_violation(string call)
        {
            // A handshake record claiming 65,535 bytes (TLS allows 16 KiB plus a little), its body an endless stream.
            using var server = new HostileServer(async (stream, stop) =>
            {
                await stream.WriteAsync(new byte[] { 0x16, 0x03, 0x03, 0xFF, 0xFF }, stop);
                await HostileServer.Endless(Filled(0x02, 64 * 1024))(stream, stop);
            });

            var error = await FailsAsync(call, server);

            Assert.Contains("announced a TLS record of 65535 bytes, beyond the 18432 bytes TLS allows", Assert.IsType<ProtocolViolationException>(error).Message);
        }

        [Theory]
        [MemberData(nameof(CallNames))]
        public async Task A_server_that_closes_in_the_middle_of_its_ServerHello_is_a_lost_connection(string call)
        {
            using var server = new HostileServer(async (stream, stop) =>
                await stream.WriteAsync(new byte[] { 0x16, 0x03, 0x03, 0x00, 0x40, 0x02, 0x00, 0x00, 0x3C, 0x03, 0x03 }, stop));

            var error = await FailsAsync(call, server);

            Assert.Contains("closed the connection in the middle of a TLS record of its handshake", Assert.IsType<ConnectionLostException>(error).Message);
        }

        /// <summary>A plain-text opening that ends in a STARTTLS go-ahead, for the cases past it.</summary>
        private const string SmtpGoAhead = "220 mail ESMTP\r\n250-mail\r\n250 STARTTLS\r\n220 Go ahead\r\n";

        [Theory]
        [InlineData(StartTlsProtocol.Smtp, "220 ", "a", "a line longer than 4096 bytes")]
        [InlineData(StartTlsProtocol.Smtp, "", "\0", "a line longer than 4096 bytes")]
        [InlineData(StartTlsProtocol.Smtp, "", "220-more\r\n", "a reply of more than 200 lines")]
        [InlineData(StartTlsProtocol.Smtp, "220 mail ESMTP\r\n", "250-EXTENSION\r\n", "a reply of more than 200 lines")]
        [InlineData(StartTlsProtocol.Pop3, "+OK ready\r\n+OK\r\n", "CAPABILITY\r\n", "more than 200 capability lines")]
        [InlineData(StartTlsProtocol.Imap, "* OK ready\r\n", "* CAPABILITY IMAP4rev1\r\n", "more than 200 lines without finishing a1")]
        [InlineData(StartTlsProtocol.Imap, "", "\xFF", "a line longer than 4096 bytes")]
        public async Task An_endless_STARTTLS_reply_is_a_protocol_violation_at_the_readers_bound(StartTlsProtocol protocol, string opening,
            string endless, string bound)
        {
            using var server = new HostileServer(async (stream, stop) =>
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(opening), stop);
                await HostileServer.Endless(Encoding.Latin1.GetBytes(string.Concat(Enumerable.Repeat(endless, 4096 / endless.Length))))(stream, stop);
            });

            var error = await FailsAsync("certificate", server, protocol);

            Assert.Contains(bound, Assert.IsType<ProtocolViolationException>(error).Message);
        }

        [Fact]
        public async Task A_STARTTLS_greeting_trickled_a_byte_every_200_ms_is_a_timeout_at_the_stage_deadline()
        {
            using var server = new HostileServer(HostileServer.Endless(new[] { (byte)'2' }, TimeSpan.FromMilliseconds(200)));

            var error = await FailsAsync("protocol", server, StartTlsProtocol.Smtp);

            Assert.Contains("STARTTLS (Smtp) with 127.0.0.1", Assert.IsType<NetworkTimeoutException>(error).Message);
        }

        [Fact]
        public async Task A_server_that_closes_during_STARTTLS_is_a_lost_connection()
        {
            using var server = new HostileServer(async (stream, stop) => await stream.WriteAsync(Encoding.ASCII.GetBytes("220 mail ES"), stop));

            var error = await FailsAsync("certificate", server, StartTlsProtocol.Smtp);

            Assert.Contains("closed the connection before STARTTLS was done", Assert.IsType<ConnectionLostException>(error).Message);
        }

        [Theory]
        [InlineData("certificate")]
        [InlineData("protocol")]
        public async Task Garbage_after_the_STARTTLS_go_ahead_is_a_protocol_violation(string call)
        {
            using var server = new HostileServer(async (stream, stop) =>
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(SmtpGoAhead), stop);
                await HostileServer.Endless(Filled(0xFF, 64 * 1024))(stream, stop);
            });

            var error = await FailsAsync(call, server, StartTlsProtocol.Smtp);

            Assert.Contains("does not speak TLS here", Assert.IsType<ProtocolViolationException>(error).Message);
        }

        [Theory]
        [InlineData("localhost", StartTlsProtocol.None, 7)]   // resolve, connect, handshake: 3 x 2 s, and a second
        [InlineData("localhost", StartTlsProtocol.Smtp, 9)]
        [InlineData("127.0.0.1+", StartTlsProtocol.Imap, 7)]  // an address given: nothing to resolve
        public void The_whole_commands_deadline_is_the_sum_of_its_stages(string computerName, StartTlsProtocol startTls, int seconds)
        {
            var address = computerName.EndsWith('+') ? new[] { System.Net.IPAddress.Loopback } : null;
            var target = new TlsTarget(computerName.TrimEnd('+'), 443, address, startTls);

            Assert.Equal(TimeSpan.FromSeconds(seconds), target.Deadline(TimeSpan.FromSeconds(2)));
        }

        [Fact]
        public async Task A_connect_that_cannot_complete_in_time_says_so_in_the_transcript()
        {
            using var silent = new SilentPort();
            var transcript = new Transcript();

            var outcome = await Hostile.FailsInTimeAsync(() => Calls["certificate"](silent.Port, StartTlsProtocol.None, transcript), Timeout);

            var timedOut = Assert.IsType<NetworkTimeoutException>(outcome.Error);
            Assert.Contains("took longer than 1 s", timedOut.Message);
            var entry = Assert.Single(transcript.Entries);
            Assert.Equal(TranscriptDirection.ClientError, entry.Direction);
            Assert.Equal(timedOut.Message, entry.Text);
        }
    }
}
