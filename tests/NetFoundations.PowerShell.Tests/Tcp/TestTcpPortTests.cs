using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

using NetFoundations.Core.Tests.Tcp;

namespace NetFoundations.PowerShell.Tests.Tcp
{
    public sealed class TestTcpPortTests : IClassFixture<ModuleSession>
    {
        private readonly ModuleSession session;

        public TestTcpPortTests(ModuleSession session)
        {
            this.session = session;
        }

        private EngineResult Run(string script, int open, int closed) =>
            session.Run(script, new Dictionary<string, object?> { ["open"] = open, ["closed"] = closed });

        /// <summary>The TcpPortResults written; their type lives in the module's own load context, so they are read through PSObject.</summary>
        private static List<PortResult> Results(EngineResult result) =>
            result.Output.Select(o =>
            {
                Assert.Equal("NetFoundations.Core.Tcp.TcpPortResult", o.TypeNames[0]);
                return new PortResult(o);
            }).ToList();

        private sealed class PortResult
        {
            private readonly PSObject value;
            public PortResult(PSObject value) { this.value = value; }
            private object Get(string name) => value.Properties[name].Value;
            public string ComputerName => (string)Get("ComputerName");
            public string? Address => Get("Address")?.ToString();
            public int Port => (int)Get("Port");
            public bool Open => (bool)Get("Open");
            public string FailureKind => Get("FailureKind").ToString()!;
        }

        [Fact]
        public void Open_and_closed_ports_are_data_in_host_then_port_order()
        {
            using var peer = new TcpPeer("tcp_echo.py");
            var closed = TcpPeer.ClosedPort();
            var result = Run("Test-TcpPort -ComputerName 127.0.0.1, localhost -Port $closed, $open", peer.Port, closed);

            Assert.Empty(result.Errors);
            var results = Results(result);
            Assert.Equal(new[] { "127.0.0.1", "127.0.0.1", "localhost", "localhost" }, results.Select(r => r.ComputerName));
            Assert.Equal(new[] { closed, peer.Port, closed, peer.Port }, results.Select(r => r.Port));
            Assert.Equal(new[] { false, true, false, true }, results.Select(r => r.Open));
            Assert.Equal("Refused", results[0].FailureKind);
            Assert.Equal("127.0.0.1", results[3].Address);
        }

        [Fact]
        public void Quiet_gives_booleans()
        {
            using var peer = new TcpPeer("tcp_echo.py");
            var result = Run("Test-TcpPort 127.0.0.1 $open, $closed -Quiet", peer.Port, TcpPeer.ClosedPort());

            Assert.Equal(new object[] { true, false }, result.Output.Select(o => o.BaseObject));
        }

        [Fact]
        public void Where_open_finds_the_listener_in_a_range()
        {
            using var peer = new TcpPeer("tcp_echo.py");
            var result = Run("Test-TcpPort -ComputerName 127.0.0.1 -Port (($open - 300)..($open + 300) | Where-Object { $_ -le 65535 }) | Where-Object Open", peer.Port, 0);

            Assert.Contains(Results(result), r => r.Port == peer.Port);
        }

        [Fact]
        public void Input_binds_by_value_and_by_property_name_in_input_order()
        {
            using var peer = new TcpPeer("tcp_echo.py");
            var closed = TcpPeer.ClosedPort();
            var byValue = Run("'127.0.0.1', 'localhost' | Test-TcpPort -Port $open", peer.Port, closed);
            var byName = Run("[pscustomobject]@{ ComputerName = 'localhost'; Port = $closed }, [pscustomobject]@{ ComputerName = '127.0.0.1'; Port = $open } | Test-TcpPort",
                peer.Port, closed);

            Assert.Equal(new[] { "127.0.0.1", "localhost" }, Results(byValue).Select(r => r.ComputerName));
            Assert.All(Results(byValue), r => Assert.True(r.Open));
            Assert.Equal(new[] { false, true }, Results(byName).Select(r => r.Open));
            Assert.Equal(new[] { "localhost", "127.0.0.1" }, Results(byName).Select(r => r.ComputerName));
        }

        [Fact]
        public void Unresolvable_name_is_data_and_one_warning()
        {
            var result = session.Run("Test-TcpPort -ComputerName xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.invalid -Port 80, 443");

            Assert.Empty(result.Errors);
            var results = Results(result);
            Assert.Equal(2, results.Count);
            Assert.All(results, r => Assert.Equal("NameResolution", r.FailureKind));
            Assert.All(results, r => Assert.False(r.Open));
            Assert.Contains("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.invalid", Assert.Single(result.Warnings));
        }

        [Fact]
        public void Transcript_under_verbose_has_a_line_per_port()
        {
            using var peer = new TcpPeer("tcp_echo.py");
            var result = Run("Test-TcpPort 127.0.0.1 $open, $closed -Verbose", peer.Port, TcpPeer.ClosedPort());

            Assert.Equal(2, result.Verbose.Count);
            Assert.Contains("open", result.Verbose[0]);
            Assert.Contains("Refused", result.Verbose[1]);
        }

        [Fact]
        public void Bad_port_and_throttle_fail_validation()
        {
            Assert.Equal("ParameterArgumentValidationError", EngineResult.ErrorId(session.Run("Test-TcpPort 127.0.0.1 0").SingleError));
            Assert.Equal("ParameterArgumentValidationError", EngineResult.ErrorId(session.Run("Test-TcpPort 127.0.0.1 80 -ThrottleLimit 0").SingleError));
            Assert.Equal("InvalidArgument", EngineResult.ErrorId(session.Run("Test-TcpPort ' ' 80").SingleError));
        }

        [Fact]
        public void Help_has_a_synopsis_and_examples()
        {
            var result = session.Run("$help = Get-Help Test-TcpPort; $help.Synopsis; @($help.examples.example).Count; $help.examples.example[0].code");

            Assert.Contains("TCP ports accept connections", result.Output[0].ToString());
            Assert.True((int)result.Output[1].BaseObject >= 2);
            Assert.Contains("Where-Object Open", result.Output[2].ToString());
        }
    }
}
