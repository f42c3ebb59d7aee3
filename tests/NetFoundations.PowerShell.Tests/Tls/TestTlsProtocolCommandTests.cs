using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

using NetFoundations.Core.Tests.Tls;

namespace NetFoundations.PowerShell.Tests.Tls
{
    public class TestTlsProtocolCommandTests : IClassFixture<TlsFixture>
    {
        private readonly TlsServers servers;
        private readonly ModuleSession session;

        public TestTlsProtocolCommandTests(TlsFixture fixture)
        {
            servers = fixture.Servers;
            session = fixture.Session;
        }

        [Fact]
        public void One_result_per_version_binding_the_port_by_property_name()
        {
            var result = session.Run("[pscustomobject]@{ ComputerName = 'localhost'; Port = $port } | Test-TlsProtocol -Protocol Tls12, Tls13",
                new Dictionary<string, object?> { ["port"] = servers.Port("tls12") });
            Assert.Empty(result.Errors);
            var statuses = result.Output.ToDictionary(o => o.Properties["Protocol"].Value.ToString()!, o => o.Properties["Status"].Value.ToString());
            Assert.Equal("Supported", statuses["Tls12"]);
            Assert.Equal("NotSupported", statuses["Tls13"]);
        }

        [Fact]
        public void A_refused_connection_is_an_error()
        {
            var result = session.Run($"Test-TlsProtocol 127.0.0.1 -Port {TestTlsCertificateCommandTests.ClosedPort()}");
            Assert.Equal("ConnectionRefused", EngineResult.ErrorId(result.SingleError));
            Assert.Empty(result.Output);
        }

        /// <summary>
        /// In a process whose OpenSSL may offer TLS 1.0 (OPENSSL_CONF lowers the security level), the
        /// servers' real answers come through: accepted by the legacy server, refused by the TLS 1.2 one.
        /// Without that configuration this machine cannot offer it, which must never read as a refusal.
        /// </summary>
        [Fact]
        public void TLS_1_0_is_refused_or_accepted_by_the_server_or_not_testable_here()
        {
            var script = "Import-Module $env:NF_MODULE; foreach ($port in $env:NF_LEGACY, $env:NF_TLS12) { " +
                         "Test-TlsProtocol 127.0.0.1 -Port $port -Protocol Tls10 | ForEach-Object { [Console]::Out.WriteLine([string]$_.Status) } }";
            var legacyConfig = Path.Combine(ModuleSession.RepositoryRoot(), "tests", "servers", "tls", "openssl-legacy.cnf");
            Assert.Equal(new[] { "Supported", "NotSupported" }, RunEngine(script, legacyConfig));
            Assert.Equal(new[] { "NotTestableHere", "NotTestableHere" }, RunEngine(script, null));
        }

        private string[] RunEngine(string script, string? opensslConfig)
        {
            var run = PwshProcess.Run(script, new Dictionary<string, string?>
            {
                ["NF_MODULE"] = session.ManifestPath,
                ["NF_LEGACY"] = servers.Port("legacy").ToString(),
                ["NF_TLS12"] = servers.Port("tls12").ToString(),
                ["OPENSSL_CONF"] = opensslConfig,
            });
            Assert.True(run.ExitCode == 0, run.Error);
            return run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
    }
}
