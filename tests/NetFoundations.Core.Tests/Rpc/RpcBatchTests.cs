using System;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Rpc;

namespace NetFoundations.Core.Tests.Rpc
{
    /// <summary>Batches against scripted servers: JSON-RPC responses matched by id in any order, a missing one an error for its call.</summary>
    public sealed class RpcBatchTests
    {
        private static RpcHttpTransport Transport(int port) =>
            new RpcHttpTransport(new RpcEndpointOptions(new Uri($"http://127.0.0.1:{port}/")) { Timeout = TimeSpan.FromSeconds(5) });

        [Fact]
        public async Task JSON_RPC_batch_responses_are_matched_by_id_whatever_their_order_and_a_missing_one_is_an_error_for_its_call()
        {
            // The client numbers its calls 1, 2, 3 (the notification has no id): the server answers 3 then 1, and forgets 2.
            using var server = RpcHostileServerTests.Answering("200 OK", "application/json",
                "[{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32000,\"message\":\"no\",\"data\":{\"why\":\"because\"}}},{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"one\"}]");
            using var transport = Transport(server.Port);
            var client = new JsonRpcClient(transport, new Transcript());

            var outcomes = await client.BatchAsync(new[]
            {
                new RpcCall("a", Array.Empty<object?>()),
                new RpcCall("b", Array.Empty<object?>()),
                new RpcCall("n", Array.Empty<object?>()) { IsNotification = true },
                new RpcCall("c", Array.Empty<object?>()),
            }, CancellationToken.None);

            Assert.Equal("one", outcomes[0].Value);
            Assert.Contains("no response for the call with id 2", Assert.IsType<ProtocolViolationException>(outcomes[1].Error).Message);
            Assert.False(outcomes[2].HasValue);
            Assert.Null(outcomes[2].Error);
            var error = Assert.IsType<RemoteErrorException>(outcomes[3].Error);
            Assert.Equal("-32000", error.ReplyCode);
            Assert.Equal("because", ((System.Collections.Generic.Dictionary<string, object?>)error.Data["data"]!)["why"]);
        }

        [Fact]
        public async Task A_lone_notification_takes_an_empty_204_reply()
        {
            using var server = new HostileServer(async (stream, stop) =>
            {
                var body = await RpcHostileServerTests.ReadRequestAsync(stream, stop);
                Assert.DoesNotContain("\"id\"", body);
                await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"), stop);
            }, watchForClose: false);
            using var transport = Transport(server.Port);
            var client = new JsonRpcClient(transport, new Transcript());

            Assert.Null(await client.CallAsync(new RpcCall("note", new object?[] { "x" }) { IsNotification = true }, CancellationToken.None));
        }

        [Fact]
        public async Task An_XML_RPC_multicall_answer_of_the_wrong_length_is_a_protocol_violation()
        {
            var reply = Encoding.UTF8.GetString(XmlRpcCodec.MethodResponse(new object?[] { new object?[] { 1 } }, new XmlRpcEncoding()));
            using var server = RpcHostileServerTests.Answering("200 OK", "text/xml", reply);
            using var transport = Transport(server.Port);
            var client = new XmlRpcClient(transport, new XmlRpcEncoding(), new Transcript());

            var error = await Record.ExceptionAsync(() => client.MulticallAsync(new[]
            {
                new RpcCall("a", Array.Empty<object?>()), new RpcCall("b", Array.Empty<object?>()),
            }, CancellationToken.None));

            Assert.Contains("with 1 results", Assert.IsType<ProtocolViolationException>(error).Message);
        }
    }
}
