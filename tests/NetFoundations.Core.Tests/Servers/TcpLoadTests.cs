using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Servers;
using NetFoundations.Core.Tcp;
using NetFoundations.Tests;
using Xunit;

namespace NetFoundations.Core.Tests.Servers
{
    /// <summary>The load generator (Measure-TcpServer's Core) against our Zen server, Python's, and hostile peers; the histogram's percentile math.</summary>
    public sealed class TcpLoadTests
    {
        private static Task<TcpLoadResult> Load(TcpLoadRequest request, CancellationToken cancellationToken = default) =>
            TcpLoadGenerator.RunAsync(request, new Transcript(), null, cancellationToken);

        private static TcpLoadRequest Zen(int port, int connections, long count) =>
            Configure(TcpLoadRequest.Zen("127.0.0.1", port), connections, count);

        private static TcpLoadRequest Configure(TcpLoadRequest request, int connections, long count)
        {
            request.Connections = connections;
            request.Count = count;
            request.Duration = count > 0 ? (TimeSpan?)null : request.Duration;
            return request;
        }

        private static async Task Closed(TcpServer server)
        {
            var clock = Stopwatch.StartNew();
            while (server.ConnectionsOpen > 0 && clock.Elapsed < TimeSpan.FromSeconds(10))
                await Task.Delay(20);
            Assert.Equal(0, server.ConnectionsOpen);
        }

        public static TheoryData<ServerArchitecture> Architectures()
        {
            var all = new TheoryData<ServerArchitecture>();
            foreach (ServerArchitecture architecture in Enum.GetValues(typeof(ServerArchitecture)))
                all.Add(architecture);
            return all;
        }

        [Theory]
        [MemberData(nameof(Architectures))]
        public async Task CountsExactlyTheRequestsAskedForAgainstOurZenServer(ServerArchitecture architecture)
        {
            var server = TcpServerHost.Start(new TcpServerOptions { Service = TcpServiceKind.Zen, Architecture = architecture });
            try
            {
                var result = await Load(Zen(server.LocalPort, 5, 700));

                Assert.Equal(700, result.Requests);
                Assert.Equal(0, result.Errors);
                Assert.Equal("", result.ErrorsByKind);
                Assert.Empty(result.GetErrors());
                Assert.Equal(5, result.Connections);
                Assert.Equal(0, result.TargetRate);
                Assert.Equal("127.0.0.1", result.Address);
                Assert.True(result.RequestsPerSecond > 0);
                Assert.True(result.LatencyP50Ms > 0 && result.LatencyP50Ms <= result.LatencyP90Ms && result.LatencyP90Ms <= result.LatencyP99Ms
                    && result.LatencyP99Ms <= result.LatencyMaxMs);
                await Closed(server);
                Assert.Equal(700, server.Requests);
                Assert.Equal(server.BytesSent, result.BytesReceived);
                Assert.Equal(server.BytesReceived, result.BytesSent);
                Assert.Equal(0, server.ConnectionsFailed);
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Theory]
        [InlineData("asyncio")]
        [InlineData("threaded")]
        public async Task MeasuresPythonsZenServer(string mode)
        {
            using var peer = await PythonZen.StartAsync(mode);
            var result = await Load(Zen(peer.Port, 4, 400));

            Assert.Equal(400, result.Requests);
            Assert.Equal(0, result.Errors);
            // Every answer was read up to its '.': the seven questions' answers, in turn from each connection's start.
            Assert.True(result.BytesReceived >= 400 * "Ugly.".Length);
        }

        [Fact]
        public async Task SpeaksTheOtherFramingsWithTheEchoServer()
        {
            var lines = TcpServerHost.Start(new TcpServerOptions { Service = TcpServiceKind.Echo });
            var prefixed = TcpServerHost.Start(new TcpServerOptions { Service = TcpServiceKind.Echo, Framing = TcpFraming.LengthPrefixed(2) });
            try
            {
                var text = Configure(new TcpLoadRequest("127.0.0.1", lines.LocalPort)
                {
                    Messages = new[] { Encoding.ASCII.GetBytes("one\n"), Encoding.ASCII.GetBytes("two\n") },
                    ReplyFraming = TcpFraming.Lines(1),
                }, 3, 300);
                var exact = Configure(new TcpLoadRequest("127.0.0.1", lines.LocalPort)
                {
                    Messages = new[] { Encoding.ASCII.GetBytes("four\n") },
                    ReplyFraming = TcpFraming.Exactly(5),
                }, 2, 100);
                var frames = Configure(new TcpLoadRequest("127.0.0.1", prefixed.LocalPort)
                {
                    Messages = new[] { new byte[1000] },
                    ReplyFraming = TcpFraming.LengthPrefixed(2, 1),
                }, 2, 100);

                Assert.Equal(300, (await Load(text)).Requests);
                Assert.Equal(100, (await Load(exact)).Requests);
                var framed = await Load(frames);
                Assert.Equal(100, framed.Requests);
                Assert.Equal(100 * 1002, framed.BytesReceived);
            }
            finally
            {
                await TcpServerHost.StopAsync(lines);
                await TcpServerHost.StopAsync(prefixed);
            }
        }

        [Fact]
        public async Task CountsAServerThatClosesOrResetsAsConnectionLost()
        {
            using var closing = new HostileServer(reset: false);
            using var resetting = new HostileServer(reset: true);

            var closed = await Load(Zen(closing.Port, 2, 6));
            var reset = await Load(Zen(resetting.Port, 2, 6));

            Assert.Equal(0, closed.Requests);
            Assert.Equal(6, closed.Errors);
            Assert.Equal("ConnectionLost=6", closed.ErrorsByKind);
            Assert.Equal(6, closed.GetErrors()["ConnectionLost"]);
            Assert.Contains("closed the connection", closed.FirstError);
            Assert.Equal(6, reset.Errors);
            Assert.Equal("ConnectionLost=6", reset.ErrorsByKind);
        }

        [Fact]
        public async Task CountsASilentServerAsTimeoutsAndARefusedPortAsRefusals()
        {
            using var silent = new HostileServer(reset: false, silent: true);
            var request = Zen(silent.Port, 2, 4);
            request.Timeout = TimeSpan.FromSeconds(0.3);
            var unused = new TcpListener(IPAddress.Loopback, 0);
            unused.Start();
            var closedPort = ((IPEndPoint)unused.LocalEndpoint).Port;
            unused.Stop();

            var timedOut = await Load(request);
            var refused = await Load(Zen(closedPort, 1, 3));

            Assert.Equal("Timeout=4", timedOut.ErrorsByKind);
            Assert.Equal(0, timedOut.Requests);
            Assert.Equal("ConnectionRefused=3", refused.ErrorsByKind);
        }

        [Fact]
        public async Task OpenLoopMeasuresFromTheScheduledTimeSoAStalledServerShows()
        {
            // 50 ms per answer is 20 answers a second on one connection; 200 a second are asked for, so requests queue up
            // and each waits for those before it: request i is due at 5·i ms and answered at about 50·(i+1) ms.
            var server = TcpServerHost.Start(new TcpServerOptions { Service = TcpServiceKind.Zen, ReplyDelay = TimeSpan.FromMilliseconds(50) });
            try
            {
                var closed = await Load(Zen(server.LocalPort, 1, 10));
                var open = Zen(server.LocalPort, 1, 40);
                open.Rate = 200;
                var scheduled = await Load(open);

                Assert.Equal(40, scheduled.Requests);
                Assert.Equal(200, scheduled.TargetRate);
                Assert.True(closed.LatencyP50Ms >= 50, $"closed loop p50 {closed.LatencyP50Ms} ms");
                // The closed loop sees only the delay; the open loop sees the queue: the last request waited for 39 before it.
                Assert.True(scheduled.LatencyP99Ms > 10 * closed.LatencyP50Ms, $"open loop p99 {scheduled.LatencyP99Ms} ms, closed p50 {closed.LatencyP50Ms} ms");
                Assert.True(scheduled.LatencyP50Ms > 4 * 50, $"open loop p50 {scheduled.LatencyP50Ms} ms");
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Fact]
        public async Task TheDurationEndsTheRunAndClosesEveryConnection()
        {
            var server = TcpServerHost.Start(new TcpServerOptions { Service = TcpServiceKind.Zen });
            try
            {
                var request = TcpLoadRequest.Zen("127.0.0.1", server.LocalPort);
                request.Connections = 8;
                request.Duration = TimeSpan.FromSeconds(0.5);

                var result = await Load(request);

                Assert.True(result.DurationMs >= 500, $"{result.DurationMs} ms");
                Assert.True(result.Requests > 0);
                Assert.Equal(0, result.Errors);
                await Closed(server);
                Assert.Equal(0, server.ConnectionsFailed);
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Fact]
        public async Task TheRequestsAnIterativeServerKeepsWaitingShowInTheLatencies()
        {
            // Iterative serves one connection to its end: the others' first requests wait in its listen queue for the
            // whole run, are answered after it, and count with their wait.
            var server = TcpServerHost.Start(new TcpServerOptions { Service = TcpServiceKind.Zen, Architecture = ServerArchitecture.Iterative });
            try
            {
                var request = TcpLoadRequest.Zen("127.0.0.1", server.LocalPort);
                request.Connections = 4;
                request.Duration = TimeSpan.FromSeconds(1);

                var result = await Load(request);

                // Sent just after the start, answered just after the end: about the duration, far above a served request's.
                Assert.Equal(0, result.Errors);
                Assert.True(result.LatencyMaxMs >= 500, $"max {result.LatencyMaxMs} ms");
                await Closed(server);
                Assert.Equal(result.Requests, server.Requests);
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Fact]
        public async Task CancellingEndsTheRunAndClosesEveryConnection()
        {
            var server = TcpServerHost.Start(new TcpServerOptions { Service = TcpServiceKind.Zen, ReplyDelay = TimeSpan.FromMilliseconds(20) });
            try
            {
                var request = TcpLoadRequest.Zen("127.0.0.1", server.LocalPort);
                request.Connections = 8;
                request.Duration = TimeSpan.FromSeconds(60);
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(0.3));

                var run = Load(request, cancel.Token);

                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
                await Closed(server);
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Fact]
        public async Task RefusesAFramingThatDoesNotEndAReply()
        {
            var request = new TcpLoadRequest("127.0.0.1", 9) { Messages = new[] { new byte[1] }, ReplyFraming = TcpFraming.UntilClose };
            await Assert.ThrowsAsync<InvalidNetworkRequestException>(() => Load(request));
        }

        [Fact]
        public void HistogramIsExactForSmallValues()
        {
            var histogram = new LatencyHistogram();
            for (var v = 1; v <= 100; v++)
                histogram.Record(v);

            Assert.Equal(100, histogram.Count);
            Assert.Equal(50, histogram.Percentile(50));
            Assert.Equal(90, histogram.Percentile(90));
            Assert.Equal(99, histogram.Percentile(99));
            Assert.Equal(100, histogram.Percentile(100));
            Assert.Equal(1, histogram.Percentile(0));
            Assert.Equal(50.5, histogram.Mean);
            Assert.Equal(100, histogram.Max);
        }

        [Fact]
        public void HistogramPercentilesOfLargeValuesAreWithinItsPrecision()
        {
            var histogram = new LatencyHistogram();
            for (long v = 1; v <= 1_000_000; v++)
                histogram.Record(v);

            foreach (var (percentile, exact) in new[] { (50.0, 500_000L), (90.0, 900_000L), (99.0, 990_000L), (99.9, 999_000L) })
            {
                var value = histogram.Percentile(percentile);
                Assert.True(value >= exact && value <= exact * (1 + 1.0 / 128), $"p{percentile}: {value}, exact {exact}");
            }
            Assert.Equal(1_000_000, histogram.Percentile(100));
            Assert.Equal(500_000.5, histogram.Mean);
        }

        [Fact]
        public void HistogramOfOneValueGivesItForEveryPercentile()
        {
            var histogram = new LatencyHistogram();
            histogram.Record(123_456);

            Assert.Equal(123_456, histogram.Percentile(1));
            Assert.Equal(123_456, histogram.Percentile(50));
            Assert.Equal(123_456, histogram.Percentile(99.99));
            Assert.Equal(0, new LatencyHistogram().Percentile(99));
        }

        [Fact]
        public void HistogramBucketsFollowEachOtherWithoutGapsAndKeepTheirPrecision()
        {
            var top = LatencyHistogram.IndexOf(LatencyHistogram.HighestTrackable);
            Assert.Equal(LatencyHistogram.HighestTrackable, LatencyHistogram.HighestIn(top));
            for (var i = 0; i < top; i++)
            {
                var highest = LatencyHistogram.HighestIn(i);
                Assert.Equal(i, LatencyHistogram.IndexOf(highest));
                Assert.Equal(i + 1, LatencyHistogram.IndexOf(highest + 1));
                var lowest = i == 0 ? 0 : LatencyHistogram.HighestIn(i - 1) + 1;
                Assert.True(highest - lowest <= Math.Max(0, lowest / 128), $"bucket {i}: {lowest}..{highest}");
            }
        }

        [Fact]
        public void HistogramsMergeAsIfOne()
        {
            var one = new LatencyHistogram();
            var a = new LatencyHistogram();
            var b = new LatencyHistogram();
            var random = new Random(7);
            for (var i = 0; i < 10_000; i++)
            {
                var value = (long)(random.NextDouble() * random.NextDouble() * 5_000_000);
                one.Record(value);
                (i % 3 == 0 ? a : b).Record(value);
            }
            a.Add(b);

            Assert.Equal(one.Count, a.Count);
            Assert.Equal(one.Mean, a.Mean);
            Assert.Equal(one.Max, a.Max);
            foreach (var percentile in new[] { 1.0, 50, 90, 99, 99.9 })
                Assert.Equal(one.Percentile(percentile), a.Percentile(percentile));
        }

        /// <summary>tests/peers/zen_server.py: Python's own Zen server, asyncio or threaded.</summary>
        private sealed class PythonZen : IDisposable
        {
            private readonly Process process;

            private PythonZen(Process process, int port)
            {
                this.process = process;
                Port = port;
            }

            public int Port { get; }

            public static async Task<PythonZen> StartAsync(string mode)
            {
                var script = RepositoryPaths.Combine("tests", "peers", "zen_server.py");
                var process = Process.Start(new ProcessStartInfo("/usr/bin/python3", $"-u \"{script}\" {mode}")
                {
                    RedirectStandardOutput = true,
                    UseShellExecute = false,
                })!;
                var line = process.StandardOutput.ReadLineAsync();
                if (await Task.WhenAny(line, Task.Delay(TimeSpan.FromSeconds(20))) != line || !(await line is string text) || !text.StartsWith("PORT "))
                {
                    process.Kill(entireProcessTree: true);
                    process.Dispose();
                    throw new TimeoutException($"Python's Zen server ({mode}) did not start.");
                }
                return new PythonZen(process, int.Parse(text.Substring(5)));
            }

            public void Dispose()
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(5000);
                }
                finally
                {
                    process.Dispose();
                }
            }
        }

        /// <summary>A server that reads a question and closes without answering (with a reset when asked), or never answers.</summary>
        private sealed class HostileServer : IDisposable
        {
            private readonly Socket listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            private readonly bool reset;
            private readonly bool silent;
            private readonly System.Collections.Concurrent.ConcurrentBag<Socket> held = new System.Collections.Concurrent.ConcurrentBag<Socket>();

            public HostileServer(bool reset, bool silent = false)
            {
                this.reset = reset;
                this.silent = silent;
                listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                listener.Listen(64);
                Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
                _ = AcceptAsync();
            }

            public int Port { get; }

            private async Task AcceptAsync()
            {
                while (true)
                {
                    Socket client;
                    try
                    {
                        client = await listener.AcceptAsync();
                    }
                    catch (Exception)
                    {
                        return;
                    }
                    held.Add(client);
                    _ = ServeAsync(client);
                }
            }

            private async Task ServeAsync(Socket client)
            {
                try
                {
                    var buffer = new byte[256];
                    await client.ReceiveAsync(new ArraySegment<byte>(buffer), SocketFlags.None);
                    if (silent)
                        return;
                    if (reset)
                        client.LingerState = new LingerOption(true, 0);
                    client.Dispose();
                }
                catch (Exception)
                {
                }
            }

            public void Dispose()
            {
                listener.Dispose();
                foreach (var client in held)
                    client.Dispose();
            }
        }
    }
}
