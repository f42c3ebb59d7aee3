using System;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Rpc;

namespace NetFoundations.Core.Tests.Rpc
{
    /// <summary>
    /// The RPC clients (what Invoke-XmlRpc and Invoke-JsonRpc call) against hostile HTTP servers: each case ends with a
    /// typed error within the request's timeout plus 2 s, keeping less than 64 MiB, and the transcript says why.
    /// </summary>
    [Collection(nameof(HostileCollection))]
    public sealed class RpcHostileServerTests
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

        /// <summary>Reads one HTTP request (headers, then Content-Length bytes of body) and returns its body.</summary>
        internal static async Task<string> ReadRequestAsync(NetworkStream stream, CancellationToken stop)
        {
            var received = new MemoryStream();
            var buffer = new byte[8192];
            int end;
            while ((end = IndexOf(received.ToArray(), "\r\n\r\n")) < 0)
            {
                var read = await stream.ReadAsync(buffer, stop);
                if (read == 0)
                    throw new IOException("the client closed");
                received.Write(buffer, 0, read);
            }
            var all = received.ToArray();
            var headers = Encoding.ASCII.GetString(all, 0, end);
            var length = int.Parse(headers.Split("\r\n").First(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)).Substring(15).Trim());
            var body = new MemoryStream();
            body.Write(all, end + 4, all.Length - end - 4);
            while (body.Length < length)
            {
                var read = await stream.ReadAsync(buffer, stop);
                if (read == 0)
                    throw new IOException("the client closed");
                body.Write(buffer, 0, read);
            }
            return Encoding.UTF8.GetString(body.ToArray());
        }

        private static int IndexOf(byte[] data, string text)
        {
            var pattern = Encoding.ASCII.GetBytes(text);
            for (var i = 0; i + pattern.Length <= data.Length; i++)
                if (data.AsSpan(i, pattern.Length).SequenceEqual(pattern))
                    return i;
            return -1;
        }

        /// <summary>A server that reads the request and answers with status, content type and body (then closes).</summary>
        internal static HostileServer Answering(string status, string contentType, byte[] body) =>
            new HostileServer(async (stream, stop) =>
            {
                await ReadRequestAsync(stream, stop);
                var head = $"HTTP/1.1 {status}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), stop);
                await stream.WriteAsync(body, stop);
            }, watchForClose: false);

        internal static HostileServer Answering(string status, string contentType, string body) =>
            Answering(status, contentType, Encoding.UTF8.GetBytes(body));

        private static RpcHttpTransport Transport(int port, long maxResponseBytes = 1 << 20) =>
            new RpcHttpTransport(new RpcEndpointOptions(new Uri($"http://127.0.0.1:{port}/RPC2"))
            {
                Timeout = Timeout,
                MaxResponseBytes = maxResponseBytes,
            });

        private static async Task<(Exception Error, Transcript Transcript)> XmlRpcFailsAsync(HostileServer server, long maxResponseBytes = 1 << 20)
        {
            var transcript = new Transcript();
            using var transport = Transport(server.Port, maxResponseBytes);
            var client = new XmlRpcClient(transport, new XmlRpcEncoding(), transcript);
            var outcome = await Hostile.FailsInTimeAsync(() => client.CallAsync("add", new object?[] { 1, 2 }, CancellationToken.None), Timeout);
            return (outcome.Error!, transcript);
        }

        [Fact]
        public async Task A_server_that_stalls_is_a_timeout()
        {
            using var server = new HostileServer(async (stream, stop) =>
            {
                await ReadRequestAsync(stream, stop);
                await Task.Delay(System.Threading.Timeout.Infinite, stop);
            }, watchForClose: false);

            var (error, transcript) = await XmlRpcFailsAsync(server);

            Assert.Contains("did not answer within 1 s", Assert.IsType<NetworkTimeoutException>(error).Message);
            Assert.Equal(TranscriptDirection.ClientError, transcript.Entries.Last().Direction);
        }

        [Fact]
        public async Task An_endless_body_is_cut_at_MaxResponseBytes()
        {
            var chunk = Encoding.ASCII.GetBytes(new string('x', 65536));
            using var server = new HostileServer(async (stream, stop) =>
            {
                await ReadRequestAsync(stream, stop);
                await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nConnection: close\r\n\r\n"), stop);
                await HostileServer.Endless(chunk)(stream, stop);
            }, watchForClose: false);

            var (error, _) = await XmlRpcFailsAsync(server);

            Assert.Contains("longer than the 1048576 bytes that -MaxResponseBytes allows", Assert.IsType<ProtocolViolationException>(error).Message);
        }

        [Fact]
        public async Task An_announced_length_beyond_MaxResponseBytes_is_refused_before_it_is_read()
        {
            using var server = new HostileServer(async (stream, stop) =>
            {
                await ReadRequestAsync(stream, stop);
                await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 99999999999\r\n\r\n"), stop);
                await Task.Delay(System.Threading.Timeout.Infinite, stop);
            }, watchForClose: false);

            var (error, _) = await XmlRpcFailsAsync(server);

            Assert.Contains("announced a reply of 99999999999 bytes", Assert.IsType<ProtocolViolationException>(error).Message);
        }

        [Fact]
        public async Task A_reply_nested_too_deep_is_refused()
        {
            var depth = 100000;
            var body = "<?xml version=\"1.0\"?><methodResponse><params><param>"
                + string.Concat(Enumerable.Repeat("<value><array><data>", depth))
                + string.Concat(Enumerable.Repeat("</data></array></value>", depth))
                + "</param></params></methodResponse>";
            using var server = Answering("200 OK", "text/xml", body);

            var (error, _) = await XmlRpcFailsAsync(server, 16 << 20);

            Assert.Contains($"more than {XmlRpcCodec.MaxDepth} levels deep", Assert.IsType<ProtocolViolationException>(error).Message);
        }

        [Fact]
        public async Task A_DTD_with_an_entity_bomb_is_refused()
        {
            var body = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                + string.Concat(Enumerable.Range(1, 9).Select(i => $"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat(i == 1 ? "&lol;" : $"&lol{i - 1};", 10))}\">"))
                + "]><methodResponse><params><param><value><string>&lol9;</string></value></param></params></methodResponse>";
            using var server = Answering("200 OK", "text/xml", body);

            var (error, _) = await XmlRpcFailsAsync(server);

            Assert.Contains("DTD", Assert.IsType<ProtocolViolationException>(error).Message);
        }

        [Fact]
        public async Task A_reply_that_is_not_XML_is_a_protocol_violation()
        {
            using var server = Answering("200 OK", "text/plain", "hello, this is not XML");

            var (error, _) = await XmlRpcFailsAsync(server);

            Assert.Contains("is not a valid XML-RPC response", Assert.IsType<ProtocolViolationException>(error).Message);
        }

        [Fact]
        public async Task A_500_with_HTML_is_a_remote_error_with_the_status()
        {
            using var server = Answering("500 Internal Server Error", "text/html", "<html><body><h1>Oops</h1>\n<p>It broke</p></body></html>");

            var (error, _) = await XmlRpcFailsAsync(server);

            var remote = Assert.IsType<RemoteErrorException>(error);
            Assert.Equal("500", remote.ReplyCode);
            Assert.Contains("HTTP 500 Internal Server Error", remote.Message);
            Assert.Contains("Oops", remote.Message);
        }

        [Fact]
        public async Task A_JSON_reply_nested_too_deep_is_refused()
        {
            using var server = Answering("200 OK", "application/json", "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + new string('[', 100000) + new string(']', 100000) + "}");
            var transcript = new Transcript();
            using var transport = Transport(server.Port, 16 << 20);
            var client = new JsonRpcClient(transport, transcript);

            var outcome = await Hostile.FailsInTimeAsync(() => client.CallAsync(new RpcCall("add", new object?[] { 1 }), CancellationToken.None), Timeout);

            Assert.Contains($"more than {RpcJson.MaxDepth} levels deep", Assert.IsType<ProtocolViolationException>(outcome.Error).Message);
        }

        [Fact]
        public async Task A_JSON_reply_that_is_HTML_is_a_protocol_violation()
        {
            using var server = Answering("200 OK", "text/html", "<html>not json</html>");
            using var transport = Transport(server.Port);
            var client = new JsonRpcClient(transport, new Transcript());

            var outcome = await Hostile.FailsInTimeAsync(() => client.CallAsync(new RpcCall("add", new object?[] { 1 }), CancellationToken.None), Timeout);

            Assert.Contains("is not valid JSON", Assert.IsType<ProtocolViolationException>(outcome.Error).Message);
        }

        [Fact]
        public async Task A_closed_port_is_connection_refused()
        {
            int port;
            using (var probe = new TcpListener(System.Net.IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
            }
            var transcript = new Transcript();
            using var transport = Transport(port);
            var client = new XmlRpcClient(transport, new XmlRpcEncoding(), transcript);

            var error = await Record.ExceptionAsync(() => client.CallAsync("add", Array.Empty<object?>(), CancellationToken.None));

            Assert.IsType<ConnectionRefusedException>(error);
            Assert.Equal(error!.Message, transcript.Entries.Last().Text);
        }
    }
}
