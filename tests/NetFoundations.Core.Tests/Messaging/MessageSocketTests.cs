using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Messaging;
using NetFoundations.Tests;

namespace NetFoundations.Core.Tests.Messaging
{
    /// <summary>
    /// Core's ZeroMQ sockets on their own threads: many callers at once, close and cancellation ending waits, and pyzmq
    /// (Debian's python3-zmq, /usr/bin/python3) as the independent peer.
    /// </summary>
    public sealed class MessageSocketTests
    {
        private static MessageSocket Open(MessageSocketType type, string? bind = null, string? connect = null) =>
            MessagingRuntime.Open(new MessageSocketOptions
            {
                Type = type,
                Bind = bind == null ? Array.Empty<string>() : new[] { bind },
                Connect = connect == null ? Array.Empty<string>() : new[] { connect },
            });

        private static OutgoingMessage Text(string text) => new OutgoingMessage(null, Encoding.UTF8.GetBytes(text));

        private static async Task<List<MessageItem>> ReceiveAll(MessageSocket socket, int count, TimeSpan within)
        {
            using var cancel = new CancellationTokenSource(within);
            var all = new List<MessageItem>();
            while (all.Count < count)
                all.AddRange(await MessagingRuntime.ReceiveAsync(socket, count - all.Count, null, cancel.Token));
            return all;
        }

        [Fact]
        public async Task ManyThreadsSendThroughOneSocketAtOnceAndEveryMessageArrives()
        {
            var name = $"inproc://many-{Guid.NewGuid():N}";
            using var pull = Open(MessageSocketType.Pull, bind: name);
            using var push = Open(MessageSocketType.Push, connect: name);
            var deadline = DateTime.UtcNow.AddSeconds(30);

            await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
            {
                for (var i = 0; i < 250; i++)
                    await MessagingRuntime.SendAsync(push, new[] { Text($"{t}:{i}") }, deadline, null, CancellationToken.None);
            })));
            var received = await ReceiveAll(pull, 2000, TimeSpan.FromSeconds(30));

            Assert.Equal(2000, received.Select(m => m.Text).Distinct().Count());
            Assert.Equal(2000, push.Sent);
            Assert.Equal(2000, pull.Received);
            // Each sender's own messages keep their order.
            var first = received.Select(m => m.Text).Where(t => t.StartsWith("3:", StringComparison.Ordinal)).Select(t => int.Parse(t.Substring(2))).ToList();
            Assert.Equal(Enumerable.Range(0, 250), first);
        }

        [Fact]
        public async Task ClosingTheSocketEndsAReceiveThatWaitsWithoutDeadline()
        {
            var pull = Open(MessageSocketType.Pull, bind: "tcp://127.0.0.1:0");
            var waiting = MessagingRuntime.ReceiveAsync(pull, 1, null, CancellationToken.None);
            await Task.Delay(200);
            var clock = Stopwatch.StartNew();

            pull.Dispose();

            await Assert.ThrowsAsync<ConnectionLostException>(() => waiting);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"{clock.Elapsed}");
            Assert.True(pull.IsClosed);
            await Assert.ThrowsAsync<ConnectionLostException>(() => MessagingRuntime.ReceiveAsync(pull, 1, null, CancellationToken.None));
        }

        [Fact]
        public async Task ACancelledReceiveEndsWithinASlice()
        {
            using var sub = Open(MessageSocketType.Sub, connect: "tcp://127.0.0.1:1");
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            var clock = Stopwatch.StartNew();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => MessagingRuntime.ReceiveAsync(sub, 1, null, cancel.Token));

            Assert.InRange(clock.Elapsed.TotalMilliseconds, 250, 1500);
        }

        [Fact]
        public async Task APushWithNoPeerGivesUpAtItsDeadlineAndCountsTheDrops()
        {
            using var push = MessagingRuntime.Open(new MessageSocketOptions
            {
                Type = MessageSocketType.Push,
                Bind = new[] { "tcp://127.0.0.1:0" },
                SendHighWatermark = 5,
            });
            var clock = Stopwatch.StartNew();

            var error = await Assert.ThrowsAsync<NetworkTimeoutException>(() => MessagingRuntime.SendAsync(
                push, Enumerable.Range(0, 10).Select(i => Text($"m{i}")).ToList(), DateTime.UtcNow.AddSeconds(0.5), null, CancellationToken.None));

            Assert.InRange(clock.Elapsed.TotalSeconds, 0.4, 3);
            Assert.Contains("high-water mark", error.Message);
            Assert.Equal(10, push.Sent + push.Dropped);
        }

        [Fact]
        public async Task APyzmqPullReceivesWhatCoreSendsAndAPyzmqPushIsReceived()
        {
            var pullPeer = StartPeer("pull", "bind", "tcp://127.0.0.1:0", 2);
            try
            {
                using var push = Open(MessageSocketType.Push, connect: pullPeer.Endpoint);
                await MessagingRuntime.SendAsync(push, new[] { Text("from"), Text("core") }, DateTime.UtcNow.AddSeconds(10), null, CancellationToken.None);
                Assert.Equal(new[] { "from", "core" }, pullPeer.Lines(TimeSpan.FromSeconds(20)));
            }
            finally
            {
                pullPeer.Dispose();
            }

            using var pull = Open(MessageSocketType.Pull, bind: "tcp://127.0.0.1:0");
            using var pushPeer = StartPeer("push", "connect", pull.Endpoint, 3);
            var received = await ReceiveAll(pull, 3, TimeSpan.FromSeconds(20));
            Assert.Equal(new[] { "message 0", "message 1", "message 2" }, received.Select(m => m.Text));
        }

        [Fact]
        public void ShutdownClosesEverySocketAndNetMQStartsAgainWithTheNext()
        {
            var a = Open(MessageSocketType.Pull, bind: "tcp://127.0.0.1:0");
            var b = Open(MessageSocketType.Pub, bind: "tcp://127.0.0.1:0");

            MessagingRuntime.Shutdown();

            Assert.True(a.IsClosed);
            Assert.True(b.IsClosed);
            using var again = Open(MessageSocketType.Pull, bind: "tcp://127.0.0.1:0");
            Assert.False(again.IsClosed);
        }

        private static Peer StartPeer(string mode, string how, string endpoint, int count) =>
            new Peer(mode, how, endpoint, count);

        /// <summary>tests/peers/zmq_peer.py under /usr/bin/python3; its READY line says where it is.</summary>
        private sealed class Peer : IDisposable
        {
            private readonly Process process;
            private readonly List<string> lines = new List<string>();

            public Peer(string mode, string how, string endpoint, int count)
            {
                var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, UseShellExecute = false };
                foreach (var argument in new[] { "-u", RepositoryPaths.Combine("tests", "peers", "zmq_peer.py"), mode, how, endpoint, count.ToString() })
                    start.ArgumentList.Add(argument);
                process = Process.Start(start)!;
                var ready = ReadLine(TimeSpan.FromSeconds(10)) ?? throw new InvalidOperationException("zmq_peer.py did not start.");
                Endpoint = ready.Split(' ')[1];
            }

            public string Endpoint { get; }

            /// <summary>What the peer received, once it said DONE.</summary>
            public IReadOnlyList<string> Lines(TimeSpan within)
            {
                for (var line = ReadLine(within); line != null && line != "DONE"; line = ReadLine(within))
                    lines.Add(line);
                return lines;
            }

            private string? ReadLine(TimeSpan within)
            {
                var read = process.StandardOutput.ReadLineAsync();
                return read.Wait(within) ? read.Result : null;
            }

            public void Dispose()
            {
                if (!process.HasExited)
                    process.Kill();
                process.WaitForExit(5000);
                process.Dispose();
            }
        }
    }
}
