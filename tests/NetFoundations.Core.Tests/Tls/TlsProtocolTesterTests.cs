using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Tls;

namespace NetFoundations.Core.Tests.Tls
{
    public class TlsProtocolTesterTests : IClassFixture<TlsServers>
    {
        private readonly TlsServers servers;

        public TlsProtocolTesterTests(TlsServers servers) => this.servers = servers;

        private async Task<Dictionary<TlsVersion, TlsProtocolResult>> Test(string server, params TlsVersion[] versions) =>
            (await TlsProtocolTester.TestAsync(new TlsTarget("127.0.0.1", servers.Port(server)), new TlsClientOptions(), versions,
                TimeSpan.FromSeconds(10), new Transcript(), CancellationToken.None)).ToDictionary(r => r.Protocol);

        [Fact]
        public async Task A_TLS_1_2_only_server_accepts_1_2_and_refuses_1_3()
        {
            var results = await Test("tls12", TlsVersion.Tls12, TlsVersion.Tls13);
            Assert.Equal(TlsProtocolStatus.Supported, results[TlsVersion.Tls12].Status);
            Assert.True(results[TlsVersion.Tls12].IsSupported);
            Assert.StartsWith("TLS_", results[TlsVersion.Tls12].CipherSuite);
            Assert.Equal(TlsProtocolStatus.NotSupported, results[TlsVersion.Tls13].Status);
            Assert.False(results[TlsVersion.Tls13].IsSupported);
            Assert.NotNull(results[TlsVersion.Tls13].Message);
        }

        [Fact]
        public async Task A_TLS_1_3_only_server_accepts_1_3_and_refuses_1_2()
        {
            var results = await Test("tls13", TlsVersion.Tls12, TlsVersion.Tls13);
            Assert.Equal(TlsProtocolStatus.NotSupported, results[TlsVersion.Tls12].Status);
            Assert.Equal(TlsProtocolStatus.Supported, results[TlsVersion.Tls13].Status);
        }

        [Fact]
        public async Task All_four_versions_are_tested_when_none_are_named()
        {
            var results = await Test("valid");
            Assert.Equal(new[] { TlsVersion.Tls10, TlsVersion.Tls11, TlsVersion.Tls12, TlsVersion.Tls13 }, results.Keys.OrderBy(v => v));
            Assert.Equal(TlsProtocolStatus.Supported, results[TlsVersion.Tls12].Status);
            Assert.Equal(TlsProtocolStatus.Supported, results[TlsVersion.Tls13].Status);
        }

        /// <summary>
        /// OpenSSL 3 at its default security level will not offer TLS 1.0/1.1 (the child-process test in
        /// the cmdlet tests lowers it and sees the servers' real answers). Whatever this machine can do,
        /// a server that accepts the version is never reported as refusing it, and one that refuses it
        /// is never reported as accepting it; "not testable here" is this machine's answer for both.
        /// </summary>
        [Theory]
        [InlineData(TlsVersion.Tls10)]
        [InlineData(TlsVersion.Tls11)]
        public async Task Old_versions_are_not_testable_here_or_truly_answered(TlsVersion version)
        {
            var legacy = (await Test("legacy", version))[version];
            var modern = (await Test("tls12", version))[version];
            Assert.NotEqual(TlsProtocolStatus.NotSupported, legacy.Status);
            Assert.NotEqual(TlsProtocolStatus.Supported, modern.Status);
            Assert.Equal(legacy.Status == TlsProtocolStatus.NotTestableHere, modern.Status == TlsProtocolStatus.NotTestableHere);
            if (legacy.Status == TlsProtocolStatus.NotTestableHere)
            {
                Assert.Null(legacy.IsSupported);
                Assert.Contains("will not offer", legacy.Message);
            }
        }

        [Fact]
        public async Task A_closed_port_is_an_error_not_a_refused_version()
        {
            await Assert.ThrowsAsync<ConnectionRefusedException>(() =>
                TlsProtocolTester.TestAsync(new TlsTarget("127.0.0.1", TlsCertificateTesterTests.ClosedPort()), new TlsClientOptions(), null,
                    TimeSpan.FromSeconds(5), new Transcript(), CancellationToken.None));
        }
    }
}
