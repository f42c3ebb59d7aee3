using System;
using System.Net;
using NetFoundations.Core.Dns;

namespace NetFoundations.Core.Tests.Dns
{
    public sealed class DnsNamesTests
    {
        [Theory]
        [InlineData("192.0.2.1", "192.0.2.1", 53)]
        [InlineData("192.0.2.1:5353", "192.0.2.1", 5353)]
        [InlineData("[::1]:5353", "::1", 5353)]
        [InlineData("[::1]", "::1", 53)]
        [InlineData("::1", "::1", 53)]
        [InlineData("ns1.example.test:53", "ns1.example.test", 53)]
        public void ServerForms(string text, string host, int port)
        {
            Assert.Equal((host, port), DnsResolverOptions.ParseServer(text));
        }

        [Theory]
        [InlineData("host:0")]
        [InlineData("host:70000")]
        [InlineData("host:dns")]
        [InlineData("[::1")]
        [InlineData("[::1]x")]
        [InlineData(":53")]
        [InlineData(" ")]
        public void BadServersAreArgumentErrors(string text)
        {
            Assert.Throws<ArgumentException>(() => DnsResolverOptions.ParseServer(text));
        }

        [Fact]
        public void QuestionForNamesAndAddresses()
        {
            Assert.Equal(("example.test", DnsRecordType.A), DnsNames.Question("example.test.", null));
            Assert.Equal(("example.test", DnsRecordType.MX), DnsNames.Question("example.test", DnsRecordType.MX));
            Assert.Equal(("2.2.0.192.in-addr.arpa", DnsRecordType.PTR), DnsNames.Question("192.0.2.2", null));
            Assert.Equal(("10", DnsRecordType.A), DnsNames.Question("10", null));
            Assert.Equal("b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa",
                DnsNames.ReverseName(IPAddress.Parse("4321:0:1:2:3:4:567:89ab")));
        }
    }
}
