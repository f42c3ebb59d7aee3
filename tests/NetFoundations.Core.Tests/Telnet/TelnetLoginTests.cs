using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Telnet;
using NetFoundations.Tests;

namespace NetFoundations.Core.Tests.Telnet
{
    public sealed class TelnetLoginTests : IClassFixture<TelnetServer>
    {
        private readonly TelnetServer server;

        public TelnetLoginTests(TelnetServer server) => this.server = server;

        private static CancellationToken Token => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

        [Fact]
        public async Task LogsInRunsACommandAndShowsTheNegotiationDecoded()
        {
            var transcript = new Transcript();
            var options = new TelnetLoginOptions("127.0.0.1", server.Port, server.Credential) { TerminalType = "vt100" };

            var result = await TelnetLogin.RunCommandAsync(options, "echo hi-$((6*7)); echo $TERM", transcript, Token);

            Assert.Equal("hi-42\nvt100", result.Output);
            var notes = transcript.Entries.Select(e => e.Text).ToList();
            Assert.Contains("<- IAC DO TTYPE", notes);
            Assert.Contains("-> IAC WILL TTYPE", notes);
            Assert.Contains("-> IAC SB TTYPE IS vt100 IAC SE", notes);
            Assert.Contains("-> IAC WONT NAWS", notes);
            Assert.Contains("-> IAC DO ECHO", notes);
            Assert.DoesNotContain(transcript.Entries, e => e.Text.Contains(server.Credential.Password));
        }

        [Fact]
        public async Task AWrongPasswordIsAnAuthenticationError()
        {
            var options = new TelnetLoginOptions("127.0.0.1", server.Port, new NetworkCredential(server.Credential.UserName, "wrong"));

            await Assert.ThrowsAsync<AuthenticationFailedException>(() => TelnetLogin.RunCommandAsync(options, "true", new Transcript(), Token));
        }

        [Fact]
        public async Task APromptThatNeverComesIsATimeout()
        {
            var options = new TelnetLoginOptions("127.0.0.1", server.Port, server.Credential) { LoginPrompt = "never-printed", StepTimeout = TimeSpan.FromSeconds(1) };

            await Assert.ThrowsAsync<NetworkTimeoutException>(() => TelnetLogin.RunCommandAsync(options, "true", new Transcript(), Token));
        }

        [Fact]
        public async Task ARefusedPortIsConnectionRefused()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();

            await Assert.ThrowsAsync<ConnectionRefusedException>(() => TelnetClient.ConnectAsync("127.0.0.1", null, port, "xterm", TimeSpan.FromSeconds(5), new Transcript(), Token));
        }
    }
}
