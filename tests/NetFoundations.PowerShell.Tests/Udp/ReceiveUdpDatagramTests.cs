using System;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;

using NetFoundations.Core.Tests.Udp;

namespace NetFoundations.PowerShell.Tests.Udp
{
    public sealed class ReceiveUdpDatagramTests : IClassFixture<ModuleSession>
    {
        private readonly ModuleSession session;

        public ReceiveUdpDatagramTests(ModuleSession session) => this.session = session;

        /// <summary>Starts Python sending once the cmdlet has bound the port (the sender watches the socket table).</summary>
        private static PythonPeer SenderOnceBound(int port, params string[] messagesAndOptions) =>
            PythonPeer.Start("udp_sender.py", new[] { "127.0.0.1", port.ToString(), "--when-bound" }.Concat(messagesAndOptions).ToArray());

        [Fact]
        public void StreamsDatagramsAndRepliesWithFixedText()
        {
            var port = PythonPeer.ClosedPort();
            using var sender = SenderOnceBound(port, "one", "two", "--replies");

            var result = session.Run($"Receive-UdpDatagram -Port {port} -LocalAddress 127.0.0.1 -Count 2 -TimeoutSeconds 30 -Reply 'got it'");

            Assert.Empty(result.Errors);
            Assert.Equal(new[] { "one", "two" }, result.Output.Select(d => d.Properties["Text"].Value));
            var first = result.Output[0];
            Assert.Equal("NetFoundations.Core.Udp.UdpDatagram", first.TypeNames[0]);
            Assert.Equal("127.0.0.1", first.Properties["RemoteAddress"].Value.ToString());
            Assert.Equal($"127.0.0.1:{port}", first.Properties["LocalEndPoint"].Value.ToString());
            Assert.Equal(new byte[] { 0x6F, 0x6E, 0x65 }, (byte[])first.Properties["Data"].Value);
            Assert.IsType<DateTimeOffset>(first.Properties["ReceivedAt"].Value);
            Assert.Equal(new[] { "REPLY got it", "REPLY got it", "DONE" }, sender.OutputLines());
        }

        [Fact]
        public void ReplyScriptRunsOnThePipelineThreadAsTheBooksServer()
        {
            var port = PythonPeer.ClosedPort();
            using var sender = SenderOnceBound(port, "abc", "fail", "hello", "--replies", "--wait", "2");

            var result = session.Run($@"
                $prefix = 'Your data was'
                Receive-UdpDatagram -Port {port} -LocalAddress 127.0.0.1 -Count 3 -TimeoutSeconds 30 -ReplyScript {{
                    param($datagram)
                    if ($_.Text -eq 'fail') {{ throw 'no reply for this one' }}
                    ""$prefix $($datagram.Data.Length) bytes long""
                }}");

            Assert.Equal(3, result.Output.Count);
            Assert.Equal("ReplyScriptFailed", EngineResult.ErrorId(result.SingleError));
            Assert.Equal(new[] { "REPLY Your data was 3 bytes long", "NOREPLY", "REPLY Your data was 5 bytes long", "DONE" }, sender.OutputLines());
        }

        [Fact]
        public void TimeoutEndsListeningQuietly()
        {
            var result = session.Run($"Receive-UdpDatagram -Port {PythonPeer.ClosedPort()} -LocalAddress 127.0.0.1 -Count 1 -TimeoutSeconds 0.3 -Verbose");

            Assert.Empty(result.Output);
            Assert.Empty(result.Errors);
            Assert.Contains(result.Verbose, line => line.Contains("stopped listening"));
        }

        [Fact]
        public void PortInUseIsAnInvalidRequest()
        {
            using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)taken.LocalEndPoint!).Port;

            var result = session.Run($"Receive-UdpDatagram -Port {port} -LocalAddress 127.0.0.1 -TimeoutSeconds 5");

            Assert.Equal("InvalidRequest", EngineResult.ErrorId(result.SingleError));
            Assert.Contains("already in use", result.SingleError.Exception.Message);
        }

        [Fact]
        public void StopEndsAListeningPipeline()
        {
            var port = PythonPeer.ClosedPort();
            using var script = new RunningScript(session, $"Receive-UdpDatagram -Port {port} -LocalAddress 127.0.0.1 -TimeoutSeconds 600");
            using (var sender = SenderOnceBound(port, "still listening"))
                Assert.Equal(new[] { "DONE" }, sender.OutputLines());

            script.Stop(TimeSpan.FromSeconds(10));

            Assert.Equal(PSInvocationState.Stopped, script.State);
        }
    }
}
