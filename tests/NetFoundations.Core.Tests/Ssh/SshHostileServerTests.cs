using System;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Ssh;

namespace NetFoundations.Core.Tests.Ssh
{
    /// <summary>
    /// Connecting to servers that misbehave before the key exchange, where sshd cannot be made to: each ends with a typed
    /// error within the connect timeout plus 2 s, the process's memory grows by less than 64 MiB, and the connection is closed.
    /// </summary>
    [Collection(nameof(HostileCollection))]
    public sealed class SshHostileServerTests
    {
        private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

        private static async Task<(Exception Error, TimeSpan Elapsed)> ConnectAsync(HostileServer server)
        {
            var options = new SshConnectionOptions("127.0.0.1", server.Port, new NetworkCredential("user", "secret"))
            {
                TrustPolicy = SshTrustPolicy.Insecure,
                ConnectTimeout = ConnectTimeout,
            };
            var outcome = await Hostile.FailsInTimeAsync(() => SshConnection.ConnectAsync(options, new Transcript(), CancellationToken.None), ConnectTimeout);
            Assert.True(await server.Closed.WaitAsync(Hostile.Grace).ContinueWith(t => t.IsCompletedSuccessfully),
                "the server should see the connection closed within 2 s of the error");
            return (outcome.Error!, outcome.Elapsed);
        }

        [Fact]
        public async Task AnEndlessIdentificationLineIsAProtocolViolation()
        {
            var start = Encoding.ASCII.GetBytes("SSH-2.0-");
            var endless = Enumerable.Repeat((byte)'x', 64 * 1024).ToArray();
            using var server = new HostileServer(async (stream, stop) =>
            {
                await stream.WriteAsync(start, stop);
                await HostileServer.Endless(endless)(stream, stop);
            });

            var (error, _) = await ConnectAsync(server);

            var violation = Assert.IsType<ProtocolViolationException>(error);
            Assert.Contains("maximum allowed length", violation.Message);
        }

        [Fact]
        public async Task EndlessLinesBeforeTheIdentificationAreAProtocolViolation()
        {
            var lines = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("welcome, this is not an identification line\r\n", 1000)));
            using var server = new HostileServer(HostileServer.Endless(lines));

            var (error, _) = await ConnectAsync(server);

            var violation = Assert.IsType<ProtocolViolationException>(error);
            Assert.Contains("maximum allowed number of banner lines", violation.Message);
        }

        [Fact]
        public async Task AServerSilentAfterItsIdentificationIsATimeout()
        {
            using var server = new HostileServer(async (stream, stop) =>
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes("SSH-2.0-OpenSSH_9.6\r\n"), stop);
                await Task.Delay(Timeout.Infinite, stop);
            });

            var (error, elapsed) = await ConnectAsync(server);

            Assert.IsType<NetworkTimeoutException>(error);
            Assert.True(elapsed >= ConnectTimeout - TimeSpan.FromMilliseconds(100), $"took {elapsed}");
        }
    }
}
