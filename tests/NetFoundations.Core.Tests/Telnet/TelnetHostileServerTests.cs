using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Expect;
using NetFoundations.Core.Telnet;

namespace NetFoundations.Core.Tests.Telnet
{
    /// <summary>
    /// Telnet and the expect engine against hostile servers: every step ends with a typed error within its deadline plus
    /// 2 s, the process's memory grows by less than 64 MiB, and the connection is closed (nothing left reading) after it.
    /// </summary>
    [Collection(nameof(HostileCollection))]
    public sealed class TelnetHostileServerTests
    {
        private const byte Iac = 255, Do = 253, Sb = 250, TerminalType = 24;
        private static readonly TimeSpan Grace = Hostile.Grace;

        /// <summary>Runs one Expect step for a prompt the server never sends; returns the error, how long it took and the transcript.</summary>
        private static async Task<(Exception Error, TimeSpan Elapsed, long Growth)> RunAsync(HostileServer server, TimeSpan stepTimeout,
            CancellationToken cancellationToken = default)
        {
            var transcript = new Transcript();
            var options = new TelnetLoginOptions("127.0.0.1", server.Port, null) { StepTimeout = stepTimeout };
            var outcome = await Hostile.MeasureAsync(() =>
                TelnetLogin.RunStepsAsync(options, new[] { ExpectStep.Expect("never-sent-prompt") }, null, transcript, cancellationToken));
            Assert.NotNull(outcome.Error);
            Assert.True(await server.Closed.WaitAsync(Grace).ContinueWith(t => t.IsCompletedSuccessfully),
                "the server should see the connection closed within 2 s of the error");
            var kept = transcript.Entries.Sum(e => (long)e.Text.Length * sizeof(char));
            Assert.True(kept < 8L << 20, $"the transcript keeps {kept} bytes of text");
            Assert.True(outcome.Growth < Hostile.MaxGrowth, $"memory grew by {outcome.Growth >> 20} MiB");
            return (outcome.Error!, outcome.Elapsed, outcome.Growth);
        }

        [Fact]
        public async Task EndlessNulBytesAreAProtocolViolationAtTheSizeGuard()
        {
            using var server = new HostileServer(HostileServer.Endless(new byte[64 * 1024]));
            var timeout = TimeSpan.FromSeconds(5);

            var (error, elapsed, _) = await RunAsync(server, timeout);

            var violation = Assert.IsType<ProtocolViolationException>(error);
            Assert.Contains($"more than {ExpectSession.MaxUnmatchedBytes} bytes", violation.Message);
            Assert.True(elapsed < timeout + Grace, $"took {elapsed}");
        }

        [Fact]
        public async Task EndlessIacInsideASubnegotiationIsAProtocolViolationNamingTheCap()
        {
            var flood = Enumerable.Repeat(new byte[] { Iac, 1 }, 8192).SelectMany(b => b).ToArray();
            using var server = new HostileServer(async (stream, stop) =>
            {
                await stream.WriteAsync(new byte[] { Iac, Sb, TerminalType }, stop);
                await HostileServer.Endless(flood)(stream, stop);
            });
            var timeout = TimeSpan.FromSeconds(5);

            var (error, elapsed, _) = await RunAsync(server, timeout);

            var violation = Assert.IsType<ProtocolViolationException>(error);
            Assert.Contains($"limit of {TelnetParser.MaxSubnegotiationBytes} bytes", violation.Message);
            Assert.True(elapsed < timeout + Grace, $"took {elapsed}");
        }

        [Fact]
        public async Task EndlessTextWithoutThePromptIsAProtocolViolationAtTheSizeGuard()
        {
            var lines = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("no prompt on this line\r\n", 1000)));
            using var server = new HostileServer(HostileServer.Endless(lines));
            var timeout = TimeSpan.FromSeconds(5);

            var (error, elapsed, _) = await RunAsync(server, timeout);

            var violation = Assert.IsType<ProtocolViolationException>(error);
            Assert.Contains($"more than {ExpectSession.MaxUnmatchedBytes} bytes", violation.Message);
            Assert.Contains("no prompt on this line", violation.Message);
            Assert.True(elapsed < timeout + Grace, $"took {elapsed}");
        }

        [Fact]
        public async Task ATrickleOfOneByteEvery200MsIsATimeoutAtTheDeadline()
        {
            using var server = new HostileServer(HostileServer.Endless(new[] { (byte)'.' }, TimeSpan.FromMilliseconds(200)));
            var timeout = TimeSpan.FromSeconds(3);

            var (error, elapsed, _) = await RunAsync(server, timeout);

            var timedOut = Assert.IsType<NetworkTimeoutException>(error);
            Assert.Contains("within 3 s", timedOut.Message);
            Assert.InRange(elapsed, timeout - TimeSpan.FromMilliseconds(100), timeout + Grace);
        }

        [Fact]
        public async Task DataThatKeepsComingBelowTheSizeGuardStillEndsAtTheDeadline()
        {
            // NULs (no text) and option requests, 8 KiB every 20 ms: under the 1 MiB guard within the deadline, so only the deadline can end it.
            var chunk = new byte[8192];
            for (var i = 0; i + 3 <= 300; i += 3)
                (chunk[i], chunk[i + 1], chunk[i + 2]) = (Iac, Do, (byte)(i / 3));
            using var server = new HostileServer(HostileServer.Endless(chunk, TimeSpan.FromMilliseconds(20)));
            var timeout = TimeSpan.FromSeconds(1);

            var (error, elapsed, _) = await RunAsync(server, timeout);

            Assert.IsType<NetworkTimeoutException>(error);
            Assert.InRange(elapsed, timeout - TimeSpan.FromMilliseconds(100), timeout + Grace);
        }

        [Theory]
        [InlineData(new byte[] { (byte)'l', (byte)'o', (byte)'g', Iac, Do })]
        [InlineData(new byte[] { Iac, Sb, TerminalType, 1, Iac })]
        [InlineData(new byte[] { Iac })]
        public async Task AServerClosingInTheMiddleOfACommandIsAProtocolViolation(byte[] sent)
        {
            using var server = new HostileServer(async (stream, stop) => await stream.WriteAsync(sent, stop));
            var timeout = TimeSpan.FromSeconds(5);

            var (error, elapsed, _) = await RunAsync(server, timeout);

            var violation = Assert.IsType<ProtocolViolationException>(error);
            Assert.Contains("closed the connection in the middle of a Telnet command", violation.Message);
            Assert.True(elapsed < timeout + Grace, $"took {elapsed}");
        }

        [Fact]
        public async Task CancellingDuringATrickleEndsTheStepAndClosesTheConnection()
        {
            using var server = new HostileServer(HostileServer.Endless(new byte[] { 0 }, TimeSpan.FromMilliseconds(200)));
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));

            var (error, elapsed, _) = await RunAsync(server, TimeSpan.FromSeconds(20), cancel.Token);

            Assert.IsAssignableFrom<OperationCanceledException>(error);
            Assert.InRange(elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(1) + Grace);
        }

        [Fact]
        public async Task CancellingDuringAFloodEndsTheStepAndClosesTheConnection()
        {
            // Data that never stops, paced so that the size guard is not reached before the cancel.
            var chunk = new byte[4096];
            using var server = new HostileServer(HostileServer.Endless(chunk, TimeSpan.FromMilliseconds(5)));
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

            var (error, elapsed, _) = await RunAsync(server, TimeSpan.FromSeconds(20), cancel.Token);

            Assert.IsAssignableFrom<OperationCanceledException>(error);
            Assert.True(elapsed < TimeSpan.FromSeconds(0.5) + Grace, $"took {elapsed}");
        }

        /// <summary>A server that asks for a login and echoes the password back, whole or a byte at a time.</summary>
        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task APasswordTheServerEchoesIsMaskedInTheTranscript(bool byteByByte)
        {
            var credential = new NetworkCredential("alice", "Echoed-Pass-77");
            using var server = new HostileServer(async (stream, stop) =>
            {
                async Task<string> ReadLineAsync()
                {
                    var line = new List<byte>();
                    var one = new byte[1];
                    while (await stream.ReadAsync(one, stop) == 1 && one[0] != '\n')
                        line.Add(one[0]);
                    return Encoding.ASCII.GetString(line.ToArray()).TrimEnd('\r');
                }

                await stream.WriteAsync(Encoding.ASCII.GetBytes("login: "), stop);
                await ReadLineAsync();
                await stream.WriteAsync(Encoding.ASCII.GetBytes("Password: "), stop);
                var password = Encoding.ASCII.GetBytes(await ReadLineAsync() + "\r\n");
                if (byteByByte)
                {
                    foreach (var b in password)
                    {
                        await stream.WriteAsync(new[] { b }, stop);
                        await Task.Delay(15, stop);
                    }
                }
                else
                {
                    await stream.WriteAsync(password, stop);
                }
                await stream.WriteAsync(Encoding.ASCII.GetBytes("Welcome\r\n$ "), stop);
                await ReadLineAsync();
            }, watchForClose: false);
            var transcript = new Transcript();
            var options = new TelnetLoginOptions("127.0.0.1", server.Port, credential) { StepTimeout = TimeSpan.FromSeconds(10) };

            await TelnetLogin.RunStepsAsync(options, new[] { ExpectStep.Send("exit") }, null, transcript, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

            var received = transcript.Entries.Where(e => e.Marker == "<-").Select(e => e.Text).ToList();
            Assert.Contains(received, t => t.Contains("(secret not shown)"));
            Assert.Contains(received, t => t.Contains("Welcome"));
            Assert.DoesNotContain(transcript.Entries, e => e.Text.Contains(credential.Password));
            Assert.DoesNotContain(received, t => t.Contains("Echoed") || t.Contains("-Pass") || t.Contains("77"));
        }

        [Fact]
        public async Task AnEchoedPasswordIsMaskedInTheErrorsTailOfText()
        {
            var credential = new NetworkCredential("alice", "Echoed-Pass-77");
            using var server = new HostileServer(async (stream, stop) =>
            {
                var buffer = new byte[256];
                var count = 0;
                while (!Encoding.ASCII.GetString(buffer, 0, count).Contains('\n'))
                    count += await stream.ReadAsync(buffer.AsMemory(count), stop);
                await stream.WriteAsync(buffer.AsMemory(0, count), stop);
                await Task.Delay(Timeout.Infinite, stop);
            }, watchForClose: false);
            var options = new TelnetLoginOptions("127.0.0.1", server.Port, null) { StepTimeout = TimeSpan.FromSeconds(1) };

            var error = await Assert.ThrowsAsync<NetworkTimeoutException>(() => TelnetLogin.RunStepsAsync(options, new[]
            {
                ExpectStep.SendSecret(credential),
                ExpectStep.Expect("never-sent-prompt"),
            }, null, new Transcript(), CancellationToken.None));

            Assert.Contains(ExpectStep.SecretPlaceholder, error.Message);
            Assert.DoesNotContain(credential.Password, error.Message);
        }
    }
}
