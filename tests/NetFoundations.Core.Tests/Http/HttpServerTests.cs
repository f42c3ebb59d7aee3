using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Http;
using NetFoundations.Core.Servers;
using NetFoundations.Core.Tests.Servers;
using NetFoundations.Core.Tls;
using NetFoundations.Tests;
using Xunit;

namespace NetFoundations.Core.Tests.Http
{
    /// <summary>
    /// The HTTP server against clients we did not write — curl, Python's http.client and python3-requests
    /// (tests/peers/http_server_client.py) — and against hostile clients on raw sockets: slowloris, endless headers,
    /// huge lengths, garbage.
    /// </summary>
    public sealed class HttpServerTests : IClassFixture<ServerPki>, IDisposable
    {
        private readonly ServerPki pki;
        private readonly string folder;
        private readonly List<TcpServer> servers = new List<TcpServer>();

        public HttpServerTests(ServerPki pki)
        {
            this.pki = pki;
            folder = Path.Combine(Path.GetTempPath(), "nf-http-server-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "hello.txt"), "hello, static world\n");
        }

        public void Dispose()
        {
            foreach (var server in servers)
                TcpServerHost.StopAsync(server).Wait(TimeSpan.FromSeconds(5));
            Directory.Delete(folder, true);
        }

        /// <summary>The routes the Python peer expects, and /fail that throws, /slow that takes its time.</summary>
        private TcpServer Start(Action<HttpServerOptions>? adjust = null, IEnumerable<string>? hosts = null)
        {
            var router = new HttpServerRouter(hosts, folder);
            router.Add("GET /", (r, c) => Task.FromResult(HttpServerResponse.Text(200, "hello")));
            router.Add("GET /items/{id}", (r, c) => Task.FromResult(HttpServerResponse.Text(200,
                $"item {r.RouteParameters["id"]} q={string.Join("|", r.Query["q"] is object[] many ? many.Cast<string>() : new[] { (string)r.Query["q"]! })}")));
            router.Add("PUT /items/{id}", (r, c) => Task.FromResult(new HttpServerResponse(204)));
            router.Add("POST /echo", (r, c) =>
            {
                var text = r.IsForm ? string.Join("&", r.Form.Keys.Cast<string>().OrderBy(k => k).Select(k => $"{k}={r.Form[k]}")) : r.BodyText;
                if (r.IsJson)
                    text = "json:" + text;
                return Task.FromResult(HttpServerResponse.Text(200, r.BodyLength > 1000 ? $"{r.BodyLength} bytes" : text));
            });
            router.Add("GET /fail", (r, c) => throw new InvalidOperationException("the route failed"));
            router.Add("GET /slow", async (r, c) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(30), c);
                return HttpServerResponse.Text(200, "late");
            });
            var options = new HttpServerOptions { Handler = router.HandleAsync };
            adjust?.Invoke(options);
            var server = HttpServerHost.Start(options);
            servers.Add(server);
            return server;
        }

        private static string Url(TcpServer server, string path = "") => $"http://127.0.0.1:{server.LocalPort}{path}";

        [Fact]
        public async Task CurlGetsRoutesOverOneKeptAliveConnection()
        {
            var server = Start();
            var (code, output, errors) = await Run("curl", "-sS", "--max-time", "20", "-w", " %{http_code} %{num_connects}\\n",
                Url(server, "/"), Url(server, "/items/42?q=x"), Url(server, "/nope"));
            Assert.True(code == 0, errors);
            Assert.Equal("hello 200 1\nitem 42 q=x 200 0\n404 Not Found 404 0\n", output);
            await Settled(server, 1);
            Assert.Equal(3, server.Requests);
            Assert.Equal(1, server.ConnectionsServed);
            var routes = server.GetRoutes();
            Assert.Contains(routes, r => r.Route == "GET /items/{id}" && r.Requests == 1 && r.P99Ms >= r.P50Ms);
            Assert.Contains(routes, r => r.Route == "404" && r.ClientErrors == 1);
            var log = server.GetRequestLog();
            Assert.Equal(new[] { "/", "/items/42?q=x", "/nope" }, log.Select(l => l.Target));
            Assert.Equal(new[] { 200, 200, 404 }, log.Select(l => l.StatusCode));
        }

        [Fact]
        public async Task PythonHttpClientSendsChunkedAndLongBodiesOnOneConnection()
        {
            var server = Start();
            var result = await Python("http-client", Url(server));
            Assert.Equal("hello", result.GetProperty("root").GetProperty("body").GetString());
            Assert.Equal("item 7 q=a b|c", result.GetProperty("item").GetProperty("body").GetString());
            Assert.Equal("one,two,three", result.GetProperty("chunked").GetProperty("body").GetString());
            var head = result.GetProperty("head");
            Assert.Equal(200, head.GetProperty("status").GetInt32());
            Assert.Equal("", head.GetProperty("body").GetString());
            Assert.Equal("5", head.GetProperty("headers").GetProperty("content-length").GetString());
            Assert.Equal("100000 bytes", result.GetProperty("length").GetProperty("body").GetString());
            Assert.True(result.GetProperty("reused").GetBoolean(), "http.client opened a second connection");
        }

        [Fact]
        public async Task PythonRequestsGetsTheStatusRulesAndStaticFiles()
        {
            var server = Start();
            var result = await Python("requests", Url(server));
            Assert.Equal("lang=en&name=Ada Lovelace", Body(result, "form"));
            Assert.Equal("json:{\"n\": 1, \"list\": [1, 2]}", Body(result, "json"));
            Assert.Equal(404, Status(result, "missing"));
            Assert.Equal(405, Status(result, "not_allowed"));
            Assert.Equal("GET, PUT, HEAD", Header(result, "not_allowed", "allow"));
            Assert.Equal(501, Status(result, "not_implemented"));
            Assert.Equal(200, Status(result, "static"));
            Assert.Equal("hello, static world\n", Body(result, "static"));
            Assert.StartsWith("text/plain", Header(result, "static", "content-type"));
            Assert.NotNull(Header(result, "static", "last-modified"));
            Assert.Equal(304, Status(result, "not_modified"));
            Assert.Equal("", Body(result, "not_modified"));
            Assert.Equal(206, Status(result, "range"));
            Assert.Equal("static", Body(result, "range"));
            Assert.Equal("bytes 7-12/20", Header(result, "range", "content-range"));
            Assert.Equal(416, Status(result, "past_end"));
            Assert.Equal("bytes */20", Header(result, "past_end", "content-range"));
        }

        [Fact]
        public async Task OtherHostsAreNotFoundAsTheTimeAppSays()
        {
            var server = Start(hosts: new[] { "127.0.0.1" });
            var (_, ours, _) = await Run("curl", "-sS", "--max-time", "20", "-w", " %{http_code}", Url(server, "/"));
            Assert.Equal("hello 200", ours);
            var (_, other, _) = await Run("curl", "-sS", "--max-time", "20", "-w", " %{http_code}", "-H", "Host: localhost", Url(server, "/"));
            Assert.Equal("404 Not Found 404", other);
        }

        [Fact]
        public async Task HttpsServesCurlWithTheTestCa()
        {
            var certificate = TlsPem.LoadServerCertificate(pki.File("valid.crt"), pki.File("valid.key"), null);
            var server = Start(o => o.Certificate = certificate);
            Assert.True(server.Tls);
            var (code, output, errors) = await Run("curl", "-sS", "--max-time", "20", "--cacert", pki.File("ca.crt"),
                "--resolve", $"localhost:{server.LocalPort}:127.0.0.1", $"https://localhost:{server.LocalPort}/items/5?q=tls");
            Assert.True(code == 0, errors);
            Assert.Equal("item 5 q=tls", output);
        }

        [Fact]
        public async Task AFailingHandlerIsA500AndTheConnectionGoesOn()
        {
            var server = Start();
            var (_, output, _) = await Run("curl", "-sS", "--max-time", "20", "-w", " %{http_code} %{num_connects}\\n", Url(server, "/fail"), Url(server, "/"));
            Assert.Equal("500 Internal Server Error 500 1\nhello 200 0\n", output);
            Assert.Contains(server.GetErrors(), e => e.Message.Contains("the route failed"));
        }

        [Fact]
        public async Task PipelinedRequestsAreAnsweredInOrder()
        {
            var server = Start();
            var reply = await Raw(server, "GET /items/1 HTTP/1.1\r\nHost: a\r\n\r\nGET /items/2 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            Assert.True(reply.IndexOf("item 1", StringComparison.Ordinal) < reply.IndexOf("item 2", StringComparison.Ordinal), reply);
            Assert.Contains("Connection: close", reply);
        }

        // Hostile clients: each bound answered with its status, the connection closed, the violation named.

        [Theory]
        [InlineData("GARBAGE\r\n\r\n", 400, "not a request line")]
        [InlineData("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505, "HTTP/2.0")]
        [InlineData("GET / HTTP/1.1\r\n\r\n", 400, "without a Host")]
        [InlineData("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999\r\n\r\n", 413, "larger than the limit of 4194304 bytes")]
        [InlineData("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "both Transfer-Encoding and Content-Length")]
        [InlineData("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "only chunked")]
        [InlineData("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400, "not a number of bytes")]
        [InlineData("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400, "chunk size")]
        [InlineData("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400, "folded")]
        public async Task MalformedRequestsAreRefusedWithTheirStatus(string request, int status, string named)
        {
            var server = Start();
            var reply = await Raw(server, request);
            Assert.StartsWith($"HTTP/1.1 {status} ", reply);
            Assert.Contains("Connection: close", reply);
            await Settled(server, 1);
            Assert.Equal(1, server.ConnectionsFailed);
            Assert.Contains(server.GetErrors(), e => e is ProtocolViolationException && e.Message.Contains(named));
        }

        [Fact]
        public async Task ALongRequestLineIs414()
        {
            var server = Start(o => o.MaxRequestLineBytes = 100);
            var reply = await Raw(server, "GET /" + new string('a', 200) + " HTTP/1.1\r\nHost: a\r\n\r\n");
            Assert.StartsWith("HTTP/1.1 414 ", reply);
            await Settled(server, 1);
            Assert.Contains(server.GetErrors(), e => e.Message.Contains("limit of 100 bytes"));
        }

        [Fact]
        public async Task EndlessHeadersStopAtTheCountAndSizeBounds()
        {
            var server = Start(o => o.MaxHeaderCount = 10);
            var many = string.Concat(Enumerable.Range(0, 11).Select(i => $"X-{i}: {i}\r\n"));
            Assert.StartsWith("HTTP/1.1 431 ", await Raw(server, "GET / HTTP/1.1\r\nHost: a\r\n" + many + "\r\n"));
            // Headers that never end: the server answers once the section passes its size bound, without waiting for the end.
            var sized = Start(o => o.MaxHeaderBytes = 4096);
            using var client = await Connect(sized);
            var line = Encoding.ASCII.GetBytes("X-Endless: " + new string('z', 100) + "\r\n");
            await client.SendAsync(new ArraySegment<byte>(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: a\r\n")), SocketFlags.None);
            var reply = Read(client);
            try
            {
                for (var i = 0; i < 1000 && !reply.IsCompleted; i++)
                    await client.SendAsync(new ArraySegment<byte>(line), SocketFlags.None);
            }
            catch (SocketException)
            {
                // The server closed after its answer, while we were still sending: what the test wants.
            }
            Assert.StartsWith("HTTP/1.1 431 ", await reply);
            await Settled(sized, 1);
            Assert.Contains(sized.GetErrors(), e => e.Message.Contains("limit of 4096 bytes"));
        }

        [Fact]
        public async Task AChunkedBodyPastTheLimitIs413()
        {
            var server = Start(o => o.MaxBodyBytes = 1000);
            var chunk = "200\r\n" + new string('b', 512) + "\r\n";
            var reply = await Raw(server, "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk + chunk + "0\r\n\r\n");
            Assert.StartsWith("HTTP/1.1 413 ", reply);
        }

        [Fact]
        public async Task ASlowlorisIsClosedAtTheIdleTimeout()
        {
            var server = Start(o => o.IdleTimeout = TimeSpan.FromSeconds(1));
            using var client = await Connect(server);
            var clock = Stopwatch.StartNew();
            var closed = false;
            // A byte every 200 ms: the headers never end, and the trickle does not count as progress.
            foreach (var b in Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: a\r\nX-Slow: " + new string('s', 100)))
            {
                try
                {
                    await client.SendAsync(new ArraySegment<byte>(new[] { b }), SocketFlags.None);
                }
                catch (SocketException)
                {
                    closed = true;
                    break;
                }
                if (client.Poll(0, SelectMode.SelectRead) && client.Available == 0)
                {
                    closed = true;
                    break;
                }
                await Task.Delay(200);
            }
            Assert.True(closed, "the slow client was not closed");
            Assert.InRange(clock.Elapsed.TotalSeconds, 0.9, 5);
            await Settled(server, 1);
            Assert.Contains(server.GetErrors(), e => e is NetworkTimeoutException);
        }

        [Fact]
        public async Task StopEndsAHandlerStillWorkingAndEveryConnection()
        {
            var server = Start();
            var slow = Run("curl", "-sS", "--max-time", "20", Url(server, "/slow"));
            var clock = Stopwatch.StartNew();
            while (server.ConnectionsOpen == 0 && clock.Elapsed < TimeSpan.FromSeconds(10))
                await Task.Delay(20);
            await TcpServerHost.StopAsync(server);
            var (code, _, _) = await slow;
            Assert.NotEqual(0, code);
            Assert.InRange(clock.Elapsed.TotalSeconds, 0, 10);
            Assert.Equal(TcpServerState.Stopped, server.State);
            Assert.DoesNotContain(server, TcpServerHost.Servers);
        }

        [Fact]
        public void RoutesAreCheckedWhenAdded()
        {
            var router = new HttpServerRouter();
            router.Add("GET /a/{id}", (r, c) => Task.FromResult(new HttpServerResponse(200)));
            Assert.Throws<InvalidNetworkRequestException>(() => router.Add("GET /a/{other}", (r, c) => Task.FromResult(new HttpServerResponse(200))));
            Assert.Throws<InvalidNetworkRequestException>(() => router.Add("GET a", (r, c) => Task.FromResult(new HttpServerResponse(200))));
            Assert.Throws<InvalidNetworkRequestException>(() => router.Add("GET /{*rest}/x", (r, c) => Task.FromResult(new HttpServerResponse(200))));
            Assert.Throws<InvalidNetworkRequestException>(() => HttpServerHost.Start(new HttpServerOptions()));
        }

        private static string Body(JsonElement result, string name) => result.GetProperty(name).GetProperty("body").GetString()!;
        private static int Status(JsonElement result, string name) => result.GetProperty(name).GetProperty("status").GetInt32();
        private static string? Header(JsonElement result, string name, string header) =>
            result.GetProperty(name).GetProperty("headers").TryGetProperty(header, out var value) ? value.GetString() : null;

        private async Task<JsonElement> Python(string mode, string url)
        {
            var (code, output, errors) = await Run("/usr/bin/python3", RepositoryPaths.Combine("tests", "peers", "http_server_client.py"), mode, url);
            Assert.True(code == 0, $"The Python client failed: {errors}");
            return JsonDocument.Parse(output).RootElement;
        }

        private static async Task<Socket> Connect(TcpServer server)
        {
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(IPAddress.Loopback, server.LocalPort);
            return client;
        }

        /// <summary>Sends the bytes, then reads until the server closes (bounded).</summary>
        private static async Task<string> Raw(TcpServer server, string request)
        {
            using var client = await Connect(server);
            await client.SendAsync(new ArraySegment<byte>(Encoding.ASCII.GetBytes(request)), SocketFlags.None);
            return await Read(client);
        }

        private static async Task<string> Read(Socket client)
        {
            var received = new List<byte>();
            var buffer = new byte[4096];
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                while (true)
                {
                    var count = await client.ReceiveAsync(new ArraySegment<byte>(buffer), SocketFlags.None, deadline.Token);
                    if (count == 0)
                        break;
                    received.AddRange(buffer.Take(count));
                }
            }
            catch (SocketException)
            {
            }
            return Encoding.ASCII.GetString(received.ToArray());
        }

        private static async Task Settled(TcpServer server, long ended)
        {
            var clock = Stopwatch.StartNew();
            while (server.ConnectionsServed + server.ConnectionsFailed < ended && clock.Elapsed < TimeSpan.FromSeconds(10))
                await Task.Delay(20);
            Assert.Equal(ended, server.ConnectionsServed + server.ConnectionsFailed);
        }

        private static async Task<(int Code, string Output, string Errors)> Run(string program, params string[] arguments)
        {
            var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments)
                start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (await Task.WhenAny(output, Task.Delay(TimeSpan.FromSeconds(60))) != output)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} did not finish within 60 s.");
            }
            process.WaitForExit(10000);
            return (process.ExitCode, await output, await errors);
        }
    }
}
