using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Dns;

namespace NetFoundations.Core.Tests.Dns
{
    /// <summary>
    /// Hostile DNS servers (docs/architecture.md, "Deadlines, bounds and credentials"): every case ends in a typed error
    /// within the resolver's deadline plus the grace, keeping less than 64 MiB, over UDP, over TCP and in the batch loop
    /// behind piped Resolve-DnsName2.
    /// </summary>
    [Collection(nameof(HostileCollection))]
    public sealed class DnsHostileServerTests
    {
        private static readonly TimeSpan PerTry = TimeSpan.FromSeconds(1);
        // One try over UDP and one over TCP, plus the second DnsResolver allows itself.
        private static readonly TimeSpan Deadline = PerTry + PerTry + TimeSpan.FromSeconds(1);

        private static Task<DnsResolver> Resolver(BrokenDnsServer server) =>
            DnsResolver.CreateAsync(new DnsResolverOptions(new[] { server.Server }, timeout: PerTry, retries: 0), CancellationToken.None);

        private static async Task<Exception> FailsInTime(BrokenAnswer answer, string name = "www.example.test")
        {
            using var server = new BrokenDnsServer(answer);
            var resolver = await Resolver(server);
            var outcome = await Hostile.FailsInTimeAsync(() => resolver.ResolveAsync(name, DnsRecordType.A, null, CancellationToken.None), Deadline);
            return Assert.IsAssignableFrom<NetworkException>(outcome.Error);
        }

        [Theory]
        [InlineData(BrokenAnswer.Silence)]
        [InlineData(BrokenAnswer.TcpSilence)]
        [InlineData(BrokenAnswer.TcpTrickle)]
        [InlineData(BrokenAnswer.TcpHugeLengthThenStall)]
        public async Task StallsAndTricklesTimeOut(BrokenAnswer answer)
        {
            var error = Assert.IsType<NetworkTimeoutException>(await FailsInTime(answer));
            if (answer == BrokenAnswer.TcpHugeLengthThenStall)
                Assert.Contains("0 of 65535 bytes", error.Message);
        }

        [Theory]
        [InlineData(BrokenAnswer.TcpClosed)]
        [InlineData(BrokenAnswer.TcpCutShort)]
        [InlineData(BrokenAnswer.TcpHugeLengthThenClose)]
        public async Task ConnectionsClosedEarlyAreLost(BrokenAnswer answer)
        {
            var error = Assert.IsType<ConnectionLostException>(await FailsInTime(answer));
            Assert.Contains("closed the TCP connection", error.Message);
        }

        [Theory]
        [InlineData(BrokenAnswer.CompressionLoop)]
        [InlineData(BrokenAnswer.TruncatedPacket)]
        [InlineData(BrokenAnswer.CountsBeyondData)]
        [InlineData(BrokenAnswer.Garbage)]
        public async Task MalformedAnswersAreViolations(BrokenAnswer answer)
        {
            var error = Assert.IsType<ProtocolViolationException>(await FailsInTime(answer));
            Assert.Contains("malformed", error.Message);
        }

        [Fact]
        public async Task AnAnswerToAnotherQuestionIsNotTaken()
        {
            Assert.IsType<ProtocolViolationException>(await FailsInTime(BrokenAnswer.OtherQuestion));
        }

        [Fact]
        public async Task AFloodOfGarbageAndWrongIdsEndsInATypedError()
        {
            var error = await FailsInTime(BrokenAnswer.GarbageFlood);
            Assert.True(error is ProtocolViolationException || error is NetworkTimeoutException, error.ToString());
        }

        [Fact]
        public async Task AnswersBackToBackOverTcpAreReadOneAtATime()
        {
            // DnsClient read on while bytes kept coming, combining the answers (150 MiB in 2 s); one answer is one read.
            using var server = new BrokenDnsServer(BrokenAnswer.TcpEndlessAnswers);
            var resolver = await Resolver(server);
            var records = Array.Empty<DnsRecord>();
            var outcome = await Hostile.MeasureAsync(async () =>
                records = (await resolver.ResolveAsync("www.example.test", DnsRecordType.A, null, CancellationToken.None)).ToArray());
            Assert.Null(outcome.Error);
            Assert.Equal(300, records.Length);
            Assert.True(outcome.Peak < Hostile.MaxGrowth, $"memory peaked {outcome.Peak >> 20} MiB above the start");
        }

        [Theory]
        [InlineData(BrokenAnswer.Silence)]
        [InlineData(BrokenAnswer.OtherQuestion)]
        [InlineData(BrokenAnswer.WrongId)]
        [InlineData(BrokenAnswer.GarbageFlood)]
        [InlineData(BrokenAnswer.CompressionLoop)]
        [InlineData(BrokenAnswer.CountsBeyondData)]
        [InlineData(BrokenAnswer.TcpCutShort)]
        public async Task TheBatchLoopEndsEveryLookupInATypedError(BrokenAnswer answer)
        {
            using var server = new BrokenDnsServer(answer);
            var resolver = await Resolver(server);
            var names = Enumerable.Range(0, 20).Select(i => $"host{i}.example.test").ToArray();
            var lookups = new System.Collections.Generic.List<DnsLookup>();
            // The batch's own try, then DnsClient's over UDP and the TCP leg, each a try long.
            var outcome = await Hostile.FailsInTimeAsync(async () =>
            {
                await resolver.LookupManyAsync(names, DnsRecordType.A, false, names.Length, run => lookups.AddRange(run), null, CancellationToken.None);
                throw Assert.Single(lookups.Select(l => l.Error).Where(e => e != null).Take(1))!;
            }, Deadline + PerTry);
            Assert.Equal(names, lookups.Select(l => l.Name));
            Assert.All(lookups, l => Assert.IsAssignableFrom<NetworkException>(l.Error));
        }
    }
}
