using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Tls;

namespace NetFoundations.Core.Tests.Tls
{
    /// <summary>The piece the TCP cmdlet uses: a connected stream upgraded to TLS with verification on unless skipped by name.</summary>
    public class TlsUpgradeTests : IClassFixture<TlsServers>
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
        private readonly TlsServers servers;
        private readonly X509Certificate2Collection ca;

        public TlsUpgradeTests(TlsServers servers)
        {
            this.servers = servers;
            ca = TlsPem.ReadCertificates(servers.File("ca.crt"));
        }

        private Stream Connect(string server)
        {
            var client = new TcpClient();
            client.Connect(IPAddress.Loopback, servers.Port(server));
            return client.GetStream();
        }

        private Task<TlsConnection> Upgrade(string server, TlsClientOptions options, Transcript? transcript = null) =>
            TlsUpgrade.AuthenticateAsync(Connect(server), "localhost", options, Timeout, transcript, CancellationToken.None);

        [Fact]
        public async Task A_valid_server_gives_a_working_authenticated_stream()
        {
            using var tls = await Upgrade("valid", new TlsClientOptions(trustedAuthorities: ca));
            Assert.True(tls.Stream.IsAuthenticated);
            Assert.True(tls.Session.GetVerification()!.IsValid);
            Assert.False(tls.Session.CertificateCheckSkipped);
            Assert.Equal("localhost", tls.Session.ServerName);
            Assert.NotNull(tls.Session.Protocol);

            var request = Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\nHost: localhost\r\n\r\n");
            await tls.Stream.WriteAsync(request);
            using var reader = new StreamReader(tls.Stream, Encoding.ASCII);
            var response = await reader.ReadToEndAsync();
            Assert.StartsWith("HTTP/1.1 200", response);
            Assert.EndsWith("valid\n", response);
        }

        [Theory]
        [InlineData("untrusted", "not trusted")]
        [InlineData("selfsigned", "not trusted")]
        [InlineData("expired", "expired")]
        [InlineData("wrongname", "does not match")]
        public async Task A_bad_certificate_is_rejected_with_the_reason(string server, string reason)
        {
            var transcript = new Transcript();
            var error = await Assert.ThrowsAsync<CertificateRejectedException>(() => Upgrade(server, new TlsClientOptions(trustedAuthorities: ca), transcript));
            Assert.Contains(reason, error.Message);
            Assert.Contains(transcript.Entries, e => e.Direction == TranscriptDirection.ClientError && e.Text.Contains(reason));
        }

        [Fact]
        public async Task The_system_store_does_not_trust_the_test_CA()
        {
            await Assert.ThrowsAsync<CertificateRejectedException>(() => Upgrade("valid", new TlsClientOptions()));
        }

        [Fact]
        public async Task Skipping_the_check_by_name_goes_on_and_still_reports_what_is_wrong()
        {
            var transcript = new Transcript();
            using var tls = await Upgrade("untrusted", new TlsClientOptions(trustedAuthorities: ca, skipCertificateCheck: true), transcript);
            Assert.True(tls.Stream.IsAuthenticated);
            Assert.True(tls.Session.CertificateCheckSkipped);
            Assert.False(tls.Session.GetVerification()!.IsTrusted);
            Assert.Contains(transcript.Entries, e => e.Direction == TranscriptDirection.ClientError && e.Text.Contains("not trusted"));
        }

        [Fact]
        public async Task The_server_name_option_overrides_the_computer_name()
        {
            using var tls = await Upgrade("sni", new TlsClientOptions("www.tls.test", ca));
            Assert.Equal("CN=*.tls.test", tls.Session.GetCertificate()!.Subject);
            Assert.True(tls.Session.GetVerification()!.IsValid);
        }

        [Fact]
        public async Task Protocols_and_client_certificates_are_honoured()
        {
            await Assert.ThrowsAsync<ProtocolViolationException>(() =>
                Upgrade("tls13", new TlsClientOptions(trustedAuthorities: ca, protocols: new[] { TlsVersion.Tls12 })));

            var refused = await Assert.ThrowsAsync<AuthenticationFailedException>(() =>
                Upgrade("clientcert", new TlsClientOptions(trustedAuthorities: ca, protocols: new[] { TlsVersion.Tls12 })));
            Assert.Contains("client certificate", refused.Message);

            var pem = TlsPem.LoadClientCertificate(servers.File("client.pem"), null, null);
            using var tls = await Upgrade("clientcert", new TlsClientOptions(null, ca, pem, new[] { TlsVersion.Tls12 }));
            Assert.True(tls.Session.ClientCertificateSent);
            Assert.Equal(TlsVersion.Tls12, tls.Session.Protocol);
        }
    }
}
