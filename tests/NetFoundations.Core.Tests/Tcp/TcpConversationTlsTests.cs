using System;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Tcp;
using NetFoundations.Core.Tests.Tls;
using NetFoundations.Core.Tls;

namespace NetFoundations.Core.Tests.Tcp
{
    /// <summary>Conversations over TLS with the nginx servers of tests/servers/tls: verified, rejected before a byte is sent, or skipped by name.</summary>
    public sealed class TcpConversationTlsTests : IClassFixture<TlsServers>
    {
        private static readonly byte[] Head = Encoding.ASCII.GetBytes("HEAD / HTTP/1.0\r\nHost: localhost\r\n\r\n");
        private readonly TlsServers servers;
        private readonly X509Certificate2Collection ca;

        public TcpConversationTlsTests(TlsServers servers)
        {
            this.servers = servers;
            ca = TlsPem.ReadCertificates(servers.File("ca.crt"));
        }

        private static Task<TcpConversation> Talk(int port, TlsClientOptions tls, Transcript transcript, double timeoutSeconds = 10) =>
            TcpConversationClient.InvokeAsync(new TcpConversationRequest("127.0.0.1", port)
            {
                Messages = new[] { Head },
                Framing = TcpFraming.UntilClose,
                Tls = tls,
                Timeout = TimeSpan.FromSeconds(timeoutSeconds),
            }, transcript, null, CancellationToken.None);

        [Fact]
        public async Task An_HTTPS_request_to_a_valid_server_goes_inside_TLS()
        {
            var transcript = new Transcript();
            var result = await Talk(servers.Port("valid"), new TlsClientOptions(trustedAuthorities: ca), transcript);

            Assert.StartsWith("HTTP/1.1 200", result.ReceivedText);
            Assert.NotNull(result.Tls!.Protocol);
            Assert.True(result.Tls.GetVerification()!.IsValid);
            Assert.False(result.Tls.CertificateCheckSkipped);
            Assert.Equal(Head.Length, result.Sent);
            Assert.Contains(transcript.Entries, e => e.Marker == "~>" && e.Text.StartsWith("HEAD / HTTP/1.0"));
            Assert.Contains(transcript.Entries, e => e.Marker == "<~" && e.Text.StartsWith("HTTP/1.1 200"));
            Assert.DoesNotContain(transcript.Entries, e => e.Marker == "->" || e.Marker == "<-");
        }

        [Fact]
        public async Task The_server_name_is_the_one_sent_and_checked()
        {
            var result = await Talk(servers.Port("sni"), new TlsClientOptions("www.tls.test", ca), new Transcript());

            Assert.Equal("CN=*.tls.test", result.Tls!.GetCertificate()!.Subject);
            Assert.EndsWith("\r\n\r\n", result.ReceivedText);
        }

        [Theory]
        [InlineData("wrongname", "does not match")]
        [InlineData("expired", "expired")]
        [InlineData("untrusted", "not trusted")]
        public async Task A_bad_certificate_is_rejected_before_anything_is_sent(string server, string reason)
        {
            var transcript = new Transcript();
            var error = await Assert.ThrowsAsync<CertificateRejectedException>(
                () => Talk(servers.Port(server), new TlsClientOptions(trustedAuthorities: ca), transcript));

            Assert.Contains(reason, error.Message);
            Assert.DoesNotContain(transcript.Entries, e => e.Direction == TranscriptDirection.SentSecure || e.Direction == TranscriptDirection.Sent);
        }

        [Fact]
        public async Task Skipping_the_check_goes_on_and_reports_the_problems()
        {
            var transcript = new Transcript();
            var result = await Talk(servers.Port("untrusted"), new TlsClientOptions(trustedAuthorities: ca, skipCertificateCheck: true), transcript);

            Assert.StartsWith("HTTP/1.1 200", result.ReceivedText);
            Assert.True(result.Tls!.CertificateCheckSkipped);
            Assert.False(result.Tls.GetVerification()!.IsTrusted);
            Assert.Contains(transcript.Entries, e => e.Direction == TranscriptDirection.ClientError && e.Text.Contains("not trusted"));
        }

        [Fact]
        public async Task A_peer_that_does_not_speak_TLS_is_a_protocol_violation()
        {
            using var peer = new TcpPeer("tcp_lines.py");
            var error = await Assert.ThrowsAsync<ProtocolViolationException>(
                () => Talk(peer.Port, new TlsClientOptions(trustedAuthorities: ca), new Transcript()));

            Assert.Contains("does not speak TLS", error.Message);
        }

        [Fact]
        public async Task A_silent_peer_times_out_the_handshake()
        {
            using var peer = new TcpPeer("tcp_stall.py");
            await Assert.ThrowsAsync<NetworkTimeoutException>(
                () => Talk(peer.Port, new TlsClientOptions(trustedAuthorities: ca), new Transcript(), timeoutSeconds: 0.5));
        }
    }
}
