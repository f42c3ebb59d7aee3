using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Servers;
using Xunit;

namespace NetFoundations.Core.Tests.Servers
{
    /// <summary>A server whose answers come from the caller's handler (what a scriptblock is, from the shell).</summary>
    public sealed class TcpHandlerTests
    {
        /// <summary>Answers "N: REQUEST" (N counted per connection in its state table); "quit" says bye and closes; "fail" throws.</summary>
        private sealed class CountingHandler : TcpRequestHandler
        {
            private int running;
            private int mostAtOnce;

            public TimeSpan Delay { get; set; }
            public bool Disposed { get; private set; }
            public int MostAtOnce => Volatile.Read(ref mostAtOnce);

            public override async Task<IReadOnlyList<byte[]>> ReplyAsync(byte[] request, TcpServerPeer client, CancellationToken cancel)
            {
                var now = Interlocked.Increment(ref running);
                for (var most = mostAtOnce; now > most; most = mostAtOnce)
                    Interlocked.CompareExchange(ref mostAtOnce, now, most);
                try
                {
                    if (Delay > TimeSpan.Zero)
                        await Task.Delay(Delay, cancel);
                    var text = Encoding.UTF8.GetString(request);
                    if (text == "fail")
                        throw new InvalidOperationException("the handler cannot answer that");
                    var count = (int)(client.State["count"] ?? 0) + 1;
                    client.State["COUNT"] = count;
                    if (text == "quit")
                    {
                        client.Close();
                        return new[] { Encoding.UTF8.GetBytes("bye") };
                    }
                    return new[] { Encoding.UTF8.GetBytes($"{count}: {text.ToUpperInvariant()}") };
                }
                finally
                {
                    Interlocked.Decrement(ref running);
                }
            }

            protected override void Dispose(bool disposing) => Disposed = true;
        }

        public static TheoryData<ServerArchitecture> Architectures() => TcpServerTests.Architectures();

        private static TcpServer Start(CountingHandler handler, ServerArchitecture architecture = ServerArchitecture.AsyncAwait, int maxConnections = 256) =>
            TcpServerHost.Start(new TcpServerOptions
            {
                Service = TcpServiceKind.Handler,
                Handler = handler,
                Architecture = architecture,
                Greeting = Encoding.ASCII.GetBytes("220 ready"),
                MaxConnections = maxConnections,
            });

        /// <summary>Sends text, then reads until the server closes (bounded by a deadline).</summary>
        private static async Task<string> Converse(TcpServer server, string text, bool halfClose = false)
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(IPAddress.Loopback, server.LocalPort);
            await client.SendAsync(new ArraySegment<byte>(Encoding.ASCII.GetBytes(text)), SocketFlags.None);
            if (halfClose)
                client.Shutdown(SocketShutdown.Send);
            var received = new List<byte>();
            var buffer = new byte[4096];
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            using var _ = deadline.Token.Register(() => client.Dispose());
            while (true)
            {
                var count = await client.ReceiveAsync(new ArraySegment<byte>(buffer), SocketFlags.None);
                if (count == 0)
                    return Encoding.ASCII.GetString(received.ToArray());
                received.AddRange(buffer.Take(count));
            }
        }

        [Theory]
        [MemberData(nameof(Architectures))]
        public async Task GreetsAnswersWithStatePerConnectionAndClosesWhenAsked(ServerArchitecture architecture)
        {
            var handler = new CountingHandler();
            var server = Start(handler, architecture);
            try
            {
                // Lines come back with the line end the client used: CR LF before anything was asked, then as sent.
                Assert.Equal("220 ready\r\n1: ONE\r\n2: TWO\r\nbye\r\n", await Converse(server, "one\r\ntwo\r\nquit\r\nnot answered\r\n"));
                Assert.Equal("220 ready\r\n1: THREE\nbye\n", await Converse(server, "three\nquit\n"));
                Assert.Equal(5, server.Requests);
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
            Assert.True(handler.Disposed);
            Assert.Equal(0, server.ConnectionsFailed);
        }

        [Theory]
        [MemberData(nameof(Architectures))]
        public async Task AnswersWhatCameBeforeAFailedRequestThenClosesAndKeepsWhy(ServerArchitecture architecture)
        {
            var server = Start(new CountingHandler(), architecture);
            try
            {
                Assert.Equal("220 ready\r\n1: GOOD\n", await Converse(server, "good\nfail\nnever\n"));
                await Until(() => server.ConnectionsFailed == 1);
                var error = Assert.IsType<InvalidNetworkRequestException>(Assert.Single(server.GetErrors()));
                Assert.Contains("the handler cannot answer that", error.Message);
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Fact]
        public async Task AsyncAwaitAwaitsSlowHandlersForManyClientsAtOnce()
        {
            var handler = new CountingHandler { Delay = TimeSpan.FromMilliseconds(300) };
            var server = Start(handler);
            try
            {
                var replies = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Converse(server, $"client {i}\n", halfClose: true)));

                Assert.All(replies.Select((reply, i) => (reply, i)), r => Assert.Equal($"220 ready\r\n1: CLIENT {r.i}\n", r.reply));
                // Every client waited for the handler at the same time: none held a thread while it waited.
                Assert.True(handler.MostAtOnce > 20, $"only {handler.MostAtOnce} handlers ran at once");
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Fact]
        public async Task StopCancelsAHandlerStillWorking()
        {
            var handler = new CountingHandler { Delay = TimeSpan.FromMinutes(10) };
            var server = Start(handler);
            var conversation = Converse(server, "slow\n");
            await Until(() => handler.MostAtOnce == 1);

            await TcpServerHost.StopAsync(server);

            Assert.Equal("220 ready\r\n", await conversation);
            Assert.Equal(0, server.ConnectionsOpen);
            Assert.True(handler.Disposed);
        }

        [Fact]
        public void AHandlerIsGivenExactlyWithTheHandlerService()
        {
            Assert.Throws<InvalidNetworkRequestException>(() => TcpServerHost.Start(new TcpServerOptions { Service = TcpServiceKind.Handler }));
            Assert.Throws<InvalidNetworkRequestException>(() => TcpServerHost.Start(new TcpServerOptions { Service = TcpServiceKind.Echo, Handler = new CountingHandler() }));
        }

        private static async Task Until(Func<bool> condition)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (!condition() && DateTime.UtcNow < deadline)
                await Task.Delay(20);
            Assert.True(condition());
        }
    }
}
