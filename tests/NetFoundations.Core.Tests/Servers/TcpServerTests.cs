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
using NetFoundations.Core.Servers;
using NetFoundations.Core.Tcp;
using NetFoundations.Tests;
using Xunit;

namespace NetFoundations.Core.Tests.Servers
{
    /// <summary>The server core against Python's socket module as the client (tests/peers/server_client.py).</summary>
    public sealed class TcpServerTests
    {
        private static async Task<JsonElement> PythonClient(string mode, TcpServer server, string host, string? argument = null, int seconds = 60)
        {
            var script = RepositoryPaths.Combine("tests", "peers", "server_client.py");
            using var process = Process.Start(new ProcessStartInfo("/usr/bin/python3", $"-u \"{script}\" {mode} {host} {server.LocalPort} {argument}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            var exited = await Task.WhenAny(output, Task.Delay(TimeSpan.FromSeconds(seconds)));
            if (exited != output)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"The Python client ({mode}) did not finish within {seconds} s.");
            }
            process.WaitForExit(5000);
            Assert.True(process.ExitCode == 0, $"The Python client ({mode}) failed: {await errors}");
            return JsonDocument.Parse(await output).RootElement;
        }

        /// <summary>Waits (bounded) until the server's counters say the connections have ended.</summary>
        private static async Task Settled(TcpServer server, long ended)
        {
            var clock = Stopwatch.StartNew();
            while (server.ConnectionsServed + server.ConnectionsFailed < ended && clock.Elapsed < TimeSpan.FromSeconds(10))
                await Task.Delay(20);
            Assert.Equal(ended, server.ConnectionsServed + server.ConnectionsFailed);
        }

        private static TcpServer Start(TcpServerOptions options)
        {
            var server = TcpServerHost.Start(options);
            Assert.Contains(server, TcpServerHost.Servers);
            return server;
        }

        public static TheoryData<ServerArchitecture> Architectures()
        {
            var all = new TheoryData<ServerArchitecture>();
            foreach (ServerArchitecture architecture in Enum.GetValues(typeof(ServerArchitecture)))
                all.Add(architecture);
            return all;
        }

        /// <summary>Connects and asks one Zen question; the answer comes in the task.</summary>
        private static async Task<(Socket Client, Task<string> Answer)> Ask(TcpServer server)
        {
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(IPAddress.Loopback, server.LocalPort);
            await client.SendAsync(new ArraySegment<byte>(Encoding.ASCII.GetBytes("Beautiful is better than?")), SocketFlags.None);
            var buffer = new byte[64];
            return (client, client.ReceiveAsync(new ArraySegment<byte>(buffer), SocketFlags.None)
                .ContinueWith(count => Encoding.ASCII.GetString(buffer, 0, count.Result), TaskScheduler.Default));
        }

        /// <summary>The answer, or null when none came within the wait.</summary>
        private static async Task<string?> Within(Task<string> answer, TimeSpan wait) =>
            await Task.WhenAny(answer, Task.Delay(wait)) == answer ? await answer : null;

        [Theory]
        [MemberData(nameof(Architectures))]
        public async Task ZenAnswersQuestionsAndSaysWhenItDoesNotKnowOne(ServerArchitecture architecture)
        {
            var server = Start(new TcpServerOptions { Service = TcpServiceKind.Zen, Architecture = architecture });
            try
            {
                Assert.NotEqual(0, server.LocalPort);
                Assert.Equal("127.0.0.1", server.LocalAddress);
                Assert.Equal("Delimiter '?'", server.Framing);
                var result = await PythonClient("zen", server, "127.0.0.1");
                Assert.Equal(new[] { "Ugly.", "Complex.", "Never.", ZenService.UnknownQuestionReply },
                    result.GetProperty("answers").EnumerateArray().Select(a => a.GetString()).ToArray());
                await Settled(server, 1);
                Assert.Equal(architecture, server.Architecture);
                Assert.Equal(1, server.ConnectionsServed);
                Assert.Equal(4, server.Requests);
                Assert.Equal("Beautiful is better than?Simple is better than?Now is better than?Tabs are better than?".Length, server.BytesReceived);
                Assert.Equal("Ugly.Complex.Never.".Length + ZenService.UnknownQuestionReply.Length, server.BytesSent);
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Fact]
        public async Task EchoesLinesOverIPv6()
        {
            var server = Start(new TcpServerOptions { LocalAddress = IPAddress.IPv6Loopback });
            try
            {
                Assert.Equal("::1", server.LocalAddress);
                var result = await PythonClient("lines", server, "::1", "1000");
                Assert.True(result.GetProperty("same").GetBoolean());
                Assert.Equal(1000, result.GetProperty("lines").GetInt32());
                await Settled(server, 1);
                Assert.Equal(1000, server.Requests);
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Fact]
        public async Task ListensOnIPv4AndIPv6AtOnceOnTheAnyAddress()
        {
            var server = Start(new TcpServerOptions { LocalAddress = IPAddress.IPv6Any, Service = TcpServiceKind.Zen });
            try
            {
                Assert.Equal("::", server.LocalAddress);
                Assert.Equal("Ugly.", (await PythonClient("zen", server, "127.0.0.1")).GetProperty("answers")[0].GetString());
                Assert.Equal("Ugly.", (await PythonClient("zen", server, "::1")).GetProperty("answers")[0].GetString());
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Fact]
        public async Task EchoesLengthPrefixedFramesAsTheyCame()
        {
            var server = Start(new TcpServerOptions { Framing = TcpFraming.LengthPrefixed(2) });
            try
            {
                var result = await PythonClient("prefixed", server, "127.0.0.1", "200");
                Assert.True(result.GetProperty("same").GetBoolean());
                Assert.Equal(200, result.GetProperty("frames").GetInt32());
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Theory]
        [MemberData(nameof(Architectures))]
        public async Task UpperCasesSixteenMebibytesEachWayWithoutDeadlock(ServerArchitecture architecture)
        {
            var server = Start(new TcpServerOptions { Service = TcpServiceKind.UpperCaseEcho, Architecture = architecture });
            try
            {
                var result = await PythonClient("upper", server, "127.0.0.1", "16", seconds: 120);
                var sent = result.GetProperty("sent").GetInt64();
                Assert.True(sent > 16L * 1024 * 1024 - 2048, $"sent {sent}");
                Assert.Equal(sent, result.GetProperty("received").GetInt64());
                Assert.True(result.GetProperty("same").GetBoolean());
                await Settled(server, 1);
                Assert.Equal(1, server.ConnectionsServed);
                Assert.Equal(sent, server.BytesReceived);
                Assert.Equal(sent, server.BytesSent);
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Fact]
        public async Task EchoesTheWholeStreamAsOneRequestUntilTheClientCloses()
        {
            var server = Start(new TcpServerOptions { Framing = TcpFraming.UntilClose, Service = TcpServiceKind.UpperCaseEcho });
            try
            {
                var reply = await TcpConversationClient.InvokeAsync(
                    new TcpConversationRequest("127.0.0.1", server.LocalPort)
                    {
                        Messages = new[] { Encoding.ASCII.GetBytes("half "), Encoding.ASCII.GetBytes("close") },
                        HalfClose = true,
                        Framing = TcpFraming.UntilClose,
                    }, new Transcript(), null, default);
                Assert.Equal("HALF CLOSE", reply.ReceivedText);
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Theory]
        [MemberData(nameof(Architectures))]
        public async Task ClosesATricklingClientAfterTheIdleTimeout(ServerArchitecture architecture)
        {
            var server = Start(new TcpServerOptions { IdleTimeout = TimeSpan.FromSeconds(1), Architecture = architecture });
            try
            {
                var result = await PythonClient("trickle", server, "127.0.0.1");
                Assert.True(result.GetProperty("closed").GetBoolean());
                var seconds = result.GetProperty("seconds").GetDouble();
                Assert.InRange(seconds, 0.9, 3.0);
                await Settled(server, 1);
                Assert.Equal(1, server.ConnectionsFailed);
                Assert.IsType<NetworkTimeoutException>(Assert.Single(server.GetErrors()));
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Theory]
        [MemberData(nameof(Architectures))]
        public async Task ClosesAClientWhoseRequestPassesTheCap(ServerArchitecture architecture)
        {
            var server = Start(new TcpServerOptions { MaxRequestBytes = 1024, Architecture = architecture });
            try
            {
                var result = await PythonClient("oversized", server, "127.0.0.1", "1000000");
                Assert.True(result.GetProperty("closed").GetBoolean());
                await Settled(server, 1);
                var error = Assert.IsType<ProtocolViolationException>(Assert.Single(server.GetErrors()));
                Assert.Contains("1024 bytes", error.Message);
                Assert.True(server.BytesReceived <= 1025, $"read {server.BytesReceived} bytes");
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Fact]
        public async Task RefusesALengthPrefixAnnouncingMoreThanTheCap()
        {
            var server = Start(new TcpServerOptions { Framing = TcpFraming.LengthPrefixed(4), MaxRequestBytes = 1024 });
            try
            {
                using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await client.ConnectAsync(IPAddress.Loopback, server.LocalPort);
                await client.SendAsync(new ArraySegment<byte>(new byte[] { 0x10, 0, 0, 0 }), SocketFlags.None);
                await Settled(server, 1);
                var error = Assert.IsType<ProtocolViolationException>(Assert.Single(server.GetErrors()));
                Assert.Contains("268435456 bytes", error.Message);
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Theory]
        [MemberData(nameof(Architectures))]
        public async Task StopClosesTheListenerAndEveryConnection(ServerArchitecture architecture)
        {
            var server = Start(new TcpServerOptions { Service = TcpServiceKind.Zen, Architecture = architecture });
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(IPAddress.Loopback, server.LocalPort);
            var clock = Stopwatch.StartNew();
            while (server.ConnectionsOpen == 0 && clock.Elapsed < TimeSpan.FromSeconds(5))
                await Task.Delay(10);
            Assert.Equal(1, server.ConnectionsOpen);

            // The stop returns before its bound only once the architecture's loop has ended: every connection's
            // blocked read (and its thread, for the blocking architectures) is over.
            var stopping = Stopwatch.StartNew();
            await TcpServerHost.StopAsync(server);
            Assert.True(stopping.Elapsed < TcpServerHost.StopBound - TimeSpan.FromMilliseconds(500), $"the stop took {stopping.Elapsed}");
            Assert.Equal(TcpServerState.Stopped, server.State);
            Assert.Equal(0, server.ConnectionsOpen);
            Assert.Equal(0, server.ConnectionsFailed);
            Assert.DoesNotContain(server, TcpServerHost.Servers);
            var uptime = server.UptimeMs;
            await Task.Delay(50);
            Assert.Equal(uptime, server.UptimeMs);

            // The open connection was closed by the server: the client reads the end of the stream (or a reset).
            client.ReceiveTimeout = 5000;
            try
            {
                Assert.Equal(0, client.Receive(new byte[16]));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
            }
            // And the port no longer listens.
            using var late = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            var refused = await Assert.ThrowsAsync<SocketException>(() => late.ConnectAsync(IPAddress.Loopback, server.LocalPort));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
            await TcpServerHost.StopAsync(server);
        }

        [Fact]
        public async Task IterativeServesTheNextClientOnlyAfterTheFirstLeaves()
        {
            var server = Start(new TcpServerOptions { Service = TcpServiceKind.Zen, Architecture = ServerArchitecture.Iterative });
            try
            {
                var (first, firstAnswer) = await Ask(server);
                using (first)
                {
                    Assert.Equal("Ugly.", await Within(firstAnswer, TimeSpan.FromSeconds(5)));
                    // The second connects (the kernel completes it into the listen queue) but is not served yet.
                    var (second, secondAnswer) = await Ask(server);
                    using (second)
                    {
                        Assert.Null(await Within(secondAnswer, TimeSpan.FromMilliseconds(500)));
                        Assert.Equal(1, server.ConnectionsOpen);
                        first.Shutdown(SocketShutdown.Both);
                        Assert.Equal("Ugly.", await Within(secondAnswer, TimeSpan.FromSeconds(5)));
                    }
                }
                await Settled(server, 2);
                Assert.Equal(2, server.ConnectionsServed);
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Fact]
        public async Task ThreadPerConnectionServesTwoClientsAtOnce()
        {
            var server = Start(new TcpServerOptions { Service = TcpServiceKind.Zen, Architecture = ServerArchitecture.ThreadPerConnection });
            try
            {
                var (first, firstAnswer) = await Ask(server);
                using (first)
                {
                    Assert.Equal("Ugly.", await Within(firstAnswer, TimeSpan.FromSeconds(5)));
                    // The first stays open, and the second is answered all the same.
                    var (second, secondAnswer) = await Ask(server);
                    using (second)
                    {
                        Assert.Equal("Ugly.", await Within(secondAnswer, TimeSpan.FromSeconds(5)));
                        Assert.Equal(2, server.ConnectionsOpen);
                    }
                }
                await Settled(server, 2);
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Theory]
        [InlineData(ServerArchitecture.ThreadPerConnection)]
        [InlineData(ServerArchitecture.AsyncAwait)]
        [InlineData(ServerArchitecture.WorkerPool)]
        [InlineData(ServerArchitecture.EventLoop)]
        public async Task ServesNoMoreThanMaxConnectionsAtOnce(ServerArchitecture architecture)
        {
            var server = Start(new TcpServerOptions
            {
                Service = TcpServiceKind.Zen, Architecture = architecture, MaxConnections = 1,
            });
            try
            {
                var (first, firstAnswer) = await Ask(server);
                using (first)
                {
                    Assert.Equal("Ugly.", await Within(firstAnswer, TimeSpan.FromSeconds(5)));
                    var (second, secondAnswer) = await Ask(server);
                    using (second)
                    {
                        Assert.Null(await Within(secondAnswer, TimeSpan.FromMilliseconds(500)));
                        first.Shutdown(SocketShutdown.Both);
                        Assert.Equal("Ugly.", await Within(secondAnswer, TimeSpan.FromSeconds(5)));
                    }
                }
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        /// <summary>The threads of this process whose name starts so (Linux shows the first 15 characters of a thread's name).</summary>
        private static int ThreadsNamed(string prefix) =>
            Directory.GetDirectories("/proc/self/task").Count(task =>
            {
                try
                {
                    return File.ReadAllText(Path.Combine(task, "comm")).StartsWith(prefix, StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false; // The thread ended while it was looked at.
                }
            });

        /// <summary>Waits (bounded) until that many threads of that name run: a thread takes its name once it has started.</summary>
        private static async Task ThreadsRunning(string prefix, int count)
        {
            var clock = Stopwatch.StartNew();
            while (ThreadsNamed(prefix) != count && clock.Elapsed < TimeSpan.FromSeconds(5))
                await Task.Delay(20);
            Assert.Equal(count, ThreadsNamed(prefix));
        }

        /// <summary>Reads up to and including a line feed, within a bound.</summary>
        private static async Task<string> ReadLine(Socket client)
        {
            var line = new StringBuilder();
            var one = new byte[1];
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (!line.ToString().EndsWith("\n", StringComparison.Ordinal))
            {
                if (await client.ReceiveAsync(one, SocketFlags.None, deadline.Token) == 0)
                    break;
                line.Append((char)one[0]);
            }
            return line.ToString();
        }

        [Fact]
        public async Task WorkerPoolServesExactlyWorkerCountClientsAtOnceAndStopEndsEveryWorker()
        {
            var server = Start(new TcpServerOptions { Service = TcpServiceKind.Zen, Architecture = ServerArchitecture.WorkerPool, WorkerCount = 2 });
            try
            {
                Assert.Equal(2, server.WorkerCount);
                await ThreadsRunning("TcpServer worke", 2);
                var (first, firstAnswer) = await Ask(server);
                using (first)
                {
                    Assert.Equal("Ugly.", await Within(firstAnswer, TimeSpan.FromSeconds(5)));
                    var (second, secondAnswer) = await Ask(server);
                    using (second)
                    {
                        Assert.Equal("Ugly.", await Within(secondAnswer, TimeSpan.FromSeconds(5)));
                        Assert.Equal(2, server.ConnectionsOpen);
                        // Both workers are busy: the third waits in the listen queue until one of them is free.
                        var (third, thirdAnswer) = await Ask(server);
                        using (third)
                        {
                            Assert.Null(await Within(thirdAnswer, TimeSpan.FromMilliseconds(500)));
                            Assert.Equal(2, server.ConnectionsOpen);
                            first.Shutdown(SocketShutdown.Both);
                            Assert.Equal("Ugly.", await Within(thirdAnswer, TimeSpan.FromSeconds(5)));
                        }
                    }
                }
                await Settled(server, 3);
                Assert.Equal(3, server.ConnectionsServed);
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
            await ThreadsRunning("TcpServer worke", 0);
        }

        [Fact]
        public void AWorkerCountIsForAWorkerPoolAndAtMostMaxConnections()
        {
            Assert.Throws<InvalidNetworkRequestException>(() => TcpServerHost.Start(new TcpServerOptions { WorkerCount = 4 }));
            Assert.Throws<InvalidNetworkRequestException>(() =>
                TcpServerHost.Start(new TcpServerOptions { Architecture = ServerArchitecture.WorkerPool, WorkerCount = 0 }));
            Assert.Throws<InvalidNetworkRequestException>(() =>
                TcpServerHost.Start(new TcpServerOptions { Architecture = ServerArchitecture.WorkerPool, WorkerCount = TcpServerOptions.MaxWorkerCount + 1 }));
            var small = TcpServerHost.Start(new TcpServerOptions { Architecture = ServerArchitecture.WorkerPool, WorkerCount = 8, MaxConnections = 3 });
            var usual = TcpServerHost.Start(new TcpServerOptions { Architecture = ServerArchitecture.WorkerPool });
            var other = TcpServerHost.Start(new TcpServerOptions());
            try
            {
                Assert.Equal(3, small.WorkerCount);
                Assert.Equal(TcpServerOptions.DefaultWorkerCount, usual.WorkerCount);
                Assert.Equal(0, other.WorkerCount);
            }
            finally
            {
                Task.WaitAll(TcpServerHost.StopAsync(small), TcpServerHost.StopAsync(usual), TcpServerHost.StopAsync(other));
            }
        }

        [Fact]
        public async Task EventLoopServesTwoHundredInterleavedClientsOnOneThread()
        {
            var server = Start(new TcpServerOptions { Architecture = ServerArchitecture.EventLoop });
            var clients = new List<Socket>();
            try
            {
                for (var i = 0; i < 200; i++)
                {
                    var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    clients.Add(client);
                    await client.ConnectAsync(IPAddress.Loopback, server.LocalPort);
                }
                // Every request arrives in two pieces, the second only once every client has sent its first.
                for (var i = 0; i < clients.Count; i++)
                    await clients[i].SendAsync(Encoding.ASCII.GetBytes($"client {i} "), SocketFlags.None);
                var firstHalves = Enumerable.Range(0, clients.Count).Sum(i => $"client {i} ".Length);
                var clock = Stopwatch.StartNew();
                while (server.BytesReceived < firstHalves && clock.Elapsed < TimeSpan.FromSeconds(10))
                    await Task.Delay(20);
                Assert.Equal(200, server.ConnectionsOpen);
                Assert.Equal(0, server.Requests);
                for (var i = clients.Count - 1; i >= 0; i--)
                    await clients[i].SendAsync(Encoding.ASCII.GetBytes("says hello\n"), SocketFlags.None);
                var lines = await Task.WhenAll(clients.Select(ReadLine));
                for (var i = 0; i < clients.Count; i++)
                    Assert.Equal($"client {i} says hello\n", lines[i]);
                Assert.Equal(200, server.Requests);
                Assert.Equal(1, ThreadsNamed("TcpServer event"));
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
            // The stop closed every one of them.
            Assert.Equal(0, server.ConnectionsOpen);
            Assert.Equal(200, server.ConnectionsServed);
            var ends = await Task.WhenAll(clients.Select(async c =>
            {
                try
                {
                    using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    return await c.ReceiveAsync(new byte[16], SocketFlags.None, deadline.Token);
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
                {
                    return 0;
                }
            }));
            Assert.All(ends, end => Assert.Equal(0, end));
            foreach (var client in clients)
                client.Dispose();
            await ThreadsRunning("TcpServer event", 0);
        }

        [Fact]
        public async Task EventLoopStopsReadingAClientThatTakesNoReplyAndGoesOnWhenItDoes()
        {
            var server = Start(new TcpServerOptions { Architecture = ServerArchitecture.EventLoop, Service = TcpServiceKind.UpperCaseEcho });
            try
            {
                using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await client.ConnectAsync(IPAddress.Loopback, server.LocalPort);
                var line = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("lower case, then upper case; ", 35)) + "\n");
                var lines = 32 * 1024 * 1024 / line.Length;
                var sending = Task.Run(async () =>
                {
                    for (var i = 0; i < lines; i++)
                        await client.SendAsync(line, SocketFlags.None);
                    client.Shutdown(SocketShutdown.Send);
                });

                // The client reads nothing: once the kernel's buffers are full the server stops reading, and TCP stops the client.
                var clock = Stopwatch.StartNew();
                var last = -1L;
                while (server.BytesReceived != last && clock.Elapsed < TimeSpan.FromSeconds(20))
                {
                    last = server.BytesReceived;
                    await Task.Delay(500);
                }
                Assert.False(sending.IsCompleted, $"the server read all {server.BytesReceived} bytes");
                var unsent = server.BytesReceived - server.BytesSent;
                Assert.True(unsent <= EventLoop.MaxUnsent + 64 * 1024, $"{unsent} bytes unsent");

                // Once the client reads, everything comes back.
                var received = 0L;
                var buffer = new byte[256 * 1024];
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                int count;
                while ((count = await client.ReceiveAsync(buffer, SocketFlags.None, deadline.Token)) > 0)
                {
                    Assert.False(buffer.Take(count).Any(b => b >= 'a' && b <= 'z'));
                    received += count;
                }
                await sending;
                Assert.Equal((long)lines * line.Length, received);
                await Settled(server, 1);
                Assert.Equal(1, server.ConnectionsServed);
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Fact]
        public async Task EventLoopDelaysEachReplyWithoutHoldingUpTheOtherClients()
        {
            var server = Start(new TcpServerOptions
            {
                Architecture = ServerArchitecture.EventLoop, Service = TcpServiceKind.Zen, ReplyDelay = TimeSpan.FromSeconds(1),
            });
            try
            {
                var clock = Stopwatch.StartNew();
                var asked = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Ask(server)));
                var answers = await Task.WhenAll(asked.Select(a => Within(a.Answer, TimeSpan.FromSeconds(10))));
                // One after the other, the ten delays would take ten seconds.
                Assert.InRange(clock.Elapsed.TotalSeconds, 0.9, 5);
                Assert.All(answers, answer => Assert.Equal("Ugly.", answer));
                foreach (var (client, _) in asked)
                    client.Dispose();
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Fact]
        public void ZenKeepsItsOwnFramingAndABusyPortIsAnInvalidRequest()
        {
            Assert.Throws<InvalidNetworkRequestException>(() => TcpServerHost.Start(new TcpServerOptions { Service = TcpServiceKind.Zen, Framing = TcpFraming.Lines(1) }));
            Assert.Throws<InvalidNetworkRequestException>(() => TcpServerHost.Start(new TcpServerOptions { Framing = TcpFraming.Exactly(2048), MaxRequestBytes = 1024 }));
            var server = TcpServerHost.Start(new TcpServerOptions());
            try
            {
                var busy = Assert.Throws<InvalidNetworkRequestException>(() => TcpServerHost.Start(new TcpServerOptions { Port = server.LocalPort }));
                Assert.Contains(server.LocalPort.ToString(), busy.Message);
            }
            finally
            {
                TcpServerHost.StopAsync(server).GetAwaiter().GetResult();
            }
        }
    }
}
