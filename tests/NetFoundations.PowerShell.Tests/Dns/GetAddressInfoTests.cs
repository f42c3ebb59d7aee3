using System.Linq;
using System.Net;

namespace NetFoundations.PowerShell.Tests.Dns
{
    /// <summary>Get-AddressInfo on names that never leave the machine (the hosts file and literals).</summary>
    public sealed class GetAddressInfoTests : IClassFixture<ModuleSession>
    {
        private readonly ModuleSession session;

        public GetAddressInfoTests(ModuleSession session) => this.session = session;

        [Fact]
        public void EntriesForANameAndService()
        {
            var result = session.Run("Get-AddressInfo localhost smtp -Family IPv4");
            Assert.Empty(result.Errors);
            var entry = Assert.Single(result.Output);
            Assert.Equal(IPAddress.Loopback, entry.Properties["Address"].Value);
            Assert.Equal(25, entry.Properties["Port"].Value);
            Assert.Equal("Stream", entry.Properties["SocketType"].Value.ToString());
            Assert.Equal("localhost", entry.Properties["CanonicalName"].Value);
        }

        [Fact]
        public void PipedNamesAndSocketTypeFilter()
        {
            var result = session.Run("'127.0.0.1', '::1' | Get-AddressInfo -Service 53 -SocketType Dgram");
            Assert.Empty(result.Errors);
            Assert.Equal(new[] { "127.0.0.1", "::1" }, result.Output.Select(o => o.Properties["ComputerName"].Value));
        }

        [Theory]
        [InlineData("Get-AddressInfo localhost no-such-service", "InvalidRequest")]
        [InlineData("Get-AddressInfo 127.0.0.1 -Family IPv6", "NameResolutionFailed")]
        [InlineData("Get-AddressInfo localhost -Family IPv5", "ParameterArgumentValidationError")]
        public void FailuresAreTypedErrors(string script, string errorId)
        {
            var result = session.Run(script);
            Assert.Equal(errorId, EngineResult.ErrorId(result.SingleError));
        }

        [Fact]
        public void HelpHasSynopsisAndExamples()
        {
            var help = Assert.Single(session.Run("Get-Help Get-AddressInfo -Full").Output);
            Assert.Contains("getaddrinfo", help.Properties["Synopsis"].Value.ToString());
            var examples = (System.Management.Automation.PSObject)help.Properties["examples"].Value;
            Assert.True(((object[])examples.Properties["example"].Value).Length >= 2);
        }
    }
}
