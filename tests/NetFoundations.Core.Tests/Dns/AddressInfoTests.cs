using System;
using System.Linq;
using System.Net.Sockets;
using System.Runtime.InteropServices;
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
            Assert.Equal("127.0.0.1", entry.Address);
            Assert.Equal(80, entry.Port);
            Assert.Equal("Stream", entry.SocketType);
            Assert.Equal("Tcp", entry.Protocol);
            Assert.Equal("localhost", entry.CanonicalName);
            Assert.Equal("127.0.0.1", entry.ComputerName);
        }

        [Fact]
        public async Task LiteralWithAPortGivesBothSocketTypes()
        {
            var entries = await Get("::1", "5353");
            Assert.Equal(new[] { "Stream", "Dgram" }, entries.Select(e => e.SocketType).Take(2));
            Assert.All(entries, e => Assert.Equal("InterNetworkV6", e.Family));
            Assert.All(entries, e => Assert.Equal("::1", e.Address));
            Assert.All(entries, e => Assert.Equal(5353, e.Port));
        }

        [Fact]
        public async Task SocketTypeFilter()
        {
            var entry = Assert.Single(await Get("127.0.0.1", "domain", type: SocketType.Dgram));
            Assert.Equal(53, entry.Port);
            Assert.Equal("Udp", entry.Protocol);
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
        public async Task ANameThatCannotExistIsANameResolutionError()
        {
            // Spaces are not allowed in host names: the resolver says no without asking any server.
            var error = await Assert.ThrowsAsync<NameResolutionException>(() => Get("no such host"));
            Assert.Equal("no such host", error.Target);
        }

        [Theory]
        [InlineData("Linux", -2, "NoName")]
        [InlineData("Linux", -5, "NoData")]
        [InlineData("Linux", -9, "AddressFamily")]
        [InlineData("Linux", -3, "Again")]
        [InlineData("Linux", -8, "Service")]
        [InlineData("Linux", -1, "BadFlags")]
        [InlineData("Linux", -6, "Family")]
        [InlineData("Linux", -11, "System")]
        [InlineData("Linux", 42, "Unknown")]
        [InlineData("OSX", 8, "NoName")]
        [InlineData("OSX", 7, "NoData")]
        [InlineData("OSX", 2, "Again")]
        [InlineData("OSX", 9, "Service")]
        [InlineData("OSX", 5, "Family")]
        [InlineData("WINDOWS", 11001, "NoName")]
        [InlineData("WINDOWS", 11002, "Again")]
        [InlineData("WINDOWS", 10109, "Service")]
        [InlineData("WINDOWS", 10047, "Family")]
        public void EachPlatformsCodesHaveTheirPosixMeaning(string platform, int code, string expected) =>
            Assert.Equal(expected, SystemResolver.Classify(code, OSPlatform.Create(platform)).ToString());

        [Theory]
        [InlineData("NoName", typeof(NameResolutionException))]
        [InlineData("NoData", typeof(NameResolutionException))]
        [InlineData("AddressFamily", typeof(NameResolutionException))]
        [InlineData("Fail", typeof(NameResolutionException))]
        [InlineData("Again", typeof(NetworkUnreachableException))]
        [InlineData("Service", typeof(InvalidNetworkRequestException))]
        [InlineData("SocketType", typeof(InvalidNetworkRequestException))]
        [InlineData("Family", typeof(InvalidNetworkRequestException))]
        [InlineData("BadFlags", typeof(InvalidNetworkRequestException))]
        [InlineData("System", typeof(NameResolutionException))]
        public void NameServiceAnswersNetworkFailuresAndBadRequestsAreDifferentErrors(string error, Type expected)
        {
            var exception = SystemResolver.Translate((ResolverError)Enum.Parse(typeof(ResolverError), error), "the resolver's text", "x.example", "smtp");
            Assert.IsType(expected, exception);
            Assert.Contains("the resolver's text", exception.Message);
        }

        [Fact]
        public void TryAgainSaysTheNameServiceCouldNotBeReached()
        {
            var network = SystemResolver.Translate(ResolverError.Again, "Temporary failure in name resolution", "x.example", null);
            Assert.Contains("could not be reached", network.Message);
            Assert.Equal("x.example", network.Target);
        }
    }
}
