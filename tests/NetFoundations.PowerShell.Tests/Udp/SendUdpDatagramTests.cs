using System;
using System.IO;
using System.Linq;
using System.Management.Automation;

using NetFoundations.Core.Tests.Udp;

namespace NetFoundations.PowerShell.Tests.Udp
{
    public sealed class SendUdpDatagramTests : IClassFixture<ModuleSession>
    {
        private const string UnresolvableName = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.invalid";
        private readonly ModuleSession session;

        public SendUdpDatagramTests(ModuleSession session) => this.session = session;

        private static object? Property(PSObject value, string name) => value.Properties[name]?.Value;

        [Fact]
        public void EchoRoundTripWritesAReply()
        {
            using var peer = PythonPeer.Echo();

            var result = session.Run($"Send-UdpDatagram -ComputerName 127.0.0.1 -Port {peer.Port} -Message 'héllo' -InitialDelay 1 -MaxDelay 8");

            Assert.Empty(result.Errors);
            var reply = Assert.Single(result.Output);
            Assert.Equal("NetFoundations.Core.Udp.UdpReply", reply.TypeNames[0]);
            Assert.Equal("héllo", Property(reply, "Text"));
            Assert.Equal(new byte[] { 0x68, 0xC3, 0xA9, 0x6C, 0x6C, 0x6F }, (byte[])Property(reply, "Data")!);
            Assert.Equal("127.0.0.1", Property(reply, "ComputerName"));
            Assert.Equal("127.0.0.1", Property(reply, "RemoteAddress")!.ToString());
            Assert.Equal(peer.Port, Property(reply, "RemotePort"));
            Assert.Equal(1, Property(reply, "Attempts"));
            Assert.NotNull(Property(reply, "LocalEndPoint"));
            Assert.IsType<TimeSpan>(Property(reply, "RoundTripTime"));
        }

        [Fact]
        public void PipedMessagesAndSeveralHostsEachMakeAnExchange()
        {
            using var peer = PythonPeer.Echo();

            var result = session.Run($"'one', 'two' | Send-UdpDatagram -ComputerName 127.0.0.1, localhost -Port {peer.Port} -Encoding ASCII");

            Assert.Empty(result.Errors);
            Assert.Equal(new[] { "127.0.0.1 one", "localhost one", "127.0.0.1 two", "localhost two" },
                result.Output.Select(r => $"{Property(r, "ComputerName")} {Property(r, "Text")}"));
        }

        [Fact]
        public void HostAndPortBindByPropertyName()
        {
            using var peer = PythonPeer.Echo();

            var result = session.Run($"[pscustomobject]@{{ ComputerName = '127.0.0.1'; Port = {peer.Port} }}, [pscustomobject]@{{ RemoteAddress = 'localhost'; RemotePort = {peer.Port} }} | Send-UdpDatagram -Message hi -InitialDelay 1 -MaxDelay 8");

            Assert.Empty(result.Errors);
            Assert.Equal(new[] { "127.0.0.1", "localhost" }, result.Output.Select(r => Property(r, "ComputerName")));
        }

        [Fact]
        public void BytesAndNoReplyReturnAtOnce()
        {
            using var peer = PythonPeer.Echo("--mode", "silent");

            var result = session.Run($"Send-UdpDatagram 127.0.0.1 {peer.Port} -Bytes 1, 2, 3 -NoReply");

            Assert.Empty(result.Errors);
            var sent = Assert.Single(result.Output);
            Assert.Equal("NetFoundations.Core.Udp.UdpSendResult", sent.TypeNames[0]);
            Assert.Equal(3, Property(sent, "BytesSent"));
        }

        [Fact]
        public void SilentPeerIsATimeoutThatCountsAttempts()
        {
            using var peer = PythonPeer.Echo("--mode", "silent");

            var result = session.Run($"Send-UdpDatagram 127.0.0.1 {peer.Port} -Message ping -InitialDelay 0.05 -MaxDelay 0.2");

            Assert.Empty(result.Output);
            var error = result.SingleError;
            Assert.Equal("OperationTimedOut", EngineResult.ErrorId(error));
            Assert.Equal(ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
            Assert.Contains("after 3 attempts", error.Exception.Message);
            Assert.Equal($"127.0.0.1:{peer.Port}", error.TargetObject);
        }

        [Fact]
        public void StrangerIsIgnoredAndShownInTheVerboseTranscript()
        {
            using var peer = PythonPeer.Echo("--mode", "stranger");

            var result = session.Run($"Send-UdpDatagram 127.0.0.1 {peer.Port} -Message who -InitialDelay 0.05 -MaxDelay 0.2 -Verbose");

            Assert.Equal("OperationTimedOut", EngineResult.ErrorId(result.SingleError));
            Assert.Contains(result.Verbose, line => line.Contains("ignored"));
            Assert.Contains(result.Verbose, line => line.Contains("<- [13 bytes] stranger: who"));
        }

        [Fact]
        public void TranscriptPathRecordsEveryDatagram()
        {
            using var peer = PythonPeer.Echo();
            var path = Path.Combine(Path.GetTempPath(), $"nf-udp-{Guid.NewGuid():N}.log");
            try
            {
                var result = session.Run($"Send-UdpDatagram 127.0.0.1 {peer.Port} -Message logged -InitialDelay 1 -MaxDelay 8 -TranscriptPath '{path}'");

                Assert.Empty(result.Errors);
                var lines = File.ReadAllLines(path);
                Assert.Contains(lines, l => l.EndsWith("-> [6 bytes] logged"));
                Assert.Contains(lines, l => l.EndsWith("<- [6 bytes] logged"));
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void ClosedPortIsRefused()
        {
            var result = session.Run($"Send-UdpDatagram 127.0.0.1 {PythonPeer.ClosedPort()} -Message hello");

            Assert.Equal("ConnectionRefused", EngineResult.ErrorId(result.SingleError));
            Assert.Equal(ErrorCategory.ConnectionError, result.SingleError.CategoryInfo.Category);
        }

        [Fact]
        public void UnknownHostFailsResolutionAndTheNextHostGoesOn()
        {
            using var peer = PythonPeer.Echo();

            var result = session.Run($"Send-UdpDatagram {UnresolvableName}, 127.0.0.1 {peer.Port} -Message x -InitialDelay 1 -MaxDelay 8");

            Assert.Equal("NameResolutionFailed", EngineResult.ErrorId(result.SingleError));
            Assert.Equal("x", Assert.Single(result.Output).Properties["Text"].Value);
        }

        [Fact]
        public void OversizedDatagramIsAnInvalidRequest()
        {
            using var peer = PythonPeer.Echo();

            var result = session.Run($"Send-UdpDatagram 127.0.0.1 {peer.Port} -Bytes ([byte[]]::new(65508)) -Verbose");

            Assert.Equal("InvalidRequest", EngineResult.ErrorId(result.SingleError));
            Assert.Contains("65507", result.SingleError.Exception.Message);
            Assert.DoesNotContain(result.Verbose, line => line.Contains("->"));
        }

        [Theory]
        [InlineData("Send-UdpDatagram 127.0.0.1 0 -Message x")]
        [InlineData("Send-UdpDatagram 127.0.0.1 70000 -Message x")]
        [InlineData("Send-UdpDatagram 127.0.0.1 7 -Message x -InitialDelay 0")]
        [InlineData("Receive-UdpDatagram -Port 70000")]
        [InlineData("Receive-UdpDatagram -Port 0")]
        [InlineData("Measure-PathMtu 127.0.0.1 -Port 0")]
        public void BadParametersAreValidationErrors(string script)
        {
            var result = session.Run(script);

            Assert.Empty(result.Output);
            Assert.Equal("ParameterArgumentValidationError", EngineResult.ErrorId(result.SingleError));
        }

        [Theory]
        [InlineData("Send-UdpDatagram")]
        [InlineData("Receive-UdpDatagram")]
        [InlineData("Measure-PathMtu")]
        public void HelpHasSynopsisAndExamples(string cmdlet)
        {
            var result = session.Run($"$help = Get-Help {cmdlet} -Full; $help.Synopsis; @($help.examples.example).Count; @($help.parameters.parameter | Where-Object name -eq TranscriptPath).Count");

            Assert.Empty(result.Errors);
            Assert.Equal(3, result.Output.Count);
            Assert.DoesNotContain(cmdlet, result.Output[0].ToString());
            Assert.True(result.Output[0].ToString().Length > 40);
            Assert.True((int)result.Output[1].BaseObject >= 2);
            Assert.Equal(1, (int)result.Output[2].BaseObject);
        }
    }
}
