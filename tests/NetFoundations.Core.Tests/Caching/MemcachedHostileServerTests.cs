using System;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Caching;

namespace NetFoundations.Core.Tests.Caching
{
    /// <summary>
    /// The memcached client against hostile servers: each get ends with a typed error within its deadline plus 2 s,
    /// keeping less than 64 MiB.
    /// </summary>
    [Collection(nameof(HostileCollection))]
    public sealed class MemcachedHostileServerTests
    {
        private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(3);

        /// <summary>A server that reads the client's first command line, then plays answer.</summary>
        private static HostileServer Answering(Func<NetworkStream, CancellationToken, Task> answer) =>
            new HostileServer(async (stream, stop) =>
            {
                var seen = new MemoryStream();
                var one = new byte[1];
                while (!seen.ToArray().AsSpan().EndsWith("\r\n"u8) && await stream.ReadAsync(one, stop) == 1)
                    seen.WriteByte(one[0]);
                await answer(stream, stop);
            }, watchForClose: false);

        private static Func<NetworkStream, CancellationToken, Task> Sends(string text, bool thenStall = false) => async (stream, stop) =>
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(text), stop);
            if (thenStall)
                await Task.Delay(Timeout.Infinite, stop);
        };

        /// <summary>Connects to the server and gets keys within the deadline; returns the call's outcome and result.</summary>
        private static async Task<(HostileOutcome Outcome, MemcachedGetResult? Result)> GetAsync(HostileServer server, params string[] keys)
        {
            MemcachedGetResult? result = null;
            var outcome = await Hostile.MeasureAsync(async () =>
            {
                using var deadline = new CancellationTokenSource(Deadline);
                using var session = await MemcachedClient.ConnectAsync(new MemcachedOptions { Servers = { $"127.0.0.1:{server.Port}" } },
                    new Transcript(), deadline.Token);
                result = await session.Connection().GetAsync(keys, false, new Transcript(), deadline.Token);
                if (result.Failures.Count > 0)
                    throw result.Failures[0];
            });
            Assert.True(outcome.Elapsed < Deadline + Hostile.Grace, $"took {outcome.Elapsed}: {outcome.Error}");
            Assert.True(outcome.Growth < Hostile.MaxGrowth, $"memory grew by {outcome.Growth >> 20} MiB");
            return (outcome, result);
        }

        [Fact]
        public async Task AStallEndsAtTheDeadline()
        {
            using var server = Answering((_, stop) => Task.Delay(Timeout.Infinite, stop));
            var (outcome, _) = await GetAsync(server, "k");
            Assert.IsAssignableFrom<OperationCanceledException>(outcome.Error);
        }

        /// <summary>Writes text one byte every 200 ms; with forever, then keeps trickling its last byte.</summary>
        private static Func<NetworkStream, CancellationToken, Task> Trickles(string text, bool forever) => async (stream, stop) =>
        {
            var bytes = Encoding.ASCII.GetBytes(text);
            for (var i = 0; forever || i < bytes.Length; i++)
            {
                await stream.WriteAsync(bytes.AsMemory(Math.Min(i, bytes.Length - 1), 1), stop);
                await Task.Delay(200, stop);
            }
            await Task.Delay(Timeout.Infinite, stop);
        };

        // A read that always gets something must not renew the deadline: it bounds the whole get, not each read.
        [Fact]
        public async Task AValidReplyTrickledByteByByteEndsAtTheDeadline()
        {
            // 24 bytes at 5 a second take 4.8 s, past the deadline; each byte comes well within any per-read wait.
            using var server = Answering(Trickles("VALUE k 0 5\r\nhello\r\nEND\r\n", forever: false));
            var (outcome, _) = await GetAsync(server, "k");
            Assert.IsAssignableFrom<OperationCanceledException>(outcome.Error);
            Assert.True(outcome.Elapsed > Deadline - TimeSpan.FromMilliseconds(100), $"ended after {outcome.Elapsed}, before its deadline");
        }

        [Fact]
        public async Task AValueWhoseDataTricklesForeverEndsAtTheDeadline()
        {
            // The VALUE line at once, then its data a byte every 200 ms: the announced length is never reached in time.
            using var server = Answering(async (stream, stop) =>
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes("VALUE k 0 1000\r\n"), stop);
                await Trickles("x", forever: true)(stream, stop);
            });
            var (outcome, _) = await GetAsync(server, "k");
            Assert.IsAssignableFrom<OperationCanceledException>(outcome.Error);
            Assert.True(outcome.Elapsed > Deadline - TimeSpan.FromMilliseconds(100), $"ended after {outcome.Elapsed}, before its deadline");
        }

        [Fact]
        public async Task AnEndlessLineIsAProtocolViolationAtTheLineBound()
        {
            using var server = Answering(HostileServer.Endless(Encoding.ASCII.GetBytes(new string('x', 8192))));
            var (outcome, _) = await GetAsync(server, "k");
            var error = Assert.IsType<ProtocolViolationException>(outcome.Error);
            Assert.Contains($"{MemcachedServerConnection.MaxLineBytes} bytes", error.Message);
        }

        [Fact]
        public async Task AnOversizedValueLengthIsRefusedBeforeItIsRead()
        {
            using var server = Answering(Sends("VALUE k 0 4000000000\r\n", thenStall: true));
            var (outcome, _) = await GetAsync(server, "k");
            var error = Assert.IsType<ProtocolViolationException>(outcome.Error);
            Assert.Contains("-MaxValueBytes", error.Message);
        }

        [Fact]
        public async Task AWrongLengthIsAProtocolViolation()
        {
            using var server = Answering(Sends("VALUE k 0 2\r\nxyz\r\nEND\r\n", thenStall: true));
            var (outcome, _) = await GetAsync(server, "k");
            Assert.IsType<ProtocolViolationException>(outcome.Error);
        }

        [Fact]
        public async Task GarbageIsAProtocolViolation()
        {
            var garbage = Enumerable.Range(0, 200).Select(i => (byte)(i * 37 % 256)).Where(b => b != '\n').ToArray();
            using var server = Answering(async (stream, stop) =>
            {
                await stream.WriteAsync(garbage, stop);
                await stream.WriteAsync("\r\n"u8.ToArray(), stop);
                await Task.Delay(Timeout.Infinite, stop);
            });
            var (outcome, _) = await GetAsync(server, "k");
            var error = Assert.IsType<ProtocolViolationException>(outcome.Error);
            Assert.Contains("VALUE or END", error.Message);
        }

        [Fact]
        public async Task AKeyNotAskedForIsAProtocolViolation()
        {
            using var server = Answering(Sends("VALUE other 0 1\r\nx\r\nEND\r\n", thenStall: true));
            var (outcome, _) = await GetAsync(server, "k");
            Assert.IsType<ProtocolViolationException>(outcome.Error);
        }

        [Fact]
        public async Task AServerThatDiesMidMultiGetIsAConnectionLostNamingIt()
        {
            using var server = Answering(Sends("VALUE a 0 1\r\nx\r\nVALUE b 0 10\r\nhal"));
            var (outcome, _) = await GetAsync(server, "a", "b", "c");
            var error = Assert.IsType<ConnectionLostException>(outcome.Error);
            Assert.Equal($"127.0.0.1:{server.Port}", error.Target);
        }
    }
}
