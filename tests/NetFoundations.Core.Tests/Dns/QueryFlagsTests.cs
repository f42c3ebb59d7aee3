using System;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Dns;

namespace NetFoundations.Core.Tests.Dns
{
    /// <summary>What goes out on the wire for the query options, read from the query a (silent) server received.</summary>
    public sealed class QueryFlagsTests
    {
        private static async Task<byte[]> QueryFor(bool dnssecOk, bool recursion = true)
        {
            using var server = new BrokenDnsServer(BrokenAnswer.Silence);
            var options = new DnsResolverOptions(new[] { server.Server }, recursion: recursion, dnssecOk: dnssecOk, timeout: TimeSpan.FromMilliseconds(200), retries: 0);
            var resolver = await DnsResolver.CreateAsync(options, CancellationToken.None);
            await Assert.ThrowsAnyAsync<NetworkException>(() => resolver.ResolveAsync("www.example.test", DnsRecordType.A, null, CancellationToken.None));
            await server.WaitForQueries(1);
            return Assert.IsType<byte[]>(server.LastQuery);
        }

        /// <summary>The DO bit (RFC 3225) of the query's EDNS OPT record; false when there is no OPT record.</summary>
        private static bool DnssecOkBit(byte[] query)
        {
            var offset = 12;
            while (query[offset] != 0)
                offset += query[offset] + 1;   // the question's name, label by label (a query has no pointers)
            offset += 1 + 4;                   // its root label, QTYPE and QCLASS
            var additional = (query[10] << 8) | query[11];
            if (additional == 0)
                return false;
            // OPT: root name (1), TYPE 41 (2), CLASS = UDP size (2), TTL = extended RCODE (1), version (1), flags (2).
            Assert.Equal(0, query[offset]);
            Assert.Equal(41, (query[offset + 1] << 8) | query[offset + 2]);
            return (query[offset + 7] & 0x80) != 0;
        }

        [Fact]
        public async Task DnssecOkSetsTheDoBit()
        {
            Assert.True(DnssecOkBit(await QueryFor(dnssecOk: true)));
        }

        [Fact]
        public async Task WithoutDnssecOkTheDoBitIsClear()
        {
            Assert.False(DnssecOkBit(await QueryFor(dnssecOk: false)));
        }

        [Fact]
        public async Task NoRecursionClearsTheRdBit()
        {
            Assert.Equal(0x01, (await QueryFor(dnssecOk: false))[2] & 0x01);
            Assert.Equal(0x00, (await QueryFor(dnssecOk: false, recursion: false))[2] & 0x01);
        }
    }
}
