using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Dns;

namespace NetFoundations.Core.Tests.Dns
{
    /// <summary>Hostile and silent servers: clear typed errors, never a hang or a crash.</summary>
    public sealed class BrokenServerTests
    {
        private static async Task<Exception> Ask(BrokenDnsServer server, string name = "www.example.test", int retries = 1)
        {
            var resolver = await DnsResolver.CreateAsync(
                new DnsResolverOptions(new[] { server.Server }, timeout: TimeSpan.FromMilliseconds(300), retries: retries), CancellationToken.None);
            return await Assert.ThrowsAnyAsync<Exception>(() => resolver.ResolveAsync(name, DnsRecordType.A, null, CancellationToken.None));
        }

        [Fact]
        public async Task SilentServerTimesOutAfterItsRetries()
        {
            using var server = new BrokenDnsServer(BrokenAnswer.Silence);
            var error = Assert.IsType<NetworkTimeoutException>(await Ask(server, retries: 2));
            Assert.Contains("no answer", error.Message);
            await server.WaitForQueries(4);
            Assert.Equal(3, server.Queries);
        }

        [Theory]
        [InlineData(BrokenAnswer.TruncatedPacket)]
        [InlineData(BrokenAnswer.CompressionLoop)]
        [InlineData(BrokenAnswer.Garbage)]
        public async Task MalformedAnswersAreProtocolViolations(BrokenAnswer answer)
        {
            using var server = new BrokenDnsServer(answer);
            var error = Assert.IsType<ProtocolViolationException>(await Ask(server));
            Assert.Contains("malformed", error.Message);
            // DnsClient's own exception dumps its pooled receive buffer (bytes of other answers, other data of the
            // process): neither its text nor the exception itself may travel with the error.
            for (Exception? e = error; e != null; e = e.InnerException)
                Assert.IsNotType<DnsClient.DnsResponseParseException>(e);
            Assert.True(error.Message.Length < 300, error.Message);
        }

        [Theory]
        [InlineData(BrokenAnswer.TcpClosed, false, "without answering")]
        [InlineData(BrokenAnswer.TcpCutShort, false, "after 2417 of the 4834 bytes it announced")]
        [InlineData(BrokenAnswer.TcpHugeLengthThenClose, false, "after 0 of the 65535 bytes it announced")]
        [InlineData(BrokenAnswer.TcpCutShort, true, "cut short")]
        public async Task AnAnswerOverTcpCutShortIsALostConnectionAtOnce(BrokenAnswer answer, bool tcpOnly, string said)
        {
            // Whether after a truncated answer over UDP or with TCP only: what happened, said at once, not a timeout.
            using var server = new BrokenDnsServer(answer);
            var resolver = await DnsResolver.CreateAsync(
                new DnsResolverOptions(new[] { server.Server }, tcpOnly, timeout: TimeSpan.FromSeconds(2), retries: 2), CancellationToken.None);
            var watch = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<ConnectionLostException>(() => resolver.ResolveAsync("www.example.test", DnsRecordType.A, null, CancellationToken.None));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), watch.Elapsed.ToString());
            Assert.Contains(said, error.Message);
            Assert.Contains(server.Server, error.Message);
        }

        [Fact]
        public async Task ALookupEndsWithinItsTotalTimeoutHoweverManyQuestionsItTakes()
        {
            // Every answer comes within the try's timeout, but the chain goes on: 16 hops would take 5 s.
            using var server = new BrokenDnsServer(BrokenAnswer.SlowCnameChain);
            var resolver = await DnsResolver.CreateAsync(new DnsResolverOptions(new[] { server.Server }, timeout: TimeSpan.FromSeconds(1), retries: 0,
                totalTimeout: TimeSpan.FromSeconds(1)), CancellationToken.None);
            var watch = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<NetworkTimeoutException>(() => resolver.ResolveAsync("www.example.test", DnsRecordType.A, null, CancellationToken.None));
            Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(2));
            Assert.Contains("did not end within 1 s", error.Message);
            Assert.True(server.Queries >= 3, $"{server.Queries} questions");
        }

        [Fact]
        public async Task ManyLookupsEachEndWithinTheirTotalTimeout()
        {
            // The batch loop's own try and DnsClient's after it share the lookup's total, counted from its start.
            using var server = new BrokenDnsServer(BrokenAnswer.Silence);
            var resolver = await DnsResolver.CreateAsync(new DnsResolverOptions(new[] { server.Server }, timeout: TimeSpan.FromSeconds(5), retries: 3,
                totalTimeout: TimeSpan.FromSeconds(1)), CancellationToken.None);
            var lookups = new System.Collections.Generic.List<DnsLookup>();
            var watch = Stopwatch.StartNew();
            await resolver.LookupManyAsync(new[] { "a.example.test", "b.example.test" }, DnsRecordType.A, false, 2, run => lookups.AddRange(run), null, CancellationToken.None);
            Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(2));
            Assert.All(lookups, l => Assert.Contains("did not end within 1 s", Assert.IsType<NetworkTimeoutException>(l.Error).Message));
        }

        [Fact]
        public async Task AnswerWithWrongIdIsNotTaken()
        {
            using var server = new BrokenDnsServer(BrokenAnswer.WrongId);
            var error = Assert.IsType<ProtocolViolationException>(await Ask(server));
            Assert.Contains("ID", error.Message);
        }

        [Fact]
        public async Task CnameLoopIsAProtocolViolation()
        {
            using var server = new BrokenDnsServer(BrokenAnswer.CnameLoop);
            var error = Assert.IsType<ProtocolViolationException>(await Ask(server, "a.broken"));
            Assert.Contains("loops", error.Message);
        }

        [Fact]
        public async Task NobodyListeningIsAClearError()
        {
            var port = NetFoundations.Tests.Dns.BindServer.FreePort();
            var resolver = await DnsResolver.CreateAsync(
                new DnsResolverOptions(new[] { $"127.0.0.1:{port}" }, timeout: TimeSpan.FromMilliseconds(300), retries: 0), CancellationToken.None);
            var error = await Assert.ThrowsAnyAsync<NetworkException>(() => resolver.ResolveAsync("www.example.test", DnsRecordType.A, null, CancellationToken.None));
            Assert.True(error is ConnectionRefusedException || error is NetworkTimeoutException, error.ToString());
            Assert.Contains($"127.0.0.1:{port}", error.Message);
        }

        [Fact]
        public async Task CancellationEndsAWaitWithinASecond()
        {
            using var server = new BrokenDnsServer(BrokenAnswer.Silence);
            var resolver = await DnsResolver.CreateAsync(
                new DnsResolverOptions(new[] { server.Server }, timeout: TimeSpan.FromSeconds(30), retries: 0), CancellationToken.None);
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            var watch = Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => resolver.ResolveAsync("www.example.test", DnsRecordType.A, null, cancel.Token));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), watch.Elapsed.ToString());
        }
    }
}
