using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Dns;

namespace NetFoundations.Core.Tests.Dns
{
    /// <summary>The system resolver, on names that never leave the machine (the hosts file and literals).</summary>
    public sealed class AddressInfoTests
    {
        private static Task<System.Collections.Generic.IReadOnlyList<AddressInfo>> Get(string host, string? service = null,
            AddressFamily? family = null, SocketType? type = null) =>
            AddressInfoLookup.GetAsync(host, service, family, type, TimeSpan.FromSeconds(5), CancellationToken.None);

        [Fact]
        public async Task HostsFileNameWithATcpOnlyService()
        {
            var entry = Assert.Single(await Get("localhost", "http", AddressFamily.InterNetwork));
            Assert.Equal(IPAddress.Loopback, entry.Address);
            Assert.Equal(80, entry.Port);
            Assert.Equal(SocketType.Stream, entry.SocketType);
            Assert.Equal(ProtocolType.Tcp, entry.Protocol);
            Assert.Equal("localhost", entry.CanonicalName);
            Assert.Equal("127.0.0.1", entry.ComputerName);
        }

        [Fact]
        public async Task LiteralWithAPortGivesBothSocketTypes()
        {
            var entries = await Get("::1", "5353");
            Assert.Equal(new[] { SocketType.Stream, SocketType.Dgram }, entries.Select(e => e.SocketType));
            Assert.All(entries, e => Assert.Equal(AddressFamily.InterNetworkV6, e.Family));
            Assert.All(entries, e => Assert.Equal(5353, e.Port));
        }

        [Fact]
        public async Task SocketTypeFilter()
        {
            var entry = Assert.Single(await Get("127.0.0.1", "domain", type: SocketType.Dgram));
            Assert.Equal(53, entry.Port);
            Assert.Equal(ProtocolType.Udp, entry.Protocol);
        }

        [Fact]
        public async Task BadRequestsAreClearErrors()
        {
            await Assert.ThrowsAsync<InvalidNetworkRequestException>(() => Get("localhost", "no-such-service"));
            await Assert.ThrowsAsync<InvalidNetworkRequestException>(() => Get("localhost", "http", type: SocketType.Dgram));
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Get("localhost", "70000"));
            await Assert.ThrowsAsync<NameResolutionException>(() => Get("127.0.0.1", family: AddressFamily.InterNetworkV6));
        }

        [Fact]
        public void NameServiceAnswersAndNetworkFailuresAreDifferentErrors()
        {
            Assert.IsType<NameResolutionException>(AddressInfoLookup.Translate(new SocketException((int)SocketError.HostNotFound), "x.example"));
            Assert.IsType<NameResolutionException>(AddressInfoLookup.Translate(new SocketException((int)SocketError.NoData), "x.example"));
            var network = AddressInfoLookup.Translate(new SocketException((int)SocketError.TryAgain), "x.example");
            Assert.IsType<NetworkUnreachableException>(network);
            Assert.Contains("could not be reached", network.Message);
        }
    }
}
