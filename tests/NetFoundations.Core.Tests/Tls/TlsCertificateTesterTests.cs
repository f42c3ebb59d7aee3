using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Tls;

namespace NetFoundations.Core.Tests.Tls
{
    /// <summary>Every certificate case of tests/servers/tls, served by nginx and openssl s_server, reported as data.</summary>
    public class TlsCertificateTesterTests : IClassFixture<TlsServers>
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
        private readonly TlsServers servers;
        private readonly X509Certificate2Collection ca;

        public TlsCertificateTesterTests(TlsServers servers)
        {
            this.servers = servers;
            ca = TlsPem.ReadCertificates(servers.File("ca.crt"));
        }

        private Task<TlsCertificateResult> Test(string server, string? serverName = null, int minimumDays = 0, bool trustBundle = true,
            string computerName = "127.0.0.1", X509Certificate2? clientCertificate = null, TlsVersion[]? protocols = null, string? outFile = null) =>
            TlsCertificateTester.TestAsync(new TlsTarget(computerName, servers.Port(server)),
                new TlsClientOptions(serverName, trustBundle ? ca : null, clientCertificate, protocols),
                Timeout, minimumDays, outFile, new Transcript(), CancellationToken.None);

        private X509Certificate2 FileCertificate(string name) => TlsPem.ReadCertificates(servers.File(name + ".crt"))[0];

        [Fact]
        public async Task A_valid_certificate_is_valid_for_its_address_and_its_names()
        {
            var byAddress = await Test("valid");
            Assert.True(byAddress.IsValid, string.Join(" ", byAddress.Problems));
            Assert.True(byAddress.IsTrusted && byAddress.NameMatches && byAddress.IsInDate);
            Assert.Empty(byAddress.Problems);
            Assert.Empty(byAddress.ChainStatus);
            Assert.Equal(IPAddress.Loopback.ToString(), byAddress.Address);
            Assert.Equal("127.0.0.1", byAddress.ServerName);
            Assert.Equal("CN=localhost", byAddress.Subject);
            Assert.Contains("NetFoundations Test Root CA", byAddress.Issuer);
            Assert.Equal(new[] { "localhost", "tls.test", "127.0.0.1", "::1" }, byAddress.SubjectAlternativeNames);
            Assert.InRange(byAddress.DaysRemaining, 363, 365);
            Assert.Equal("RSA", byAddress.KeyAlgorithm);
            Assert.Equal(2048, byAddress.KeySize);
            Assert.Equal("sha256RSA", byAddress.SignatureAlgorithm);
            Assert.Equal(FileCertificate("valid").GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), byAddress.Thumbprint);
            Assert.Equal(2, byAddress.Chain.Count);
            Assert.Equal(FileCertificate("ca").RawData, byAddress.Chain[1].Certificate.RawData);
            Assert.NotNull(byAddress.Protocol);
            Assert.False(string.IsNullOrEmpty(byAddress.CipherSuite));
            Assert.Null(byAddress.HandshakeError);

            var byName = await Test("valid", serverName: "tls.test");
            Assert.True(byName.IsValid, string.Join(" ", byName.Problems));
            var byComputerName = await Test("valid", computerName: "localhost");
            Assert.Equal("localhost", byComputerName.ServerName);
            Assert.True(byComputerName.IsValid, string.Join(" ", byComputerName.Problems));
        }

        [Fact]
        public async Task Without_the_bundle_the_test_CA_is_not_trusted()
        {
            var result = await Test("valid", trustBundle: false);
            Assert.False(result.IsTrusted);
            Assert.True(result.NameMatches);
            Assert.False(result.IsValid);
            Assert.Contains(result.Problems, p => p.Contains("not trusted"));
        }

        [Fact]
        public async Task A_wildcard_certificate_is_chosen_by_SNI_and_matches_one_label_only()
        {
            var one = await Test("sni", serverName: "www.tls.test");
            Assert.Equal("CN=*.tls.test", one.Subject);
            Assert.True(one.IsValid, string.Join(" ", one.Problems));
            Assert.Equal("ECDSA", one.KeyAlgorithm);
            Assert.Equal(256, one.KeySize);

            var two = await Test("sni", serverName: "a.b.tls.test");
            Assert.Equal("CN=*.tls.test", two.Subject);
            Assert.False(two.NameMatches);
            Assert.True(two.IsTrusted);
            Assert.Contains(two.Problems, p => p.Contains("a.b.tls.test") && p.Contains("*.tls.test"));

            var noSni = await Test("sni");
            Assert.Equal("CN=localhost", noSni.Subject);
        }

        [Fact]
        public async Task An_expired_certificate_is_trusted_but_not_in_date()
        {
            var result = await Test("expired");
            Assert.True(result.IsTrusted);
            Assert.True(result.NameMatches);
            Assert.False(result.IsInDate);
            Assert.False(result.IsValid);
            Assert.True(result.DaysRemaining < -365);
            Assert.Contains("NotTimeValid", result.ChainStatus);
            Assert.Contains(result.Problems, p => p.Contains("expired on 2021-01-01"));
        }

        [Fact]
        public async Task A_not_yet_valid_certificate_is_not_in_date()
        {
            var result = await Test("notyet");
            Assert.False(result.IsInDate);
            Assert.False(result.IsValid);
            Assert.Contains(result.Problems, p => p.Contains("not valid before 2090-01-01"));
        }

        [Fact]
        public async Task A_certificate_for_another_name_does_not_match()
        {
            var result = await Test("wrongname", serverName: "localhost");
            Assert.True(result.IsTrusted);
            Assert.False(result.NameMatches);
            Assert.False(result.IsValid);
            Assert.Equal(new[] { "wrong.example" }, result.SubjectAlternativeNames);
            Assert.Contains(result.Problems, p => p.Contains("localhost") && p.Contains("wrong.example"));
            Assert.True((await Test("wrongname", serverName: "wrong.example")).IsValid);
        }

        [Fact]
        public async Task Self_signed_and_untrusted_CA_certificates_are_not_trusted()
        {
            var selfSigned = await Test("selfsigned");
            Assert.False(selfSigned.IsTrusted);
            Assert.True(selfSigned.NameMatches);
            Assert.Contains("UntrustedRoot", selfSigned.ChainStatus);
            Assert.Equal(selfSigned.Subject, selfSigned.Issuer);

            var untrusted = await Test("untrusted");
            Assert.False(untrusted.IsTrusted);
            Assert.False(untrusted.IsValid);
            Assert.Contains("Untrusted Test CA", untrusted.Issuer);
            Assert.Contains(untrusted.Problems, p => p.Contains("not trusted"));
        }

        [Fact]
        public async Task A_chain_with_an_intermediate_is_built_to_the_root_and_saved_as_presented()
        {
            var outFile = servers.File("saved-chain.pem");
            var result = await Test("chain", outFile: outFile);
            Assert.True(result.IsValid, string.Join(" ", result.Problems));
            Assert.Equal(3, result.Chain.Count);
            Assert.Contains("Intermediate", result.Chain[1].Subject);
            Assert.Equal(2, result.GetPresentedCertificates().Count);

            var saved = TlsPem.ReadCertificates(outFile);
            Assert.Equal(2, saved.Count);
            Assert.Equal(FileCertificate("chain").RawData, saved[0].RawData);
            Assert.Equal(FileCertificate("intermediate").RawData, saved[1].RawData);
        }

        [Fact]
        public async Task Minimum_days_remaining_makes_a_short_lived_certificate_invalid()
        {
            var plain = await Test("short");
            Assert.True(plain.IsValid, string.Join(" ", plain.Problems));
            Assert.InRange(plain.DaysRemaining, 8, 10);

            var demanding = await Test("short", minimumDays: 30);
            Assert.False(demanding.IsValid);
            Assert.True(demanding.IsTrusted && demanding.NameMatches && demanding.IsInDate);
            Assert.Contains(demanding.Problems, p => p.Contains("at least 30"));
            Assert.True((await Test("valid", minimumDays: 30)).IsValid);
        }

        [Fact]
        public async Task A_server_that_wants_a_client_certificate_gets_one_from_PFX_or_PEM()
        {
            var without = await Test("clientcert", protocols: new[] { TlsVersion.Tls12 });
            Assert.Contains("asked for a client certificate", without.HandshakeError);
            Assert.Equal("CN=localhost", without.Subject);
            Assert.Null(without.Protocol);
            Assert.True(without.IsValid);
            Assert.False(without.ClientCertificateSent);

            using var password = new NetworkCredential("", "test-password").SecurePassword;
            var pfx = TlsPem.LoadClientCertificate(servers.File("client.pfx"), null, password);
            var withPfx = await Test("clientcert", clientCertificate: pfx, protocols: new[] { TlsVersion.Tls12 });
            Assert.Null(withPfx.HandshakeError);
            Assert.True(withPfx.ClientCertificateSent);
            Assert.Equal(TlsVersion.Tls12, withPfx.Protocol);

            var pem = TlsPem.LoadClientCertificate(servers.File("client.pem"), null, null);
            Assert.Equal(pfx.Thumbprint, pem.Thumbprint);
            var pemPair = TlsPem.LoadClientCertificate(servers.File("client.crt"), servers.File("client.key"), null);
            Assert.Equal(pfx.Thumbprint, pemPair.Thumbprint);
            Assert.True(pemPair.HasPrivateKey);
            var withPem = await Test("clientcert", clientCertificate: pem);
            Assert.Null(withPem.HandshakeError);
            Assert.True(withPem.ClientCertificateSent);
        }

        [Fact]
        public void Client_certificate_files_that_cannot_serve_are_clear_errors()
        {
            using var wrong = new NetworkCredential("", "wrong").SecurePassword;
            var badPassword = Assert.Throws<InvalidNetworkRequestException>(() => TlsPem.LoadClientCertificate(servers.File("client.pfx"), null, wrong));
            Assert.Contains("PFX", badPassword.Message);
            var noKey = Assert.Throws<InvalidNetworkRequestException>(() => TlsPem.LoadClientCertificate(servers.File("client.crt"), null, null));
            Assert.Contains("private key", noKey.Message);
            Assert.Throws<InvalidNetworkRequestException>(() => TlsPem.ReadCertificates(servers.File("client.key")));
        }

        [Fact]
        public async Task A_closed_port_is_a_refused_connection()
        {
            var port = ClosedPort();
            await Assert.ThrowsAsync<ConnectionRefusedException>(() =>
                TlsCertificateTester.TestAsync(new TlsTarget("127.0.0.1", port), new TlsClientOptions(), Timeout, 0, null, new Transcript(), CancellationToken.None));
        }

        [Fact]
        public async Task A_name_that_does_not_resolve_is_a_name_resolution_error()
        {
            await Assert.ThrowsAsync<NameResolutionException>(() =>
                TlsCertificateTester.TestAsync(new TlsTarget(new string('x', 64) + ".invalid", 443), new TlsClientOptions(), Timeout, 0, null,
                    new Transcript(), CancellationToken.None));
        }

        [Fact]
        public async Task A_silent_server_is_a_timeout_of_the_handshake()
        {
            using var silent = new TcpListener(IPAddress.Loopback, 0);
            silent.Start();
            var port = ((IPEndPoint)silent.LocalEndpoint).Port;
            var error = await Assert.ThrowsAsync<NetworkTimeoutException>(() =>
                TlsCertificateTester.TestAsync(new TlsTarget("127.0.0.1", port), new TlsClientOptions(), TimeSpan.FromSeconds(1), 0, null,
                    new Transcript(), CancellationToken.None));
            Assert.Contains("handshake", error.Message);
        }

        [Fact]
        public async Task A_server_that_is_not_TLS_is_a_protocol_violation_naming_what_it_said()
        {
            using var plain = new TcpListener(IPAddress.Loopback, 0);
            plain.Start();
            var port = ((IPEndPoint)plain.LocalEndpoint).Port;
            var serve = Task.Run(async () =>
            {
                using var client = await plain.AcceptTcpClientAsync();
                var banner = Encoding.ASCII.GetBytes("SSH-2.0-NotTls\r\n");
                await client.GetStream().WriteAsync(banner);
                await Task.Delay(2000);
            });
            var error = await Assert.ThrowsAsync<ProtocolViolationException>(() =>
                TlsCertificateTester.TestAsync(new TlsTarget("127.0.0.1", port), new TlsClientOptions(), Timeout, 0, null, new Transcript(), CancellationToken.None));
            Assert.Contains("SSH-2.0-NotTls", error.Message);
            await serve;
        }

        [Fact]
        public async Task Cancellation_ends_a_stalled_handshake_promptly()
        {
            using var silent = new TcpListener(IPAddress.Loopback, 0);
            silent.Start();
            var port = ((IPEndPoint)silent.LocalEndpoint).Port;
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            var work = TlsCertificateTester.TestAsync(new TlsTarget("127.0.0.1", port), new TlsClientOptions(), TimeSpan.FromMinutes(5), 0, null,
                new Transcript(), cancel.Token);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => work);
        }

        internal static int ClosedPort()
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return ((IPEndPoint)probe.LocalEndPoint!).Port;
        }
    }
}
