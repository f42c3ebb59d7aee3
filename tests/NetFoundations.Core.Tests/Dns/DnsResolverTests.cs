using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core;
using NetFoundations.Core.Dns;
using NetFoundations.Tests.Dns;

namespace NetFoundations.Core.Tests.Dns
{
    /// <summary>Resolution against the repository's BIND on loopback, with the zones in tests/servers/dns/zones.</summary>
    public sealed class DnsResolverTests : IClassFixture<BindServer>
    {
        private readonly BindServer server;

        public DnsResolverTests(BindServer server) => this.server = server;

        private Task<DnsResolver> Resolver(bool tcpOnly = false, bool recursion = true, string? at = null) =>
            DnsResolver.CreateAsync(new DnsResolverOptions(new[] { at ?? server.Server }, tcpOnly, recursion, timeout: TimeSpan.FromSeconds(2)), CancellationToken.None);

        private async Task<DnsRecord[]> Resolve(string name, DnsRecordType? type, bool tcpOnly = false) =>
            (await (await Resolver(tcpOnly)).ResolveAsync(name, type, null, CancellationToken.None)).ToArray();

        [Fact]
        public async Task ARecordHasAddressNameAndServer()
        {
            var record = Assert.IsType<DnsARecord>(Assert.Single(await Resolve("www.example.test", DnsRecordType.A)));
            Assert.Equal("127.0.0.11", record.Address);
            Assert.Equal("www.example.test", record.Name);
            Assert.Equal("www.example.test", record.ComputerName);
            Assert.Equal(300, record.TTL);
            Assert.Equal(DnsSection.Answer, record.Section);
            Assert.Equal(server.Server, record.Server);
            Assert.Equal("127.0.0.11", record.Data);
        }

        [Fact]
        public async Task NoTypeMeansA()
        {
            Assert.IsType<DnsARecord>(Assert.Single(await Resolve("example.test", null)));
        }

        [Fact]
        public async Task AaaaOverIPv6Server()
        {
            var resolver = await Resolver(at: server.ServerV6);
            var record = Assert.IsType<DnsAaaaRecord>(Assert.Single(await resolver.ResolveAsync("www.example.test", DnsRecordType.AAAA, null, CancellationToken.None)));
            Assert.Equal("::1", record.Address);
            Assert.Equal($"[::1]:{server.Port}", record.Server);
        }

        [Fact]
        public async Task CnameChainIsFollowedAndShown()
        {
            var records = await Resolve("alias.example.test", DnsRecordType.A);
            Assert.Equal(new[] { DnsRecordType.CNAME, DnsRecordType.CNAME, DnsRecordType.A }, records.Select(r => r.Type));
            Assert.Equal("alias2.example.test", ((DnsCnameRecord)records[0]).NameHost);
            Assert.Equal("www.example.test", records[1].ComputerName);
            Assert.Equal("127.0.0.11", ((DnsARecord)records[2]).Address);
        }

        [Fact]
        public async Task CnameLeavingTheZoneIsAskedForAgain()
        {
            var records = await Resolve("outside.example.test", DnsRecordType.A);
            Assert.Equal("www.other.test", ((DnsCnameRecord)records[0]).NameHost);
            Assert.Equal("127.0.0.40", Assert.IsType<DnsARecord>(records[1]).Address);
        }

        [Fact]
        public async Task MxRecordsCarryPreferenceAndExchangeAsComputerName()
        {
            var records = (await Resolve("example.test", DnsRecordType.MX)).Cast<DnsMxRecord>().OrderBy(r => r.Preference).ToArray();
            Assert.Equal(new[] { 10, 20, 30 }, records.Select(r => r.Preference));
            Assert.Equal(new[] { "mail1.example.test", "mail2.example.test", "mailalias.example.test" }, records.Select(r => r.ComputerName));
            Assert.Equal("10 mail1.example.test", records[0].Data);
        }

        [Fact]
        public async Task NullMxIsMarked()
        {
            var record = Assert.IsType<DnsMxRecord>(Assert.Single(await Resolve("nullmx.example.test", DnsRecordType.MX)));
            Assert.True(record.IsNullMx);
            Assert.Null(record.ComputerName);
        }

        [Fact]
        public async Task SrvRecordsCarryTargetAndPort()
        {
            var records = (await Resolve("_imaps._tcp.example.test", DnsRecordType.SRV)).Cast<DnsSrvRecord>().OrderBy(r => r.Priority).ToArray();
            Assert.Equal(2, records.Length);
            Assert.Equal(993, records[0].Port);
            Assert.Equal(5, records[0].Weight);
            Assert.Equal("mail1.example.test", records[0].ComputerName);
            Assert.Equal(10993, records[1].Port);
        }

        [Fact]
        public async Task LongTxtArrivesWholeOverTcpAfterTruncation()
        {
            var record = Assert.IsType<DnsTxtRecord>(Assert.Single(await Resolve("long.example.test", DnsRecordType.TXT)));
            Assert.Equal(8, record.GetStrings().Count);
            Assert.Equal(1520, record.Text.Length); // more than BIND sends over UDP (1232 bytes)
        }

        [Fact]
        public async Task TcpOnlyAnswersToo()
        {
            var resolver = await Resolver(tcpOnly: true);
            var response = await resolver.QueryAsync("long.example.test", DnsRecordType.TXT, null, CancellationToken.None);
            Assert.False(response.IsTruncated);
            Assert.True(response.MessageSize > 1520);
            Assert.Equal(1520, ((DnsTxtRecord)response.Answers.Single()).Text.Length);
        }

        [Fact]
        public async Task OverTcpTheModulesReaderReadsWhatDnsClientReadsOverUdp()
        {
            // TCP answers are read by DnsWire, UDP answers by DnsClient: the same records, spelled the same.
            var udp = await Resolver();
            var tcp = await Resolver(tcpOnly: true);
            var questions = new (string Name, DnsRecordType Type)[]
            {
                ("www.example.test", DnsRecordType.A), ("www.example.test", DnsRecordType.AAAA), ("alias.example.test", DnsRecordType.A),
                ("example.test", DnsRecordType.MX), ("example.test", DnsRecordType.NS), ("example.test", DnsRecordType.SOA),
                ("_imaps._tcp.example.test", DnsRecordType.SRV), ("21.0.0.127.in-addr.arpa", DnsRecordType.PTR), ("example.test", DnsRecordType.TXT),
                ("example.test", DnsRecordType.CAA), ("secure.example.test", DnsRecordType.DS), ("example.test", DnsRecordType.DNSKEY),
                ("nothere.example.test", DnsRecordType.A), ("nullmx.example.test", DnsRecordType.MX),
            };
            foreach (var (name, type) in questions)
            {
                var overUdp = await udp.QueryAsync(name, type, null, CancellationToken.None);
                var overTcp = await tcp.QueryAsync(name, type, null, CancellationToken.None);
                Assert.Equal(Records(overUdp), Records(overTcp));
                Assert.Equal((overUdp.ResponseCode, overUdp.Flags), (overTcp.ResponseCode, overTcp.Flags));
            }

            static string Records(DnsResponse response) => string.Join("\n", response.Answers.Concat(response.Authorities).Concat(response.Additionals)
                .Select(r => $"{r.GetType().Name} {r.Section} {WithoutTtl(r.ToString())} {r.ComputerName} {r.Server} " +
                    (r is DnsTxtRecord txt ? string.Join("|", txt.GetStrings()) : r is DnsCaaRecord caa ? $"{caa.Flags} {caa.Tag} {caa.Value}" : ""))
                .OrderBy(line => line, StringComparer.Ordinal));
        }

        [Fact]
        public async Task TxtCaaSoaDsDnskey()
        {
            var txt = Assert.IsType<DnsTxtRecord>(Assert.Single(await Resolve("example.test", DnsRecordType.TXT)));
            Assert.Equal("v=spf1 mx -all", txt.Text);

            var caa = (await Resolve("example.test", DnsRecordType.CAA)).Cast<DnsCaaRecord>().OrderBy(r => r.Flags).ToArray();
            Assert.Equal("issue", caa[0].Tag);
            Assert.Equal("ca.example.net", caa[0].Value);
            Assert.False(caa[0].IsCritical);
            Assert.Equal("iodef", caa[1].Tag);
            Assert.True(caa[1].IsCritical);

            var soa = Assert.IsType<DnsSoaRecord>(Assert.Single(await Resolve("example.test", DnsRecordType.SOA)));
            Assert.Equal("ns1.example.test", soa.PrimaryServer);
            Assert.Equal("hostmaster.example.test", soa.ResponsiblePerson);
            Assert.Equal(2024060101, soa.SerialNumber);
            Assert.Equal(86400, soa.Expire);
            Assert.Equal(300, soa.MinimumTtl);

            var ds = Assert.IsType<DnsDsRecord>(Assert.Single(await Resolve("secure.example.test", DnsRecordType.DS)));
            Assert.Equal(12345, ds.KeyTag);
            Assert.Equal(13, ds.Algorithm);
            Assert.StartsWith("3490A680", ds.Digest, StringComparison.OrdinalIgnoreCase);

            var key = Assert.IsType<DnsDnskeyRecord>(Assert.Single(await Resolve("example.test", DnsRecordType.DNSKEY)));
            Assert.Equal(257, key.Flags);
            Assert.True(key.IsKeySigningKey);
            Assert.Equal(64, Convert.FromBase64String(key.PublicKey).Length);
        }

        [Fact]
        public async Task NsAndAnyAnswer()
        {
            var ns = Assert.IsType<DnsNsRecord>(Assert.Single(await Resolve("example.test", DnsRecordType.NS)));
            Assert.Equal("ns1.example.test", ns.NameHost);
            var any = await Resolve("example.test", DnsRecordType.ANY);
            Assert.Contains(any, r => r.Type == DnsRecordType.SOA);
            Assert.Contains(any, r => r.Type == DnsRecordType.MX);
        }

        [Theory]
        [InlineData("127.0.0.21", "mail1.example.test", "21.0.0.127.in-addr.arpa")]
        [InlineData("::1", "www.example.test", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa")]
        public async Task AnAddressMeansAReverseLookup(string address, string host, string reverseName)
        {
            var record = Assert.IsType<DnsPtrRecord>(Assert.Single(await Resolve(address, null)));
            Assert.Equal(host, record.NameHost);
            Assert.Equal(reverseName, record.Name);
        }

        [Fact]
        public async Task NxDomainIsATypedError()
        {
            var error = await Assert.ThrowsAsync<DnsQueryException>(() => Resolve("nothere.example.test", DnsRecordType.A));
            Assert.Equal("NXDOMAIN", error.ResponseCode);
            Assert.Equal(NetworkErrorKind.NameResolution, error.Kind);
            Assert.Equal(DnsResponseCode.NXDOMAIN, error.Response.ResponseCode);
            Assert.Contains(error.Response.Authorities, r => r is DnsSoaRecord);
        }

        [Fact]
        public async Task NoDataIsATypedError()
        {
            var error = await Assert.ThrowsAsync<DnsQueryException>(() => Resolve("www.example.test", DnsRecordType.MX));
            Assert.Equal(DnsQueryException.NoData, error.ResponseCode);
            Assert.Equal(DnsResponseCode.NOERROR, error.Response.ResponseCode);
        }

        [Fact]
        public async Task ServFailAndRefusedAreRemoteErrors()
        {
            var servfail = await Assert.ThrowsAsync<DnsQueryException>(() => Resolve("www.broken.test", DnsRecordType.A));
            Assert.Equal("SERVFAIL", servfail.ResponseCode);
            Assert.Equal(NetworkErrorKind.RemoteError, servfail.Kind);
            var refused = await Assert.ThrowsAsync<DnsQueryException>(() => Resolve("example.com", DnsRecordType.A));
            Assert.Equal("REFUSED", refused.ResponseCode);
        }

        [Fact]
        public async Task WholeResponseShowsHeaderAndSections()
        {
            var resolver = await Resolver(recursion: false);
            var response = await resolver.QueryAsync("example.test", DnsRecordType.MX, null, CancellationToken.None);
            Assert.Equal(DnsResponseCode.NOERROR, response.ResponseCode);
            Assert.True(response.IsAuthoritative);
            Assert.False(response.RecursionDesired);
            Assert.False(response.RecursionAvailable);
            Assert.Equal("qr aa", response.Flags);
            Assert.Equal(3, response.Answers.Count);
            Assert.Contains(response.Authorities, r => r is DnsNsRecord);
            Assert.Contains(response.Additionals, r => r is DnsARecord && r.Name == "mail1.example.test" && r.Section == DnsSection.Additional);
            Assert.True(response.MessageSize > 100);
            Assert.Equal(server.Server, response.Server);
        }

        [Fact]
        public async Task ManyNamesComeBackInOrderWithErrorsInPlace()
        {
            var resolver = await Resolver();
            var names = Enumerable.Range(0, 60).Select(i => i % 3 == 0 ? "nothere.example.test" : i % 3 == 1 ? "www.example.test" : "alias.example.test").ToArray();
            var outcomes = new System.Collections.Generic.List<DnsLookup>();
            await resolver.LookupManyAsync(names, DnsRecordType.A, false, 16, outcomes.AddRange, null, CancellationToken.None);
            Assert.Equal(names, outcomes.Select(o => o.Name));
            Assert.All(outcomes.Where((o, i) => i % 3 == 0), o => Assert.IsType<DnsQueryException>(o.Error));
            Assert.All(outcomes.Where((o, i) => i % 3 == 2), o => Assert.Equal(3, o.Records.Count));
        }

        [Theory]
        [InlineData("127.0.0.1")]
        [InlineData("::1")]
        public async Task ManyNamesOnOneSocketAnswerAsDnsClientDoes(string address)
        {
            // LookupManyAsync asks on its own UDP socket (DnsLookupLoop); QueryAsync asks through DnsClient.
            var resolver = await Resolver(at: address == "::1" ? server.ServerV6 : server.Server);
            var questions = new (string Name, DnsRecordType Type)[]
            {
                ("www.example.test", DnsRecordType.A), ("WWW.Example.Test", DnsRecordType.AAAA), ("alias.example.test", DnsRecordType.A),
                ("example.test", DnsRecordType.MX), ("example.test", DnsRecordType.NS), ("example.test", DnsRecordType.SOA),
                ("_imaps._tcp.example.test", DnsRecordType.SRV), ("21.0.0.127.in-addr.arpa", DnsRecordType.PTR),
                ("nothere.example.test", DnsRecordType.A), ("www.example.test", DnsRecordType.MX), ("example.com", DnsRecordType.A),
                ("nullmx.example.test", DnsRecordType.MX), ("long.example.test", DnsRecordType.TXT), ("example.test", DnsRecordType.CAA),
            };
            foreach (var (name, type) in questions)
            {
                DnsResponse? many = null;
                await resolver.LookupManyAsync(new[] { name }, type, true, 4, run => many = run.Single().Response, null, CancellationToken.None);
                var one = await resolver.QueryAsync(name, type, null, CancellationToken.None);
                Assert.NotNull(many);
                Assert.Equal(Describe(one), Describe(many!));
                AssertTtlsClose(one, many!);
            }
        }

        // BIND rotates the records of a set from one answer to the next: the records are compared in a fixed order. A record
        // BIND answers from its cache counts its TTL down, which can tick between the two questions: TTLs may differ by one.
        private static string Describe(DnsResponse response) =>
            string.Join("\n", new[] { $"{response.Name} {response.Type} {response.ResponseCode} {response.Flags} {response.OpCode} {response.MessageSize} {response.Server}" }
                .Concat(response.Answers.Concat(response.Authorities).Concat(response.Additionals)
                    .Select(r => $"{r.GetType().Name} {r.Section} {WithoutTtl(r.ToString())} {r.ComputerName} {r.Server}").OrderBy(line => line, StringComparer.Ordinal)));

        private static string WithoutTtl(string record) => System.Text.RegularExpressions.Regex.Replace(record, @"^(\S+) \d+ ", "$1 ");

        private static void AssertTtlsClose(DnsResponse one, DnsResponse many)
        {
            static int[] Ttls(DnsResponse r) => r.Answers.Concat(r.Authorities).Concat(r.Additionals).Select(x => x.TTL).OrderBy(t => t).ToArray();
            var (a, b) = (Ttls(one), Ttls(many));
            Assert.Equal(a.Length, b.Length);
            Assert.All(a.Zip(b), pair => Assert.InRange(pair.Second - pair.First, -1, 1));
        }

        [Fact]
        public async Task ManyNamesAtASilentServerTimeOutEach()
        {
            using var silent = new BrokenDnsServer(BrokenAnswer.Silence);
            var resolver = await DnsResolver.CreateAsync(
                new DnsResolverOptions(new[] { silent.Server }, timeout: TimeSpan.FromMilliseconds(200), retries: 1), CancellationToken.None);
            var outcomes = new System.Collections.Generic.List<DnsLookup>();
            await resolver.LookupManyAsync(new[] { "www.example.test", "mail1.example.test" }, DnsRecordType.A, false, 4, outcomes.AddRange, null, CancellationToken.None);
            Assert.Equal(new[] { "www.example.test", "mail1.example.test" }, outcomes.Select(o => o.Name));
            Assert.All(outcomes, o => Assert.Contains("no answer", Assert.IsType<NetworkTimeoutException>(o.Error).Message));
        }

        [Fact]
        public async Task ManyNamesWithBrokenAnswersGetDnsClientsDiagnosis()
        {
            using var broken = new BrokenDnsServer(BrokenAnswer.Garbage);
            var resolver = await DnsResolver.CreateAsync(
                new DnsResolverOptions(new[] { broken.Server }, timeout: TimeSpan.FromMilliseconds(300), retries: 0), CancellationToken.None);
            var outcomes = new System.Collections.Generic.List<DnsLookup>();
            await resolver.LookupManyAsync(new[] { "www.example.test" }, DnsRecordType.A, false, 4, outcomes.AddRange, null, CancellationToken.None);
            Assert.Contains("malformed", Assert.IsType<ProtocolViolationException>(Assert.Single(outcomes).Error).Message);
        }

        [Fact]
        public async Task ManyNamesWithAnswersLongerThanOfferedEndAsOneLookupDoes()
        {
            // The batch reads answers into slots of the size the query offers; a longer one goes to DnsClient whole.
            // A timeout long enough for a loaded machine: the server answers at once, and nothing here waits for it to pass.
            using var oversized = new BrokenDnsServer(BrokenAnswer.Oversized);
            var resolver = await DnsResolver.CreateAsync(
                new DnsResolverOptions(new[] { oversized.Server }, timeout: TimeSpan.FromSeconds(5), retries: 0), CancellationToken.None);
            var outcomes = new System.Collections.Generic.List<DnsLookup>();
            await resolver.LookupManyAsync(new[] { "www.example.test", "mail1.example.test" }, DnsRecordType.A, false, 4, outcomes.AddRange, null, CancellationToken.None);
            Assert.Equal(new[] { "www.example.test", "mail1.example.test" }, outcomes.Select(o => o.Name));
            Assert.All(outcomes, o => Assert.Equal(300, o.Records.Count));
        }

        [Fact]
        public async Task CancellationEndsManyNamesWithinASecond()
        {
            using var silent = new BrokenDnsServer(BrokenAnswer.Silence);
            var resolver = await DnsResolver.CreateAsync(
                new DnsResolverOptions(new[] { silent.Server }, timeout: TimeSpan.FromSeconds(30), retries: 0), CancellationToken.None);
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            var watch = System.Diagnostics.Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => resolver.LookupManyAsync(
                new[] { "www.example.test", "mail1.example.test" }, DnsRecordType.A, false, 4, _ => { }, null, cancel.Token));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), watch.Elapsed.ToString());
        }

        [Fact]
        public async Task NamesFedWhileTheLookupsRunAreAnsweredAsTheyCome()
        {
            var resolver = await Resolver();
            var feed = new DnsNameFeed();
            var outcomes = new System.Collections.Generic.List<DnsLookup>();
            using var reported = new SemaphoreSlim(0);
            var lookups = resolver.LookupManyAsync(feed, DnsRecordType.A, false, 8, run =>
            {
                outcomes.AddRange(run);
                reported.Release(run.Count);
            }, null, CancellationToken.None);
            feed.Add("www.example.test");
            Assert.True(await reported.WaitAsync(TimeSpan.FromSeconds(10)), "The first name was not answered before the feed completed.");
            Assert.False(lookups.IsCompleted);
            feed.Add("nothere.example.test");
            feed.Add("alias.example.test");
            feed.Complete();
            await lookups.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(new[] { "www.example.test", "nothere.example.test", "alias.example.test" }, outcomes.Select(o => o.Name));
            Assert.IsType<DnsQueryException>(outcomes[1].Error);
            Assert.Equal(3, outcomes[2].Records.Count);
            Assert.Throws<InvalidOperationException>(() => feed.Add("late.example.test"));
        }

        [Fact]
        public async Task CancellationEndsAFeedThatNeverCompletes()
        {
            var resolver = await Resolver();
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            var watch = System.Diagnostics.Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                resolver.LookupManyAsync(new DnsNameFeed(), DnsRecordType.A, false, 4, _ => { }, null, cancel.Token));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), watch.Elapsed.ToString());
        }

        [Fact]
        public async Task NamesHandedToDnsClientKeepToTheConcurrency()
        {
            // Each name's one try on the socket, then DnsClient's, waits 0.3 s: one at a time that is 1.8 s, all at once 0.6 s.
            using var silent = new BrokenDnsServer(BrokenAnswer.Silence);
            var resolver = await DnsResolver.CreateAsync(
                new DnsResolverOptions(new[] { silent.Server }, timeout: TimeSpan.FromMilliseconds(300), retries: 0), CancellationToken.None);
            var names = new[] { "www.example.test", "mail1.example.test", "mail2.example.test" };
            var outcomes = new System.Collections.Generic.List<DnsLookup>();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            await resolver.LookupManyAsync(names, DnsRecordType.A, false, 1, outcomes.AddRange, null, CancellationToken.None);
            Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.6), watch.Elapsed.ToString());
            Assert.Equal(names, outcomes.Select(o => o.Name));
            Assert.All(outcomes, o => Assert.IsType<NetworkTimeoutException>(o.Error));
        }

        [Fact]
        public async Task ManyNamesAtAClosedPortAreClearErrors()
        {
            var port = BindServer.FreePort();
            var resolver = await DnsResolver.CreateAsync(
                new DnsResolverOptions(new[] { $"127.0.0.1:{port}" }, timeout: TimeSpan.FromMilliseconds(300), retries: 0), CancellationToken.None);
            var names = Enumerable.Range(0, 20).Select(i => $"host{i}.example.test").ToArray();
            var outcomes = new System.Collections.Generic.List<DnsLookup>();
            await resolver.LookupManyAsync(names, DnsRecordType.A, false, 8, outcomes.AddRange, null, CancellationToken.None)
                .WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(names, outcomes.Select(o => o.Name));
            Assert.All(outcomes, o => Assert.True(o.Error is ConnectionRefusedException || o.Error is NetworkTimeoutException, o.Error?.ToString()));
        }

        [Fact]
        public async Task TranscriptShowsQuestionAndAnswer()
        {
            var resolver = await Resolver();
            var transcript = new Transcript();
            await resolver.ResolveAsync("www.example.test", DnsRecordType.A, transcript, CancellationToken.None);
            Assert.Contains(transcript.Entries, e => e.Text.Contains("www.example.test IN A to " + server.Server));
            Assert.Contains(transcript.Entries, e => e.Text.Contains("NOERROR") && e.Text.Contains("qr aa rd"));
        }
    }
}
