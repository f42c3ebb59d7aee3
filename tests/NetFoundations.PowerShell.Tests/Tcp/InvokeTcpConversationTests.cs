using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;

using NetFoundations.Core.Tests.Tcp;

namespace NetFoundations.PowerShell.Tests.Tcp
{
    public sealed class InvokeTcpConversationTests : IClassFixture<ModuleSession>
    {
        private readonly ModuleSession session;

        public InvokeTcpConversationTests(ModuleSession session)
        {
            this.session = session;
        }

        private EngineResult Run(string script, int port) =>
            session.Run(script, new Dictionary<string, object?> { ["port"] = port });

        /// <summary>The one TcpConversation written. Its type lives in the module's own load context, so it is read through PSObject.</summary>
        private static Conversation Single(EngineResult result)
        {
            Assert.Empty(result.Errors);
            var output = Assert.Single(result.Output);
            Assert.Equal("NetFoundations.Core.Tcp.TcpConversation", output.TypeNames[0]);
            return new Conversation(output);
        }

        private sealed class Conversation
        {
            private readonly PSObject value;
            public Conversation(PSObject value) { this.value = value; }
            private object Get(string name) => value.Properties[name].Value;
            public string ComputerName => (string)Get("ComputerName");
            public int Port => (int)Get("Port");
            public long Sent => (long)Get("Sent");
            public byte[] Received => (byte[])Get("Received");
            public string ReceivedText => (string)Get("ReceivedText");
            public string[] Messages => ((IEnumerable<string>)Get("Messages")).ToArray();
            public byte[][] Frames => ((IEnumerable<byte[]>)Get("Frames")).ToArray();
            public string[] TranscriptMarkers => ((System.Collections.IEnumerable)Get("Transcript")).Cast<object>()
                .Select(e => (string)PSObject.AsPSObject(e).Properties["Marker"].Value).ToArray();
        }

        [Fact]
        public void Lines_come_back_as_messages()
        {
            using var peer = new TcpPeer("tcp_lines.py");
            var conversation = Single(Run("Invoke-TcpConversation -ComputerName 127.0.0.1 -Port $port -Message \"hi`n\", \"QUIT`n\" -LineCount 3", peer.Port));

            Assert.Equal(new[] { "HELLO", "HI", "BYE" }, conversation.Messages);
            Assert.Equal("127.0.0.1", conversation.ComputerName);
            Assert.Equal(peer.Port, conversation.Port);
            Assert.Equal(8, conversation.Sent);
            Assert.Contains("<-", conversation.TranscriptMarkers);
        }

        [Fact]
        public void Text_and_byte_delimiters_cut_frames()
        {
            using var peer = new TcpPeer("tcp_echo.py");
            var text = Single(Run("Invoke-TcpConversation 127.0.0.1 $port 'a|b|' -Delimiter '|' -FrameCount 2", peer.Port));
            var bytes = Single(Run("Invoke-TcpConversation 127.0.0.1 $port -Bytes ([byte[]](1, 0, 2, 0)) -Delimiter ([byte[]]0) -FrameCount 2", peer.Port));

            Assert.Equal(new[] { "a", "b" }, text.Messages);
            Assert.Equal(new[] { new byte[] { 1 }, new byte[] { 2 } }, bytes.Frames);
        }

        [Fact]
        public void Bytes_take_one_array_as_one_message_and_several_as_several()
        {
            using var peer = new TcpPeer("tcp_blocks.py");
            var one = Single(Run("Invoke-TcpConversation 127.0.0.1 $port -Bytes ([byte[]](97, 98, 99)) -LengthPrefix 4 -HalfClose", peer.Port));
            var several = Single(Run("Invoke-TcpConversation 127.0.0.1 $port -Bytes ([byte[]](97, 98)), ([byte[]](99)) -LengthPrefix 4 -HalfClose", peer.Port));

            Assert.Equal(new[] { "ABC" }, one.Messages);
            Assert.Equal(new[] { "AB", "C" }, several.Messages);
        }

        [Fact]
        public void Byte_count_and_until_close_with_half_close()
        {
            using var echo = new TcpPeer("tcp_echo.py");
            using var streamer = new TcpPeer("tcp_streamer.py");
            var exact = Single(Run("Invoke-TcpConversation 127.0.0.1 $port -Message 'abcdef' -ByteCount 3", echo.Port));
            var untilClose = Single(Run("Invoke-TcpConversation 127.0.0.1 $port -Message 'abcdef' -HalfClose -UntilClose", streamer.Port));

            Assert.Equal("abc", exact.ReceivedText);
            Assert.Equal("RECEIVED 6\n", untilClose.ReceivedText);
        }

        [Fact]
        public void Large_payload_both_ways_completes()
        {
            using var peer = new TcpPeer("tcp_echo.py");
            var conversation = Single(Run("Invoke-TcpConversation 127.0.0.1 $port -Bytes ([byte[]]::new(6MB)) -HalfClose -UntilClose", peer.Port));

            Assert.Equal(6 * 1024 * 1024, conversation.Sent);
            Assert.Equal(6 * 1024 * 1024, conversation.Received.Length);
        }

        [Fact]
        public void Port_test_results_pipe_in_by_property_name()
        {
            using var peer = new TcpPeer("tcp_lines.py");
            var result = Run("Test-TcpPort -ComputerName localhost -Port $port | Where-Object Open | Invoke-TcpConversation -LineCount 1", peer.Port);

            Assert.Equal("HELLO", Assert.Single(Single(result).Messages));
        }

        [Fact]
        public void Closed_port_is_a_connection_refused_error_with_the_target()
        {
            var port = TcpPeer.ClosedPort();
            var result = Run("Invoke-TcpConversation 127.0.0.1 $port -UntilClose", port);

            var error = result.SingleError;
            Assert.Equal("ConnectionRefused", EngineResult.ErrorId(error));
            Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
            Assert.Equal($"127.0.0.1:{port}", error.TargetObject);
        }

        [Fact]
        public void Unresolvable_name_is_a_name_resolution_error()
        {
            var result = session.Run("Invoke-TcpConversation -ComputerName xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.invalid -Port 80");

            Assert.Equal("NameResolutionFailed", EngineResult.ErrorId(result.SingleError));
            Assert.Empty(result.Output);
        }

        [Fact]
        public void Stalled_peer_times_out()
        {
            using var peer = new TcpPeer("tcp_stall.py");
            var result = Run("Invoke-TcpConversation 127.0.0.1 $port -Message 'hello' -LineCount 1 -TimeoutSeconds 0.5", peer.Port);

            Assert.Equal("OperationTimedOut", EngineResult.ErrorId(result.SingleError));
        }

        [Fact]
        public void Endless_peer_is_a_protocol_violation()
        {
            using var peer = new TcpPeer("tcp_endless.py");
            var result = Run("Invoke-TcpConversation 127.0.0.1 $port -UntilClose -MaxReceiveBytes 100000", peer.Port);

            Assert.Equal("ProtocolViolation", EngineResult.ErrorId(result.SingleError));
        }

        [Fact]
        public void Error_for_one_input_does_not_stop_the_next()
        {
            using var peer = new TcpPeer("tcp_lines.py");
            var result = session.Run("[pscustomobject]@{ ComputerName = '127.0.0.1'; Port = $closed }, [pscustomobject]@{ ComputerName = '127.0.0.1'; Port = $port } | Invoke-TcpConversation -LineCount 1",
                new Dictionary<string, object?> { ["port"] = peer.Port, ["closed"] = TcpPeer.ClosedPort() });

            Assert.Equal("ConnectionRefused", EngineResult.ErrorId(result.SingleError));
            Assert.Single(result.Output);
        }

        [Fact]
        public void Message_and_bytes_together_are_rejected()
        {
            var result = session.Run("Invoke-TcpConversation 127.0.0.1 80 -Message a -Bytes 1");

            Assert.Equal("MessageAndBytes", EngineResult.ErrorId(result.SingleError));
        }

        [Fact]
        public void Bad_port_and_prefix_fail_validation()
        {
            Assert.Equal("ParameterArgumentValidationError", EngineResult.ErrorId(session.Run("Invoke-TcpConversation 127.0.0.1 70000").SingleError));
            Assert.Equal("ParameterArgumentValidationError", EngineResult.ErrorId(session.Run("Invoke-TcpConversation 127.0.0.1 80 -LengthPrefix 3").SingleError));
        }

        [Fact]
        public void Two_receive_framings_are_ambiguous()
        {
            var result = session.Run("Invoke-TcpConversation 127.0.0.1 80 -LineCount 1 -UntilClose");

            Assert.Equal("AmbiguousParameterSet", EngineResult.ErrorId(result.SingleError));
        }

        [Fact]
        public void Verbose_and_transcript_path_show_the_wire()
        {
            using var peer = new TcpPeer("tcp_lines.py");
            var path = Path.Combine(Path.GetTempPath(), $"tcp-transcript-{Guid.NewGuid():N}.log");
            try
            {
                var result = session.Run("Invoke-TcpConversation 127.0.0.1 $port -Message \"QUIT`r`n\" -LineCount 2 -Verbose -TranscriptPath $path",
                    new Dictionary<string, object?> { ["port"] = peer.Port, ["path"] = path });

                Assert.Empty(result.Errors);
                Assert.Contains(result.Verbose, v => v.Contains("-> [6 bytes] QUIT\\r\\n"));
                Assert.Contains(result.Verbose, v => v.Contains("<-") && v.Contains("HELLO"));
                Assert.Contains("QUIT\\r\\n", File.ReadAllText(path));
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void Ctrl_c_stops_a_stalled_conversation()
        {
            using var peer = new TcpPeer("tcp_stall.py");
            using var script = new RunningScript(session, $"Invoke-TcpConversation -ComputerName 127.0.0.1 -Port {peer.Port} -UntilClose -TimeoutSeconds 600");
            script.WaitUntilRunning(TimeSpan.FromMilliseconds(300));

            script.Stop(TimeSpan.FromSeconds(10));

            Assert.Equal(PSInvocationState.Stopped, script.State);
        }

        [Fact]
        public void Help_has_a_synopsis_and_examples()
        {
            var result = session.Run("$help = Get-Help Invoke-TcpConversation; $help.Synopsis; @($help.examples.example).Count");

            Assert.Contains("receives the reply", result.Output[0].ToString());
            Assert.True((int)result.Output[1].BaseObject >= 2);
        }
    }
}
