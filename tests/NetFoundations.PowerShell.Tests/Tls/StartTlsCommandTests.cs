using System.Collections.Generic;
using System.Linq;

using NetFoundations.Core.Tests.Tls;

namespace NetFoundations.PowerShell.Tests.Tls
{
    public class StartTlsCommandTests : IClassFixture<TlsFixture>
    {
        private readonly TlsServers servers;
        private readonly ModuleSession session;

        public StartTlsCommandTests(TlsFixture fixture)
        {
            servers = fixture.Servers;
            session = fixture.Session;
        }

        private EngineResult Run(string script) => session.Run(script, new Dictionary<string, object?>
        {
            ["ca"] = servers.File("ca.crt"),
            ["ports"] = new[] { "smtp", "smtpplain", "imap", "pop3", "ftp" }.ToDictionary(name => name, servers.Port),
        });

        [Theory]
        [InlineData("Smtp", "smtp")]
        [InlineData("Imap", "imap")]
        [InlineData("Pop3", "pop3")]
        [InlineData("Ftp", "ftp")]
        public void Each_STARTTLS_daemon_gives_a_valid_certificate_with_its_transcript(string protocol, string server)
        {
            var result = Run($"Test-TlsCertificate localhost -Port $ports.{server} -StartTls {protocol} -CAFile $ca -Verbose");
            Assert.Empty(result.Errors);
            dynamic certificate = Assert.Single(result.Output).BaseObject;
            Assert.True((bool)certificate.IsValid);
            Assert.Equal(protocol, certificate.StartTls.ToString());
            Assert.True(((System.Collections.ICollection)certificate.StartTlsTranscript).Count >= 3);
            Assert.Contains(result.Verbose, v => v.Contains(" -> "));
            Assert.Contains(result.Verbose, v => v.Contains(" <- "));
        }

        [Fact]
        public void A_server_without_STARTTLS_is_an_InvalidRequest_error()
        {
            var result = Run("Test-TlsCertificate localhost -Port $ports.smtpplain -StartTls Smtp");
            Assert.Equal("InvalidRequest", EngineResult.ErrorId(result.SingleError));
            Assert.Contains("does not offer STARTTLS", result.SingleError.Exception.Message);
        }

        [Fact]
        public void Protocol_versions_behind_STARTTLS()
        {
            var result = Run("Test-TlsProtocol localhost -Port $ports.pop3 -StartTls Pop3 -Protocol Tls12, Tls13");
            Assert.Empty(result.Errors);
            Assert.Equal(new[] { "Supported", "Supported" }, result.Output.Select(o => o.Properties["Status"].Value.ToString()));
        }
    }
}
