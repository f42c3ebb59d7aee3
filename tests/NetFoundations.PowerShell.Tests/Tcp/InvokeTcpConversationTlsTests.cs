using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Xml.Linq;
using NetFoundations.Core.Tests.Tls;
using NetFoundations.PowerShell.Tests.Tls;

namespace NetFoundations.PowerShell.Tests.Tcp
{
    /// <summary>Invoke-TcpConversation -Tls against the nginx servers of tests/servers/tls.</summary>
    public sealed class InvokeTcpConversationTlsTests : IClassFixture<TlsFixture>
    {
        private const string Head = "-Message \"HEAD / HTTP/1.0`r`nHost: localhost`r`n`r`n\" -UntilClose";
        private readonly TlsServers servers;
        private readonly ModuleSession session;

        public InvokeTcpConversationTlsTests(TlsFixture fixture)
        {
            servers = fixture.Servers;
            session = fixture.Session;
        }

        private EngineResult Run(string script) => session.Run(script, new Dictionary<string, object?>
        {
            ["ca"] = servers.File("ca.crt"),
            ["key"] = servers.File("valid.key"),
            ["missing"] = servers.File("nothing.pem"),
            ["ports"] = new[] { "valid", "wrongname", "expired", "untrusted", "sni" }.ToDictionary(name => name, servers.Port),
        });

        /// <summary>The one conversation written; its types live in the module's load context, so it is read dynamically.</summary>
        private static dynamic Single(EngineResult result)
        {
            Assert.Empty(result.Errors);
            var output = Assert.Single(result.Output);
            Assert.Equal("NetFoundations.Core.Tcp.TcpConversation", output.TypeNames[0]);
            return output.BaseObject;
        }

        private static string[] Markers(dynamic conversation) =>
            ((IEnumerable<object>)conversation.Transcript).Select(e => (string)((dynamic)e).Marker).ToArray();

        [Fact]
        public void An_HTTPS_request_with_the_test_CA_succeeds_and_reports_the_protocol()
        {
            var conversation = Single(Run($"Invoke-TcpConversation 127.0.0.1 $ports.valid -Tls -CAFile $ca {Head}"));

            Assert.StartsWith("HTTP/1.1 200", (string)conversation.ReceivedText);
            Assert.NotNull((object?)conversation.Tls.Protocol);
            Assert.True((bool)conversation.Tls.Verification.IsValid);
            var markers = Markers(conversation);
            Assert.Contains("~>", markers);
            Assert.Contains("<~", markers);
            Assert.DoesNotContain("->", markers);
        }

        [Fact]
        public void The_table_view_has_a_TLS_column_that_shows_the_protocol()
        {
            var views = XDocument.Load(Path.Combine(Path.GetDirectoryName(session.ManifestPath)!, "Tcp.Format.ps1xml"));
            var view = views.Descendants("View").Single(v => v.Element("Name")!.Value == "NetFoundations.Core.Tcp.TcpConversation");
            var labels = view.Descendants("TableColumnHeader").Select(h => h.Element("Label")!.Value).ToList();
            var column = view.Descendants("TableColumnItem").ElementAt(labels.IndexOf("Tls")).Element("ScriptBlock")!.Value;

            var shown = session.Run($"Invoke-TcpConversation 127.0.0.1 $port -Tls -CAFile $ca {Head} | ForEach-Object ([scriptblock]::Create($column))",
                new Dictionary<string, object?> { ["port"] = servers.Port("valid"), ["ca"] = servers.File("ca.crt"), ["column"] = column });

            Assert.Empty(shown.Errors);
            Assert.Matches("^Tls1[23]$", Assert.Single(shown.Output).ToString());
        }

        [Fact]
        public void The_server_name_is_sent_and_checked()
        {
            var conversation = Single(Run($"Invoke-TcpConversation 127.0.0.1 $ports.sni -Tls -ServerName www.tls.test -CertificateAuthorityPath $ca {Head}"));

            Assert.Equal("CN=*.tls.test", (string)conversation.Tls.Certificate.Subject);
        }

        [Theory]
        [InlineData("wrongname")]
        [InlineData("expired")]
        [InlineData("untrusted")]
        public void A_bad_certificate_is_a_CertificateRejected_error(string server)
        {
            var result = Run($"Invoke-TcpConversation 127.0.0.1 $ports.{server} -Tls -CAFile $ca {Head}");

            Assert.Equal("CertificateRejected", EngineResult.ErrorId(result.SingleError));
            Assert.Equal(ErrorCategory.SecurityError, result.SingleError.CategoryInfo.Category);
            Assert.Empty(result.Output);
        }

        [Fact]
        public void The_system_store_does_not_trust_the_test_CA()
        {
            var result = Run($"Invoke-TcpConversation 127.0.0.1 $ports.valid -Tls {Head}");

            Assert.Equal("CertificateRejected", EngineResult.ErrorId(result.SingleError));
        }

        [Fact]
        public void Skipping_the_check_warns_and_goes_on()
        {
            var result = Run($"Invoke-TcpConversation 127.0.0.1 $ports.untrusted -Tls -SkipCertificateCheck {Head}");
            var conversation = Single(result);

            Assert.Contains(result.Warnings, w => w.Contains("not verified"));
            Assert.True((bool)conversation.Tls.CertificateCheckSkipped);
            Assert.StartsWith("HTTP/1.1 200", (string)conversation.ReceivedText);
        }

        [Fact]
        public void Plain_conversations_have_no_TLS_session()
        {
            var result = Run("Invoke-TcpConversation 127.0.0.1 $ports.valid -Message \"GET / HTTP/1.0`r`n`r`n\" -UntilClose");

            Assert.Null((object?)Single(result).Tls);
        }

        [Theory]
        [InlineData("-ServerName localhost")]
        [InlineData("-CAFile $ca")]
        [InlineData("-SkipCertificateCheck")]
        public void TLS_parameters_without_Tls_are_a_parameter_error(string parameter)
        {
            var result = Run($"Invoke-TcpConversation 127.0.0.1 $ports.valid {parameter} {Head}");

            Assert.Equal("TlsParameterWithoutTls", EngineResult.ErrorId(result.SingleError));
            Assert.Empty(result.Output);
        }

        [Fact]
        public void A_missing_or_bad_CA_file_is_a_clear_error()
        {
            Assert.Equal("PathNotFound", EngineResult.ErrorId(Run($"Invoke-TcpConversation 127.0.0.1 $ports.valid -Tls -CAFile $missing {Head}").SingleError));
            Assert.Equal("InvalidRequest", EngineResult.ErrorId(Run($"Invoke-TcpConversation 127.0.0.1 $ports.valid -Tls -CAFile $key {Head}").SingleError));
        }
    }
}
