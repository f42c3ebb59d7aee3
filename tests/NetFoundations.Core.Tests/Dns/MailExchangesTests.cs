using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Dns;
using NetFoundations.Tests.Dns;

namespace NetFoundations.Core.Tests.Dns
{
    public sealed class MailExchangesTests : IClassFixture<BindServer>
    {
        private readonly BindServer server;

        public MailExchangesTests(BindServer server) => this.server = server;

        private async Task<MailExchange[]> Resolve(string domain)
        {
            var resolver = await DnsResolver.CreateAsync(new DnsResolverOptions(new[] { server.Server }), CancellationToken.None);
            return (await MailExchanges.ResolveAsync(resolver, domain, null, CancellationToken.None)).ToArray();
        }

        [Fact]
        public async Task ExchangesInPreferenceOrderWithTheirAddresses()
        {
            var exchanges = await Resolve("example.test");
            Assert.Equal(new[] { 10, 20, 30 }, exchanges.Select(e => e.Preference));
            Assert.All(exchanges, e => Assert.Equal(MailExchangeKind.Mx, e.Kind));
            Assert.Equal(new[] { "127.0.0.21", "::1" }, exchanges[0].Addresses);
            Assert.Equal(new[] { "127.0.0.22" }, exchanges[1].Addresses);
            Assert.Equal("mail1.example.test", exchanges[0].ComputerName);
            Assert.Equal(25, exchanges[0].Port);
        }

        [Fact]
        public async Task ExchangeThatIsACnameIsFollowed()
        {
            var alias = (await Resolve("example.test")).Single(e => e.Exchange == "mailalias.example.test");
            Assert.Equal("mail3.example.test", alias.CanonicalName);
            Assert.Equal(new[] { "127.0.0.23" }, alias.Addresses);
        }

        [Fact]
        public async Task NoMxMeansTheDomainItself()
        {
            var exchange = Assert.Single(await Resolve("nomx.example.test"));
            Assert.Equal(MailExchangeKind.Implicit, exchange.Kind);
            Assert.Equal("nomx.example.test", exchange.Exchange);
            Assert.Equal(new[] { "127.0.0.30", "::1" }, exchange.Addresses);
        }

        [Fact]
        public async Task NullMxAcceptsNoMail()
        {
            var exchange = Assert.Single(await Resolve("nullmx.example.test"));
            Assert.Equal(MailExchangeKind.NullMx, exchange.Kind);
            Assert.False(exchange.AcceptsMail);
            Assert.Null(exchange.ComputerName);
            Assert.Empty(exchange.Addresses);
        }

        [Fact]
        public async Task ExchangeThatDoesNotExistIsListedWithTheProblem()
        {
            var exchange = Assert.Single(await Resolve("badmx.example.test"));
            Assert.Empty(exchange.Addresses);
            Assert.Contains("NXDOMAIN", exchange.Problem);
        }

        [Fact]
        public async Task MissingDomainIsNxDomain()
        {
            var error = await Assert.ThrowsAsync<DnsQueryException>(() => Resolve("nothere.example.test"));
            Assert.Equal("NXDOMAIN", error.ResponseCode);
        }

        [Fact]
        public async Task DomainWithNeitherMxNorAddressesIsNoData()
        {
            var error = await Assert.ThrowsAsync<DnsQueryException>(() => Resolve("_tcp.example.test"));
            Assert.Equal(DnsQueryException.NoData, error.ResponseCode);
            Assert.Contains("neither MX nor address", error.Message);
        }
    }
}
