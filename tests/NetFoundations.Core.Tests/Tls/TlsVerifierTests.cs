using System;
using System.Security.Cryptography.X509Certificates;
using NetFoundations.Core.Tls;

namespace NetFoundations.Core.Tests.Tls
{
    /// <summary>The verifier on the certificate files themselves, both with .NET's custom root trust and with the netstandard2.0 fallback.</summary>
    public class TlsVerifierTests : IClassFixture<TlsServers>
    {
        private readonly TlsServers servers;

        public TlsVerifierTests(TlsServers servers) => this.servers = servers;

        private X509Certificate2 Certificate(string name) => TlsPem.ReadCertificates(servers.File(name + ".crt"))[0];

        private TlsVerification Verify(string leaf, bool customRootTrust, params string[] presented)
        {
            var sent = Array.ConvertAll(presented, Certificate);
            return TlsVerifier.Verify(Certificate(leaf), sent, "localhost", TlsPem.ReadCertificates(servers.File("ca.crt")), DateTime.Now, customRootTrust);
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void Only_chains_ending_in_the_bundle_are_trusted(bool customRootTrust)
        {
            Assert.True(Verify("valid", customRootTrust).IsTrusted);
            Assert.True(Verify("chain", customRootTrust, "intermediate").IsTrusted);
            Assert.True(Verify("expired", customRootTrust).IsTrusted);
            Assert.False(Verify("expired", customRootTrust).IsValid);
            Assert.False(Verify("untrusted", customRootTrust).IsTrusted);
            Assert.False(Verify("untrusted", customRootTrust, "other-ca").IsTrusted);
            Assert.False(Verify("selfsigned", customRootTrust).IsTrusted);
            Assert.False(Verify("chain", customRootTrust).IsTrusted);
        }

        [Fact]
        public void A_bundle_holding_the_untrusted_CA_makes_its_leaf_trusted()
        {
            var verification = TlsVerifier.Verify(Certificate("untrusted"), Array.Empty<X509Certificate2>(), "localhost",
                TlsPem.ReadCertificates(servers.File("other-ca.crt")), DateTime.Now);
            Assert.True(verification.IsValid, string.Join(" ", verification.Problems));
        }

        [Theory]
        [InlineData("valid", "localhost", true)]
        [InlineData("valid", "LOCALHOST.", true)]
        [InlineData("valid", "tls.test", true)]
        [InlineData("valid", "127.0.0.1", true)]
        [InlineData("valid", "::1", true)]
        [InlineData("valid", "127.0.0.2", false)]
        [InlineData("valid", "www.tls.test", false)]
        [InlineData("wildcard", "www.tls.test", true)]
        [InlineData("wildcard", "tls.test", false)]
        [InlineData("wildcard", "a.b.tls.test", false)]
        [InlineData("wrongname", "localhost", false)]
        public void Names_match_as_RFC_6125_says(string leaf, string name, bool matches)
        {
            var verification = TlsVerifier.Verify(Certificate(leaf), Array.Empty<X509Certificate2>(), name, null, DateTime.Now);
            Assert.Equal(matches, verification.NameMatches);
        }
    }
}
