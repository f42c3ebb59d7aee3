using System;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Tls;

namespace NetFoundations.Core.Tests.Tls
{
    /// <summary>STARTTLS against the real daemons: Postfix (SMTP), Dovecot (IMAP, POP3), vsftpd (FTP).</summary>
    public class StartTlsTests : IClassFixture<TlsServers>
    {
        private readonly TlsServers servers;
        private readonly X509Certificate2Collection ca;

        public StartTlsTests(TlsServers servers)
        {
            this.servers = servers;
            ca = TlsPem.ReadCertificates(servers.File("ca.crt"));
        }

        private Task<TlsCertificateResult> Test(string server, StartTlsProtocol protocol, TimeSpan? timeout = null) =>
            TlsCertificateTester.TestAsync(new TlsTarget("localhost", servers.Port(server), startTls: protocol), new TlsClientOptions(trustedAuthorities: ca),
                timeout ?? TimeSpan.FromSeconds(10), 0, null, new Transcript(), CancellationToken.None);

        [Theory]
        [InlineData("smtp", StartTlsProtocol.Smtp, "STARTTLS", "220 ")]
        [InlineData("imap", StartTlsProtocol.Imap, "a2 STARTTLS", "a2 OK")]
        [InlineData("pop3", StartTlsProtocol.Pop3, "STLS", "+OK")]
        [InlineData("ftp", StartTlsProtocol.Ftp, "AUTH TLS", "234 ")]
        public async Task The_certificate_behind_STARTTLS_is_tested(string server, StartTlsProtocol protocol, string command, string goAhead)
        {
            var result = await Test(server, protocol);
            Assert.True(result.IsValid, string.Join(" ", result.Problems));
            Assert.Equal(protocol, result.StartTls);
            Assert.Equal("CN=localhost", result.Subject);
            var transcript = result.GetStartTlsTranscript();
            var sent = transcript.Last(e => e.Direction == TranscriptDirection.Sent);
            Assert.Equal(command + "\\r\\n", sent.Text);
            Assert.StartsWith(goAhead, transcript.Last().Text);
            Assert.Equal(TranscriptDirection.Received, transcript.Last().Direction);
        }

        [Fact]
        public async Task Protocol_versions_can_be_tested_behind_STARTTLS()
        {
            var results = await TlsProtocolTester.TestAsync(new TlsTarget("localhost", servers.Port("imap"), startTls: StartTlsProtocol.Imap),
                new TlsClientOptions(), new[] { TlsVersion.Tls12, TlsVersion.Tls13 }, TimeSpan.FromSeconds(10), new Transcript(), CancellationToken.None);
            Assert.All(results, r => Assert.Equal(TlsProtocolStatus.Supported, r.Status));
        }

        [Fact]
        public async Task An_SMTP_server_without_STARTTLS_says_so()
        {
            var error = await Assert.ThrowsAsync<InvalidNetworkRequestException>(() => Test("smtpplain", StartTlsProtocol.Smtp));
            Assert.Contains("does not offer STARTTLS", error.Message);
        }

        [Fact]
        public async Task The_wrong_protocol_is_a_protocol_violation()
        {
            var error = await Assert.ThrowsAsync<ProtocolViolationException>(() => Test("ftp", StartTlsProtocol.Imap));
            Assert.Contains("vsFTPd", error.Message);
            await Assert.ThrowsAsync<ProtocolViolationException>(() => Test("imap", StartTlsProtocol.Smtp));
        }

        [Fact]
        public async Task A_TLS_server_waiting_for_a_ClientHello_is_a_STARTTLS_timeout()
        {
            var error = await Assert.ThrowsAsync<NetworkTimeoutException>(() => Test("valid", StartTlsProtocol.Pop3, TimeSpan.FromSeconds(1)));
            Assert.Contains("STARTTLS", error.Message);
        }
    }
}
