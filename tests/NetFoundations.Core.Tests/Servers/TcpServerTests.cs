using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
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

        [Fact]
        public async Task ThreadPerConnectionServesNoMoreThanMaxConnectionsAtOnce()
        {
            var server = Start(new TcpServerOptions
            {
                Service = TcpServiceKind.Zen, Architecture = ServerArchitecture.ThreadPerConnection, MaxConnections = 1,
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
