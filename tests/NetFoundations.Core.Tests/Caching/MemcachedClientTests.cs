using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Caching;
using NetFoundations.Core.Tests.Tcp;

namespace NetFoundations.Core.Tests.Caching
{
    /// <summary>The memcached client against three real memcached instances, and pymemcache as the independent peer.</summary>
    public sealed class MemcachedClientTests : IClassFixture<MemcachedServers>
    {
        private readonly MemcachedServers servers;
        private readonly Transcript transcript = new Transcript();
        // Every call of a test ends within 30 s, so that a defect is a failure and not a hang.
        private readonly CancellationToken Ct = new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

        public MemcachedClientTests(MemcachedServers servers) => this.servers = servers;

        private Task<MemcachedSession> ConnectAsync(KeyDistribution distribution = KeyDistribution.Ketama, params string[] only) =>
            MemcachedClient.ConnectAsync(new MemcachedOptions { Servers = only.Length > 0 ? only : servers.Servers, KeyDistribution = distribution },
                transcript, Ct);

        private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}";

        [Fact]
        public async Task SetThenGetGivesTextBackFromTheServerTheKeyMapsTo()
        {
            using var session = await ConnectAsync();
            var client = session.Connection();
            var key = Unique("text");

            var stored = await client.StoreAsync(MemcachedOperation.Set, key, 0, Encoding.UTF8.GetBytes("héllo"), 60, null, transcript, Ct);
            var got = await client.GetAsync(new[] { key }, false, transcript, Ct);

            Assert.True(stored.Succeeded);
            var item = Assert.Single(got.Items);
            Assert.Equal("héllo", item.Value);
            Assert.Equal(client.ServerFor(key), item.Server);
            Assert.Equal(stored.Server, item.Server);
        }

        [Fact]
        public async Task MultiGetSpreadsOverEveryServerAndKeepsTheOrderAsked()
        {
            using var session = await ConnectAsync(KeyDistribution.Rendezvous);
            var client = session.Connection();
            var keys = Enumerable.Range(0, 300).Select(i => Unique($"k{i}")).ToArray();
            foreach (var key in keys)
                await client.StoreAsync(MemcachedOperation.Set, key, 1, new[] { (byte)key.Length, (byte)0xff }, 60, null, transcript, Ct);

            var got = await client.GetAsync(keys.Append(Unique("missing")).ToArray(), true, transcript, Ct);

            Assert.Empty(got.Failures);
            Assert.Equal(keys, got.Items.Select(i => i.Key));
            Assert.Equal(servers.Servers.OrderBy(s => s), got.Items.Select(i => i.Server).Distinct().OrderBy(s => s));
            Assert.All(got.Items, i => Assert.True(i.Cas > 0));
            Assert.All(got.Items, i => Assert.Equal(new[] { (byte)i.Key.Length, (byte)0xff }, Assert.IsType<byte[]>(i.Value)));
        }

        [Fact]
        public async Task AddReplaceAppendPrependAndCasFollowTheProtocol()
        {
            using var session = await ConnectAsync();
            var client = session.Connection();
            var key = Unique("modes");
            byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

            Assert.False((await client.StoreAsync(MemcachedOperation.Replace, key, 0, Text("x"), 60, null, transcript, Ct)).Succeeded);
            Assert.True((await client.StoreAsync(MemcachedOperation.Add, key, 0, Text("b"), 60, null, transcript, Ct)).Succeeded);
            Assert.False((await client.StoreAsync(MemcachedOperation.Add, key, 0, Text("x"), 60, null, transcript, Ct)).Succeeded);
            await client.StoreAsync(MemcachedOperation.Append, key, 0, Text("c"), 0, null, transcript, Ct);
            await client.StoreAsync(MemcachedOperation.Prepend, key, 0, Text("a"), 0, null, transcript, Ct);
            var item = (await client.GetAsync(new[] { key }, true, transcript, Ct)).Items.Single();
            Assert.Equal("abc", item.Value);

            var cas = await client.StoreAsync(MemcachedOperation.Cas, key, 0, Text("new"), 60, item.Cas, transcript, Ct);
            var stale = await client.StoreAsync(MemcachedOperation.Cas, key, 0, Text("lost"), 60, item.Cas, transcript, Ct);

            Assert.True(cas.Succeeded);
            Assert.False(stale.Succeeded);
            Assert.Equal("EXISTS", stale.Reply);
            Assert.Equal("new", (await client.GetAsync(new[] { key }, false, transcript, Ct)).Items.Single().Value);
        }

        [Fact]
        public async Task CountersTouchAndDelete()
        {
            using var session = await ConnectAsync();
            var client = session.Connection();
            var key = Unique("counter");

            var missing = await client.CounterAsync(key, true, 1, null, 0, transcript, Ct);
            var created = await client.CounterAsync(key, true, 1, 10, 60, transcript, Ct);
            var up = await client.CounterAsync(key, true, 5, 10, 60, transcript, Ct);
            var down = await client.CounterAsync(key, false, 100, null, 0, transcript, Ct);
            var touched = await client.TouchAsync(key, 120, transcript, Ct);
            var deleted = await client.DeleteAsync(key, transcript, Ct);
            var again = await client.DeleteAsync(key, transcript, Ct);

            Assert.False(missing.Succeeded);
            Assert.Equal(10UL, created.Counter);
            Assert.Equal(15UL, up.Counter);
            Assert.Equal(0UL, down.Counter); // memcached's decr stops at 0
            Assert.True(touched.Succeeded);
            Assert.True(deleted.Succeeded);
            Assert.Equal("NOT_FOUND", again.Reply);
        }

        [Fact]
        public async Task StatsComeFromEveryServer()
        {
            using var session = await ConnectAsync();

            var (stats, failures) = await session.Connection().StatsAsync(null, transcript, Ct);

            Assert.Empty(failures);
            Assert.Equal(servers.Servers, stats.Select(s => s.Server));
            Assert.All(stats, s => Assert.Equal(16L << 20, s.LimitMaxBytes));
            Assert.All(stats, s => Assert.False(string.IsNullOrEmpty(s.Version)));
        }

        [Theory]
        [InlineData("has space")]
        [InlineData("tab\there")]
        [InlineData("")]
        public async Task BadKeysAreInvalidRequests(string key)
        {
            using var session = await ConnectAsync();
            var error = await Assert.ThrowsAsync<InvalidNetworkRequestException>(() =>
                session.Connection().GetAsync(new[] { key }, false, transcript, Ct));
            Assert.Contains("key", error.Message);
        }

        [Fact]
        public async Task AKeyOfMoreThan250BytesIsRefusedBeforeAnythingIsSent()
        {
            using var session = await ConnectAsync();
            var error = await Assert.ThrowsAsync<InvalidNetworkRequestException>(() =>
                session.Connection().StoreAsync(MemcachedOperation.Set, new string('é', 126), 0, new byte[1], 0, null, transcript, Ct));
            Assert.Contains("252 bytes", error.Message);
        }

        [Fact]
        public async Task AValueOverTheServersItemLimitIsItsRemoteError()
        {
            using var session = await MemcachedClient.ConnectAsync(
                new MemcachedOptions { Servers = servers.Servers, MaxValueBytes = 4 << 20 }, transcript, Ct);
            var error = await Assert.ThrowsAsync<RemoteErrorException>(() =>
                session.Connection().StoreAsync(MemcachedOperation.Set, Unique("big"), 1, new byte[2 << 20], 0, null, transcript, Ct));
            Assert.Equal("SERVER_ERROR", error.ReplyCode);
        }

        [Fact]
        public async Task StoresInPipelinedBatchesGiveEachItsOwnOutcomeInOrder()
        {
            using var session = await MemcachedClient.ConnectAsync(
                new MemcachedOptions { Servers = servers.Servers, MaxValueBytes = 4 << 20 }, transcript, Ct);
            var client = session.Connection();
            var stores = Enumerable.Range(0, 250)
                .Select(i => new MemcachedStore(MemcachedOperation.Set, i == 10 ? "bad key" : Unique($"many{i}"), 0,
                    i == 70 ? new byte[2 << 20] : Encoding.UTF8.GetBytes($"value {i}"), 60, null))
                .ToArray();

            var outcomes = await client.StoreManyAsync(stores, transcript, Ct);

            Assert.Equal(stores.Length, outcomes.Count);
            Assert.IsType<InvalidNetworkRequestException>(outcomes[10].Error);
            Assert.Equal("SERVER_ERROR", Assert.IsType<RemoteErrorException>(outcomes[70].Error).ReplyCode);
            var stored = Enumerable.Range(0, stores.Length).Where(i => i != 10 && i != 70).ToArray();
            Assert.All(stored, i => Assert.Equal(stores[i].Key, outcomes[i].Result!.Key));
            Assert.All(stored, i => Assert.True(outcomes[i].Result!.Succeeded));
            // The refused value left the connection in step: every other item reads back as written.
            var got = await client.GetAsync(stored.Select(i => stores[i].Key).ToArray(), false, transcript, Ct);
            Assert.Equal(stored.Select(i => $"value {i}"), got.Items.Select(item => (string)item.Value!));
            Assert.Equal(servers.Servers.OrderBy(s => s), got.Items.Select(i => i.Server).Distinct().OrderBy(s => s));
        }

        [Fact]
        public async Task ADeadServerIsAnErrorNamingItAndNoKeyMoves()
        {
            var dead = $"127.0.0.1:{TcpPeer.ClosedPort()}";
            var error = await Assert.ThrowsAsync<ConnectionRefusedException>(() =>
                MemcachedClient.ConnectAsync(new MemcachedOptions { Servers = servers.Servers.Append(dead).ToList() }, transcript, Ct));
            Assert.Contains(dead, error.Message);
        }

        [Fact]
        public async Task FailoverTakesADeadServerOutAndRemapsItsKeys()
        {
            var dead = $"127.0.0.1:{TcpPeer.ClosedPort()}";
            var list = servers.Servers.Append(dead).ToList();
            using var session = await MemcachedClient.ConnectAsync(
                new MemcachedOptions { Servers = list, KeyDistribution = KeyDistribution.Ketama, Failover = true }, transcript, Ct);
            var client = session.Connection();
            var keys = Enumerable.Range(0, 50).Select(i => Unique($"f{i}")).ToArray();

            foreach (var key in keys)
                Assert.True((await client.StoreAsync(MemcachedOperation.Set, key, 0, Encoding.UTF8.GetBytes(key), 60, null, transcript, Ct)).Succeeded);

            Assert.Equal(new[] { dead }, session.DownServers);
            Assert.Equal(keys, (await client.GetAsync(keys, false, transcript, Ct)).Items.Select(i => i.Value));
        }

        [Fact]
        public async Task CacheAsideComputesOnceAndCountsHitsAndMisses()
        {
            using var session = await ConnectAsync();
            var client = session.Connection();
            var key = Unique("square");
            var computed = 0;
            Task<(uint, byte[])> Square()
            {
                Interlocked.Increment(ref computed);
                return Task.FromResult((0u, Encoding.ASCII.GetBytes("49")));
            }

            var first = await client.GetOrAddAsync(key, 60, Square, null, transcript, Ct);
            var second = await client.GetOrAddAsync(key, 60, Square, null, transcript, Ct);

            Assert.False(first.Hit);
            Assert.True(second.Hit);
            Assert.Equal("49", second.Item.Value);
            Assert.Equal(1, computed);
            Assert.Equal((1L, 1L, 1L), (session.Hits, session.Misses, session.Computed));
        }

        [Fact]
        public async Task TheLockLetsOneOfManyClientsComputeAMissedKey()
        {
            var sessions = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ConnectAsync()));
            var key = Unique("stampede");
            var computed = 0;
            async Task<(uint, byte[])> Slow()
            {
                Interlocked.Increment(ref computed);
                await Task.Delay(300);
                return (0u, Encoding.ASCII.GetBytes("done"));
            }

            var results = await Task.WhenAll(sessions.Select(s => s.Connection().GetOrAddAsync(key, 60, Slow, 5, transcript, Ct)));

            Assert.Equal(1, computed);
            Assert.All(results, r => Assert.Equal("done", r.Item.Value));
            Assert.Equal(3, sessions.Sum(s => s.LockWaits));
            foreach (var s in sessions)
                s.Dispose();
        }

        [Fact]
        public async Task PymemcacheReadsOurTextAndBytesAndWeReadItsOwn()
        {
            var server = servers.Servers[0];
            using var session = await ConnectAsync(KeyDistribution.Modulo, server);
            var client = session.Connection();
            string ours = Unique("ours-text"), oursBytes = Unique("ours-bytes"), theirs = Unique("theirs-text"), theirsBytes = Unique("theirs-bytes");

            await client.StoreAsync(MemcachedOperation.Set, ours, 0, Encoding.UTF8.GetBytes("grüße"), 60, null, transcript, Ct);
            await client.StoreAsync(MemcachedOperation.Set, oursBytes, 1, new byte[] { 0, 0xff, 0x80 }, 60, null, transcript, Ct);
            Pymemcache.Run("set", server, theirs, "grüße");
            Pymemcache.Run("set-hex", server, theirsBytes, "00ff80");

            Assert.Equal(Convert.ToHexString(Encoding.UTF8.GetBytes("grüße")).ToLowerInvariant(), Pymemcache.Run("get", server, ours).Single());
            Assert.Equal("00ff80", Pymemcache.Run("get", server, oursBytes).Single());
            var got = await client.GetAsync(new[] { theirs, theirsBytes }, false, transcript, Ct);
            Assert.Equal("grüße", got.Items[0].Value);
            // pymemcache marks bytes with flags 0 too: what is not UTF-8 stays bytes.
            Assert.Equal(new byte[] { 0, 0xff, 0x80 }, got.Items[1].Value);
        }

        [Fact]
        public void RendezvousChoosesThePymemcacheHashClientsServer()
        {
            var keys = Enumerable.Range(0, 200).Select(i => $"user:{i}:profile").ToArray();
            var distributor = new RendezvousDistributor(servers.Servers);

            var theirs = Pymemcache.Run(new[] { "node", string.Join(",", servers.Servers) }.Concat(keys).ToArray());

            Assert.Equal(theirs, keys.Select(k => servers.Servers[distributor.ServerFor(k)]));
        }

        [Fact]
        public async Task KeysWrittenByPymemcachesHashClientAreFoundByOurRendezvousSession()
        {
            using var session = await ConnectAsync(KeyDistribution.Rendezvous);
            var keys = Enumerable.Range(0, 30).Select(i => Unique($"h{i}")).ToArray();
            var nodes = Pymemcache.Run(new[] { "node", string.Join(",", servers.Servers) }.Concat(keys).ToArray());
            for (var i = 0; i < keys.Length; i++)
                Pymemcache.Run("set", nodes[i], keys[i], keys[i]);

            var got = await session.Connection().GetAsync(keys, false, transcript, Ct);

            Assert.Equal(keys, got.Items.Select(i => i.Value));
        }
    }
}
