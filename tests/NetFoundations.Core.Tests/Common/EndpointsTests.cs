using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core;

namespace NetFoundations.Core.Tests
{
    public class EndpointsTests
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

        // A 64-character label: the system resolver rejects it without sending a query anywhere.
        private static readonly string UnresolvableName = new string('x', 64) + ".invalid";

        [Theory]
        [InlineData("127.0.0.1", "127.0.0.1")]
        [InlineData("::1", "::1")]
        [InlineData("[::1]", "::1")]
        public async Task Address_literals_need_no_resolver(string host, string expected)
        {
            var addresses = await Endpoints.ResolveAsync(host, null, Timeout, CancellationToken.None);
            Assert.Equal(IPAddress.Parse(expected), Assert.Single(addresses));
        }

        [Fact]
        public async Task Localhost_resolves_ipv4_first()
        {
            var addresses = await Endpoints.ResolveAsync("localhost", null, Timeout, CancellationToken.None);
            Assert.Equal(AddressFamily.InterNetwork, addresses[0].AddressFamily);
        }

        [Fact]
        public async Task An_unknown_name_is_a_name_resolution_error()
        {
            var error = await Assert.ThrowsAsync<NameResolutionException>(
                () => Endpoints.ResolveAsync(UnresolvableName, null, Timeout, CancellationToken.None));
            Assert.Equal(UnresolvableName, error.Target);
            Assert.Equal(NetworkErrorKind.NameResolution, error.Kind);
        }

        [Fact]
        public async Task A_literal_of_the_wrong_family_is_refused()
        {
            await Assert.ThrowsAsync<InvalidNetworkRequestException>(
                () => Endpoints.ResolveAsync("::1", AddressFamily.InterNetwork, Timeout, CancellationToken.None));
        }

        [Theory]
        [InlineData(0)]
        [InlineData(65536)]
        public void Ports_outside_the_range_are_rejected(int port)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => Endpoints.ValidatePort(port));
        }

        [Fact]
        public void Ipv6_hosts_are_bracketed()
        {
            Assert.Equal("[::1]:80", Endpoints.Format("::1", 80));
            Assert.Equal("localhost:80", Endpoints.Format("localhost", 80));
        }

        [Fact]
        public void Socket_errors_map_to_the_families()
        {
            Assert.IsType<ConnectionRefusedException>(SocketErrors.Translate(new SocketException((int)SocketError.ConnectionRefused), "h:1"));
            Assert.IsType<NetworkUnreachableException>(SocketErrors.Translate(new SocketException((int)SocketError.NetworkUnreachable), "h:1"));
            Assert.IsType<NetworkTimeoutException>(SocketErrors.Translate(new SocketException((int)SocketError.TimedOut), "h:1"));
            Assert.IsType<ConnectionLostException>(SocketErrors.Translate(new SocketException((int)SocketError.ConnectionReset), "h:1"));
        }
    }
}
