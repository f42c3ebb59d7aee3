using System;
using System.IO;
using System.IO.Compression;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Http;

namespace NetFoundations.Core.Tests.Http
{
    /// <summary>
    /// The HTTP client (what Invoke-HttpRequest calls) against hostile servers no real server plays: each case ends with a
    /// typed error, naming the bound it hit, within the request's timeout plus 2 s and keeping less than 64 MiB.
    /// </summary>
    [Collection(nameof(HostileCollection))]
    public sealed class HttpClientHostileServerTests
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

        /// <summary>Reads one request's head (a GET: no body) and returns it.</summary>
        private static async Task<string> ReadHeadAsync(NetworkStream stream, CancellationToken stop)
        {
            var head = new StringBuilder();
            var one = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                if (await stream.ReadAsync(one, stop) == 0)
                    throw new IOException("the client closed");
                head.Append((char)one[0]);
            }
            return head.ToString();
        }

        private static HostileServer Server(Func<NetworkStream, CancellationToken, Task> afterRequest) =>
            new HostileServer(async (stream, stop) =>
            {
                await ReadHeadAsync(stream, stop);
                await afterRequest(stream, stop);
            }, watchForClose: false);

        private static Task Write(NetworkStream stream, string text, CancellationToken stop) =>
            stream.WriteAsync(Encoding.ASCII.GetBytes(text), stop).AsTask();

        private static async Task<(Exception? Error, Transcript Transcript)> FailsAsync(HostileServer server, long maximumBodyBytes = 1 << 20,
            int maximumHeaderBytes = 16 * 1024, string path = "/")
        {
            var transcript = new Transcript();
            using var session = HttpClientSessions.Create(new HttpClientSessionOptions { MaximumHeaderBytes = maximumHeaderBytes });
            var request = new HttpClientRequest(new Uri($"http://127.0.0.1:{server.Port}{path}"), "GET")
            {
                Timeout = Timeout,
                MaximumBodyBytes = maximumBodyBytes,
            };
            var outcome = await Hostile.FailsInTimeAsync(() => HttpClientSessions.SendAsync(session, request, transcript, CancellationToken.None), Timeout);
            return (outcome.Error, transcript);
        }

        [Fact]
        public async Task StalledHeadersEndAtTheDeadline()
        {
            using var server = Server(async (stream, stop) =>
            {
                await Write(stream, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n", stop);
                await Task.Delay(System.Threading.Timeout.Infinite, stop);
            });
            var (error, transcript) = await FailsAsync(server);
            var timeout = Assert.IsType<NetworkTimeoutException>(error);
            Assert.Contains("-TimeoutSeconds", timeout.Message);
            Assert.Contains(transcript.Entries, e => e.ToString().Contains("did not complete"));
        }

        [Fact]
        public async Task EndlessHeadersStopAtTheHeaderBound()
        {
            using var server = Server(async (stream, stop) =>
            {
                await Write(stream, "HTTP/1.1 200 OK\r\n", stop);
                await HostileServer.Endless(Encoding.ASCII.GetBytes("X-Filler: " + new string('a', 1000) + "\r\n"))(stream, stop);
            });
            var (error, _) = await FailsAsync(server);
            var violation = Assert.IsType<ProtocolViolationException>(error);
            Assert.Contains("-MaximumHeaderBytes", violation.Message);
        }

        [Fact]
        public async Task EndlessChunkedBodyStopsAtTheBodyBound()
        {
            var chunk = Encoding.ASCII.GetBytes("1000\r\n" + new string('x', 4096) + "\r\n");
            using var server = Server(async (stream, stop) =>
            {
                await Write(stream, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n", stop);
                await HostileServer.Endless(chunk)(stream, stop);
            });
            var (error, _) = await FailsAsync(server);
            var violation = Assert.IsType<ProtocolViolationException>(error);
            Assert.Contains("-MaximumBodyBytes", violation.Message);
        }

        [Fact]
        public async Task HugeContentLengthIsRefusedBeforeReading()
        {
            using var server = Server(async (stream, stop) =>
            {
                await Write(stream, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000000000000\r\n\r\n", stop);
                await Task.Delay(System.Threading.Timeout.Infinite, stop);
            });
            var (error, _) = await FailsAsync(server);
            var violation = Assert.IsType<ProtocolViolationException>(error);
            Assert.Contains("announced a body of 1000000000000000 bytes", violation.Message);
        }

        [Fact]
        public async Task GzipBombStopsAtTheBodyBoundAfterDecompression()
        {
            var bomb = new MemoryStream();
            using (var gzip = new GZipStream(bomb, CompressionLevel.Optimal, leaveOpen: true))
            {
                var zeros = new byte[1 << 20];
                for (var i = 0; i < 256; i++)
                    gzip.Write(zeros);
            }
            var body = bomb.ToArray();
            Assert.True(body.Length < 1 << 20);   // 256 MiB inflated, well under 1 MiB on the wire
            using var server = Server(async (stream, stop) =>
            {
                await Write(stream, $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\nContent-Length: {body.Length}\r\n\r\n", stop);
                await stream.WriteAsync(body, stop);
                await Task.Delay(System.Threading.Timeout.Infinite, stop);
            });
            var (error, _) = await FailsAsync(server);
            var violation = Assert.IsType<ProtocolViolationException>(error);
            Assert.Contains("decompresses (gzip)", violation.Message);
            Assert.Contains("-MaximumBodyBytes", violation.Message);
        }

        [Fact]
        public async Task RedirectLoopStopsAtTheRedirectBound()
        {
            using var server = new HostileServer(async (stream, stop) =>
            {
                while (true)
                {
                    await ReadHeadAsync(stream, stop);
                    await Write(stream, "HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n", stop);
                }
            }, watchForClose: false);
            var (error, _) = await FailsAsync(server);
            var violation = Assert.IsType<ProtocolViolationException>(error);
            Assert.Contains("-MaximumRedirection", violation.Message);
        }

        [Fact]
        public async Task GarbageStatusLineIsAProtocolViolation()
        {
            using var server = Server(async (stream, stop) =>
            {
                await Write(stream, "SSH-2.0-OpenSSH_9.2\r\n\r\n", stop);
                await Task.Delay(System.Threading.Timeout.Infinite, stop);
            });
            var (error, _) = await FailsAsync(server);
            Assert.IsType<ProtocolViolationException>(error);
        }

        [Fact]
        public async Task BodyCutShortIsALostConnection()
        {
            using var server = Server(async (stream, stop) =>
            {
                await Write(stream, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nonly this", stop);
            });
            var (error, _) = await FailsAsync(server);
            Assert.IsType<ConnectionLostException>(error);
        }
    }
}
