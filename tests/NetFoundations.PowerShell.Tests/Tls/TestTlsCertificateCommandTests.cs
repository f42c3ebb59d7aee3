using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Xml.Linq;

using NetFoundations.Core.Tests.Tls;

namespace NetFoundations.PowerShell.Tests.Tls
{
    public class TlsFixture : IDisposable
    {
        public TlsServers Servers { get; } = new TlsServers();
        public ModuleSession Session { get; } = new ModuleSession();

        public void Dispose()
        {
            Session.Dispose();
            Servers.Dispose();
        }
    }

    public class TestTlsCertificateCommandTests : IClassFixture<TlsFixture>
    {
        private readonly TlsServers servers;
        private readonly ModuleSession session;

        public TestTlsCertificateCommandTests(TlsFixture fixture)
        {
            servers = fixture.Servers;
            session = fixture.Session;
        }

        private EngineResult Run(string script) => session.Run(script, new Dictionary<string, object?>
        {
            ["ca"] = servers.File("ca.crt"),
            ["folder"] = servers.Folder,
            ["pfx"] = servers.File("client.pfx"),
            ["key"] = servers.File("client.key"),
            ["missing"] = servers.File("nothing.pem"),
            ["saved"] = servers.File("cmdlet-chain.pem"),
            ["credential"] = new PSCredential("client", new System.Net.NetworkCredential("", "test-password").SecurePassword),
            ["wrong"] = new PSCredential("client", new System.Net.NetworkCredential("", "wrong").SecurePassword),
            ["ports"] = new[] { "valid", "expired", "notyet", "short", "wrongname", "selfsigned", "untrusted", "chain", "sni", "clientcert", "tls12", "tls13" }
                .ToDictionary(name => name, servers.Port),
        });

        private static dynamic Single(EngineResult result)
        {
            Assert.Empty(result.Errors);
            var output = Assert.Single(result.Output);
            Assert.Equal("NetFoundations.Core.Tls.TlsCertificateResult", output.BaseObject.GetType().FullName);
            return output.BaseObject;
        }

        private static string Problems(dynamic result) => string.Join(" ", (IEnumerable<string>)result.Problems);

        [Fact]
        public void Port_test_results_and_DNS_records_bind_by_property_name()
        {
            var fromPortTest = Single(Run(
                "[pscustomobject]@{ ComputerName = 'localhost'; Address = [ipaddress]'127.0.0.1'; Port = $ports.valid; Open = $true } |" +
                " Where-Object Open | Test-TlsCertificate -CertificateAuthorityPath $ca"));
            Assert.True((bool)fromPortTest.IsValid, Problems(fromPortTest));
            Assert.Equal("localhost", (string)fromPortTest.ServerName);
            Assert.Equal("127.0.0.1", (string)fromPortTest.Address.ToString());
            Assert.Equal(servers.Port("valid"), (int)fromPortTest.Port);

            var fromDnsRecord = Single(Run(
                "[pscustomobject]@{ Name = 'www.tls.test'; ComputerName = 'www.tls.test'; Address = [ipaddress]'127.0.0.1' } |" +
                " Test-TlsCertificate -Port $ports.sni -CAFile $ca"));
            Assert.Equal("CN=*.tls.test", (string)fromDnsRecord.Subject);
            Assert.True((bool)fromDnsRecord.IsValid, Problems(fromDnsRecord));

            var byValue = Run("'127.0.0.1', 'localhost' | Test-TlsCertificate -Port $ports.valid -CAFile $ca");
            Assert.Empty(byValue.Errors);
            Assert.Equal(new[] { "127.0.0.1", "localhost" }, byValue.Output.Select(o => o.Properties["ServerName"].Value));
        }

        [Theory]
        [InlineData("expired", "expired on")]
        [InlineData("notyet", "not valid before")]
        [InlineData("wrongname", "does not match")]
        [InlineData("selfsigned", "not trusted")]
        [InlineData("untrusted", "not trusted")]
        public void A_bad_certificate_is_data_with_its_reasons(string server, string reason)
        {
            var result = Single(Run($"Test-TlsCertificate localhost -Port $ports.{server} -CertificateAuthorityPath $ca"));
            Assert.False((bool)result.IsValid);
            Assert.Contains(reason, Problems(result));
        }

        [Fact]
        public void Quiet_gives_booleans_and_failures_stay_errors()
        {
            var result = Run("Test-TlsCertificate localhost -Port $ports.valid -CAFile $ca -Quiet; " +
                             "Test-TlsCertificate localhost -Port $ports.short -CAFile $ca -MinimumDaysRemaining 30 -Quiet; " +
                             $"Test-TlsCertificate 127.0.0.1 -Port {ClosedPort()} -Quiet");
            Assert.Equal(new object[] { true, false, false }, result.Output.Select(o => o.BaseObject));
            Assert.Equal("ConnectionRefused", EngineResult.ErrorId(result.SingleError));
        }

        [Fact]
        public void Failures_before_a_certificate_are_typed_errors_and_the_next_input_goes_on()
        {
            var result = Run($"'{new string('x', 64)}.invalid', 'localhost' | Test-TlsCertificate -Port $ports.valid -CAFile $ca");
            Assert.Equal("NameResolutionFailed", EngineResult.ErrorId(result.SingleError));
            Assert.Single(result.Output);

            var missingCa = Run("Test-TlsCertificate localhost -Port $ports.valid -CAFile $missing");
            Assert.Equal("PathNotFound", EngineResult.ErrorId(missingCa.SingleError));
            Assert.Empty(missingCa.Output);

            var notACertificate = Run("Test-TlsCertificate localhost -Port $ports.valid -CAFile $key");
            Assert.Equal("InvalidRequest", EngineResult.ErrorId(notACertificate.SingleError));

            var badPort = Run("Test-TlsCertificate localhost -Port 70000");
            Assert.Equal("ParameterArgumentValidationError", EngineResult.ErrorId(badPort.SingleError));
        }

        [Fact]
        public void The_presented_chain_is_saved_as_PEM()
        {
            var result = Single(Run("Test-TlsCertificate localhost -Port $ports.chain -CAFile $ca -OutFile $saved"));
            var saved = File.ReadAllText(servers.File("cmdlet-chain.pem"));
            Assert.Equal(2, saved.Split("-----BEGIN CERTIFICATE-----").Length - 1);
            Assert.Equal(3, (int)result.Chain.Count);
        }

        [Fact]
        public void A_client_certificate_comes_from_a_PFX_with_a_credential()
        {
            var result = Single(Run(
                "Test-TlsCertificate localhost -Port $ports.clientcert -CAFile $ca -Protocol Tls12 " +
                "-ClientCertificate $pfx -ClientCertificateCredential $credential"));
            Assert.True((bool)result.ClientCertificateSent);
            Assert.Null((string?)result.HandshakeError);

            var wrong = Run("Test-TlsCertificate localhost -Port $ports.clientcert -ClientCertificate $pfx -ClientCertificateCredential $wrong");
            Assert.Equal("InvalidRequest", EngineResult.ErrorId(wrong.SingleError));
        }

        [Fact]
        public void The_table_view_shows_the_five_columns_and_verbose_shows_the_outcome()
        {
            var views = XDocument.Load(Path.Combine(Path.GetDirectoryName(session.ManifestPath)!, "Tls.Format.ps1xml"));
            var view = views.Descendants("View").Single(v => v.Element("Name")!.Value == "NetFoundations.Core.Tls.TlsCertificateResult");
            Assert.Equal(new[] { "ComputerName", "Port", "Subject", "DaysRemaining", "IsValid" },
                view.Descendants("TableColumnHeader").Select(h => h.Element("Label")!.Value));

            var verbose = Run("Test-TlsCertificate localhost -Port $ports.expired -CAFile $ca -Verbose");
            Assert.Contains(verbose.Verbose, v => v.Contains("Connected to 127.0.0.1"));
            Assert.Contains(verbose.Verbose, v => v.Contains("expired on"));
        }

        [Fact]
        public void Help_has_a_synopsis_and_examples()
        {
            foreach (var cmdlet in new[] { "Test-TlsCertificate", "Test-TlsProtocol" })
            {
                var synopsis = Assert.Single(Run($"(Get-Help {cmdlet}).Synopsis").Output).ToString();
                Assert.Contains("TLS", synopsis);
                var examples = (int)Assert.Single(Run($"@((Get-Help {cmdlet} -Examples).examples.example).Count").Output).BaseObject;
                Assert.True(examples >= 2);
            }
        }

        internal static int ClosedPort()
        {
            using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream,
                System.Net.Sockets.ProtocolType.Tcp);
            probe.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
            return ((System.Net.IPEndPoint)probe.LocalEndPoint!).Port;
        }
    }
}
