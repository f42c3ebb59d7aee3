using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using NetFoundations.Tests.Dns;

namespace NetFoundations.PowerShell.Tests.Dns
{
    /// <summary>Resolve-DnsName2 in the engine against the repository's BIND on loopback.</summary>
    public sealed class ResolveDnsName2Tests : IClassFixture<ModuleSession>, IClassFixture<BindServer>
    {
        private readonly ModuleSession session;
        private readonly BindServer bind;

        public ResolveDnsName2Tests(ModuleSession session, BindServer bind)
        {
            this.session = session;
            this.bind = bind;
        }

        private EngineResult Run(string script) =>
            session.Run(script, new Dictionary<string, object?> { ["server"] = bind.Server, ["server6"] = bind.ServerV6 });

        private static T Property<T>(PSObject value, string name) => (T)value.Properties[name].Value;

        [Fact]
        public void ARecordIsTypedWithItsProperties()
        {
            var result = Run("Resolve-DnsName2 www.example.test -Server $server");
            Assert.Empty(result.Errors);
            var record = Assert.Single(result.Output);
            Assert.Contains("NetFoundations.Core.Dns.DnsARecord", record.TypeNames);
            Assert.Contains("NetFoundations.Core.Dns.DnsRecord", record.TypeNames);
            Assert.Equal(IPAddress.Parse("127.0.0.11"), Property<IPAddress>(record, "Address"));
            Assert.Equal("www.example.test", Property<string>(record, "ComputerName"));
            Assert.Equal(300, Property<int>(record, "TTL"));
            Assert.Equal("Answer", record.Properties["Section"].Value.ToString());
            Assert.Equal(bind.Server, Property<string>(record, "Server"));
        }

        [Fact]
        public void NamesBindFromThePipelineByValueAndByPropertyName()
        {
            var result = Run(@"
                'www.example.test', 'example.test' | Resolve-DnsName2 -Server $server
                [pscustomobject]@{ Name = 'mail1.example.test' } | Resolve-DnsName2 -Type AAAA -Server $server6");
            Assert.Empty(result.Errors);
            Assert.Equal(new[] { "www.example.test", "example.test", "mail1.example.test" }, result.Output.Select(o => Property<string>(o, "Name")));
            Assert.Equal(IPAddress.IPv6Loopback, Property<IPAddress>(result.Output[2], "Address"));
        }

        [Fact]
        public void MxAndSrvRecordsCarryComputerNameAndPort()
        {
            var mx = Run("Resolve-DnsName2 example.test -Type MX -Server $server").Output;
            Assert.Equal(new[] { "mail1.example.test", "mail2.example.test", "mailalias.example.test" },
                mx.OrderBy(o => Property<int>(o, "Preference")).Select(o => Property<string>(o, "ComputerName")));
            var srv = Run("Resolve-DnsName2 _imaps._tcp.example.test -Type SRV -Server $server").Output.OrderBy(o => Property<int>(o, "Priority")).ToArray();
            Assert.Equal(993, Property<int>(srv[0], "Port"));
            Assert.Equal("mail1.example.test", Property<string>(srv[0], "ComputerName"));
        }

        [Fact]
        public void RecordsBindIntoAnotherCommandByPropertyName()
        {
            var result = Run(@"
                function Test-Target { param([Parameter(ValueFromPipelineByPropertyName)][string] $ComputerName,
                                             [Parameter(ValueFromPipelineByPropertyName)][int] $Port = 25)
                    process { ""${ComputerName}:$Port"" } }
                Resolve-DnsName2 _imaps._tcp.example.test -Type SRV -Server $server | Test-Target
                Resolve-DnsName2 example.test -Type MX -Server $server | Test-Target -Port 25");
            Assert.Empty(result.Errors);
            var targets = result.Output.Select(o => o.BaseObject.ToString()).ToArray();
            Assert.Contains("mail1.example.test:993", targets);
            Assert.Contains("mail2.example.test:10993", targets);
            Assert.Contains("mailalias.example.test:25", targets);
        }

        [Fact]
        public void CnameChainIsShownBeforeTheAddress()
        {
            var output = Run("Resolve-DnsName2 alias.example.test -Server $server").Output;
            Assert.Equal(new[] { "CNAME", "CNAME", "A" }, output.Select(o => o.Properties["Type"].Value.ToString()));
            Assert.Equal("www.example.test", Property<string>(output[1], "NameHost"));
        }

        [Fact]
        public void AddressMeansReverseLookup()
        {
            var record = Assert.Single(Run("Resolve-DnsName2 127.0.0.21 -Server $server").Output);
            Assert.Equal("PTR", record.Properties["Type"].Value.ToString());
            Assert.Equal("mail1.example.test", Property<string>(record, "NameHost"));
        }

        [Fact]
        public void LongTxtOverUdpWithTcpRetryAndOverTcpOnly()
        {
            var udp = Assert.Single(Run("Resolve-DnsName2 long.example.test -Type TXT -Server $server").Output);
            var tcp = Assert.Single(Run("Resolve-DnsName2 long.example.test -Type TXT -Server $server -TcpOnly").Output);
            Assert.Equal(1520, Property<string>(udp, "Text").Length);
            Assert.Equal(Property<string>(udp, "Text"), Property<string>(tcp, "Text"));
        }

        [Theory]
        [InlineData("nothere.example.test", "A", "DnsNameNotFound", "NXDOMAIN")]
        [InlineData("www.example.test", "MX", "DnsNoData", "NODATA")]
        [InlineData("www.broken.test", "A", "DnsServerFailure", "SERVFAIL")]
        [InlineData("example.com", "A", "DnsQueryRefused", "REFUSED")]
        public void ErrorResponsesAreNonTerminatingWithTheirOwnErrorId(string name, string type, string errorId, string code)
        {
            var result = Run($"'{name}', 'example.test' | Resolve-DnsName2 -Type {type} -Server $server -Retries 0; 'after'");
            var error = result.SingleError;
            Assert.Equal(errorId, EngineResult.ErrorId(error));
            Assert.Equal(name, error.TargetObject);
            Assert.Equal(code, error.Exception.GetType().GetProperty("ResponseCode")!.GetValue(error.Exception));
            Assert.Equal("after", result.Output.Last().BaseObject);
        }

        [Fact]
        public void ResponseSwitchReturnsTheWholeResponseInsteadOfAnError()
        {
            var result = Run("Resolve-DnsName2 nothere.example.test -Server $server -Response -NoRecursion");
            Assert.Empty(result.Errors);
            var response = Assert.Single(result.Output);
            Assert.Contains("NetFoundations.Core.Dns.DnsResponse", response.TypeNames);
            Assert.Equal("NXDOMAIN", response.Properties["ResponseCode"].Value.ToString());
            Assert.Equal("qr aa", Property<string>(response, "Flags"));
            Assert.True(Property<int>(response, "MessageSize") > 12);
            Assert.NotEmpty((System.Collections.IEnumerable)response.Properties["Authorities"].Value);
        }

        [Fact]
        public void ManyPipedNamesComeOutInInputOrder()
        {
            var result = Run(@"
                $names = 1..300 | ForEach-Object { if ($_ % 2) { 'www.example.test' } else { 'mail2.example.test' } }
                $names | Resolve-DnsName2 -Server $server -ThrottleLimit 32");
            Assert.Empty(result.Errors);
            Assert.Equal(300, result.Output.Count);
            Assert.All(result.Output.Select((o, i) => (o, i)),
                p => Assert.Equal(p.i % 2 == 0 ? "www.example.test" : "mail2.example.test", Property<string>(p.o, "Name")));
        }

        [Fact]
        public void RecordsComeOutWhileTheInputStillComes()
        {
            // Twenty names 20 ms apart, then 1.5 s without input before the last: the first records come out in the first part.
            var result = Run(@"
                $clock = [Diagnostics.Stopwatch]::StartNew()
                & { foreach ($i in 1..20) { 'www.example.test'; [Threading.Thread]::Sleep(20) }; [Threading.Thread]::Sleep(1500); 'mail1.example.test' } |
                    Resolve-DnsName2 -Server $server | ForEach-Object { $clock.ElapsedMilliseconds }");
            Assert.Empty(result.Errors);
            Assert.Equal(21, result.Output.Count);
            var first = (long)result.Output[0].BaseObject;
            var last = (long)result.Output[20].BaseObject;
            Assert.True(first < last - 1000, $"The first record came out at {first} ms, the last at {last} ms.");
        }

        [Fact]
        public void CtrlCStopsManyLookupsAtOnce()
        {
            using var silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)silent.Client.LocalEndPoint!).Port;
            using var running = new RunningScript(session,
                $"1..200 | ForEach-Object {{ \"host$_.example.test\" }} | Resolve-DnsName2 -Server 127.0.0.1:{port} -Timeout 30");
            running.WaitUntilRunning(TimeSpan.FromSeconds(1));
            Assert.True(running.Stop(TimeSpan.FromSeconds(10)) < TimeSpan.FromSeconds(3));
            var after = running.RunAfterwards($"Resolve-DnsName2 www.example.test -Server {bind.Server}", TimeSpan.FromSeconds(10));
            Assert.Equal("127.0.0.11", Property<IPAddress>(Assert.Single(after), "Address").ToString());
        }

        [Fact]
        public void SilentServerGivesATimeoutErrorNotAHang()
        {
            using var silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)silent.Client.LocalEndPoint!).Port;
            var result = session.Run($"Resolve-DnsName2 www.example.test -Server 127.0.0.1:{port} -Timeout 0.2 -Retries 1");
            Assert.Equal("OperationTimedOut", EngineResult.ErrorId(result.SingleError));
            Assert.Empty(result.Output);
        }

        [Theory]
        [InlineData("-Server 'host:99999'", "InvalidArgument")]
        [InlineData("-Server ''", "ParameterArgumentValidationError")]
        [InlineData("-Type NOPE", "CannotConvertArgumentNoMessage")]
        [InlineData("-Retries 11", "ParameterArgumentValidationError")]
        public void BadParametersAreClearErrors(string parameters, string errorId)
        {
            var result = Run($"Resolve-DnsName2 www.example.test {parameters}");
            Assert.Equal(errorId, EngineResult.ErrorId(result.SingleError));
            Assert.Empty(result.Output);
        }

        [Fact]
        public void TypeCompletesFromTheKnownTypes()
        {
            var result = Run("(TabExpansion2 -inputScript 'Resolve-DnsName2 x -Type CA' -cursorColumn 27).CompletionMatches.CompletionText");
            Assert.Contains("CAA", result.Output.Select(o => o.BaseObject.ToString()));
        }

        [Fact]
        public void VerboseShowsTheQuestionAndTheAnswer()
        {
            var result = Run("Resolve-DnsName2 www.example.test -Server $server -Verbose");
            Assert.Contains(result.Verbose, v => v.Contains("www.example.test IN A to " + bind.Server));
            Assert.Contains(result.Verbose, v => v.Contains("NOERROR"));
        }

        [Fact]
        public void HelpHasSynopsisAndExamples()
        {
            var help = Assert.Single(Run("Get-Help Resolve-DnsName2 -Full").Output);
            Assert.Contains("typed object per record", help.Properties["Synopsis"].Value.ToString());
            var examples = (PSObject)help.Properties["examples"].Value;
            Assert.True(((object[])((PSObject)examples).Properties["example"].Value).Length >= 2);
        }
    }
}
