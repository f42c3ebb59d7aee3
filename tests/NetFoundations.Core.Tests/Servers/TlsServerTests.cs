using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Servers;
using NetFoundations.Core.Tls;
using NetFoundations.Tests;
using Xunit;

namespace NetFoundations.Core.Tests.Servers
{
    /// <summary>The test CA and certificates of tests/servers/tls/make-pki.sh, in a temporary folder removed at the end.</summary>
    public sealed class ServerPki : IDisposable
    {
        public ServerPki()
        {
            Folder = Path.Combine(Path.GetTempPath(), "nf-server-tls-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            start.ArgumentList.Add(RepositoryPaths.Combine("tests", "servers", "tls", "make-pki.sh"));
            start.ArgumentList.Add(Folder);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(120_000))
            {
                process.Kill(true);
                throw new TimeoutException("make-pki.sh did not finish within 120 s.");
            }
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"make-pki.sh failed ({process.ExitCode}): {output.Result} {errors.Result}");
        }

        public string Folder { get; }

        public string File(string name) => Path.Combine(Folder, name);

        public void Dispose()
        {
            if (Directory.Exists(Folder))
                Directory.Delete(Folder, true);
        }
    }

    /// <summary>
    /// TLS servers against peers we did not write: Python's ssl module (tests/peers/tls_server_client.py) and openssl
    /// s_client, with the test CA of tests/servers/tls.
    /// </summary>
    public sealed class TlsServerTests : IClassFixture<ServerPki>
    {
        private const string Password = "test-password";
        private readonly ServerPki pki;

        public TlsServerTests(ServerPki pki) => this.pki = pki;

        public static TheoryData<ServerArchitecture, bool> ArchitecturesAndFormats()
        {
            var all = new TheoryData<ServerArchitecture, bool>();
            foreach (ServerArchitecture architecture in Enum.GetValues(typeof(ServerArchitecture)))
            {
                // The event loop serves plain TCP only (refused at start).
                if (architecture == ServerArchitecture.EventLoop)
                    continue;
                all.Add(architecture, true);
                all.Add(architecture, false);
            }
            return all;
        }

        private static SecureString Secure(string text)
        {
            var secure = new SecureString();
            foreach (var c in text)
                secure.AppendChar(c);
            secure.MakeReadOnly();
            return secure;
        }

        private System.Security.Cryptography.X509Certificates.X509Certificate2 Pfx() =>
            TlsPem.LoadServerCertificate(pki.File("valid.pfx"), null, Secure(Password));

        private System.Security.Cryptography.X509Certificates.X509Certificate2 PemPair() =>
            TlsPem.LoadServerCertificate(pki.File("valid.crt"), pki.File("valid.key"), null);

        private TcpServerOptions Tls(ServerArchitecture architecture = ServerArchitecture.AsyncAwait, bool pfx = true) =>
            new TcpServerOptions { Architecture = architecture, Certificate = pfx ? Pfx() : PemPair() };

        private async Task<JsonElement> Python(TcpServer server, string host = "127.0.0.1", int lines = 100, string? cert = null, string? version = null)
        {
            var arguments = new[] { "-u", RepositoryPaths.Combine("tests", "peers", "tls_server_client.py"), host, server.LocalPort.ToString(),
                pki.File("ca.crt"), "localhost", lines.ToString() }
                .Concat(cert == null ? Array.Empty<string>() : new[] { "--cert", pki.File(cert) })
                .Concat(version == null ? Array.Empty<string>() : new[] { "--version", version });
            var (code, output, errors) = await Run("/usr/bin/python3", arguments.ToArray(), null);
            Assert.True(code == 0, $"The Python TLS client failed: {errors}");
            return JsonDocument.Parse(output).RootElement;
        }

        /// <summary>openssl s_client: sends input, returns its exit code and what it printed.</summary>
        private async Task<(int Code, string Output, string Errors)> OpenSsl(TcpServer server, string input, params string[] options)
        {
            var arguments = new[] { "s_client", "-connect", $"127.0.0.1:{server.LocalPort}", "-CAfile", pki.File("ca.crt"),
                "-verify_return_error", "-servername", "localhost", "-quiet", "-no_ign_eof" }.Concat(options).ToArray();
            return await Run("openssl", arguments, input);
        }

        private static async Task<(int Code, string Output, string Errors)> Run(string program, string[] arguments, string? input)
        {
            var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            foreach (var argument in arguments)
                start.ArgumentList.Add(argument);
            start.Environment["OPENSSL_CONF"] = "/dev/null";
            using var process = Process.Start(start)!;
            var received = new StringBuilder();
            var output = Task.Run(async () =>
            {
                var buffer = new char[4096];
                int count;
                while ((count = await process.StandardOutput.ReadAsync(buffer, 0, buffer.Length)) > 0)
                {
                    lock (received)
                        received.Append(buffer, 0, count);
                }
                lock (received)
                    return received.ToString();
            });
            var errors = process.StandardError.ReadToEndAsync();
            if (input != null)
            {
                await process.StandardInput.WriteAsync(input);
                await process.StandardInput.FlushAsync();
                // The end of the input closes the connection: first let the echo of the input come back (a refused
                // client gets none and ends on its own), however slow the machine is.
                var clock = Stopwatch.StartNew();
                while (!output.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(30))
                {
                    lock (received)
                    {
                        if (received.ToString().Contains(input))
                            break;
                    }
                    await Task.Delay(20);
                }
            }
            process.StandardInput.Close();
            if (await Task.WhenAny(output, Task.Delay(TimeSpan.FromSeconds(60))) != output)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} did not finish within 60 s.");
            }
            process.WaitForExit(5000);
            return (process.ExitCode, await output, await errors);
        }

        /// <summary>Waits (bounded) until the server's counters say the connections have ended.</summary>
        private static async Task Settled(TcpServer server, long ended)
        {
            var clock = Stopwatch.StartNew();
            while (server.ConnectionsServed + server.ConnectionsFailed < ended && clock.Elapsed < TimeSpan.FromSeconds(10))
                await Task.Delay(20);
            Assert.Equal(ended, server.ConnectionsServed + server.ConnectionsFailed);
        }

        private static async Task Stopped(TcpServer server) => await TcpServerHost.StopAsync(server);

        [Theory]
        [MemberData(nameof(ArchitecturesAndFormats))]
        public async Task EchoesLinesOverTlsToPythonsSslModule(ServerArchitecture architecture, bool pfx)
        {
            var options = Tls(architecture, pfx);
            var server = TcpServerHost.Start(options);
            try
            {
                Assert.True(server.Tls);
                Assert.Equal(options.Certificate!.Subject, server.CertificateSubject);
                Assert.Equal(CertificateThumbprint.Sha256(options.Certificate), server.CertificateThumbprint);
                Assert.Empty(server.TlsProtocol);
                Assert.Equal(ClientCertificateMode.None, server.ClientCertificateMode);
                var result = await Python(server, lines: 500);
                Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
                Assert.True(result.GetProperty("same").GetBoolean());
                Assert.Equal(500, result.GetProperty("lines").GetInt32());
                Assert.Equal("TLSv1.3", result.GetProperty("version").GetString());
                Assert.False(result.TryGetProperty("closeError", out var closeError), closeError.ToString());
                await Settled(server, 1);
                Assert.Equal(1, server.ConnectionsServed);
                Assert.Equal(500, server.Requests);
            }
            finally
            {
                await Stopped(server);
            }
        }

        [Fact]
        public async Task EchoesOverTlsOnIPv6()
        {
            var options = Tls();
            options.LocalAddress = IPAddress.IPv6Loopback;
            var server = TcpServerHost.Start(options);
            try
            {
                var result = await Python(server, "::1", 10);
                Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
                Assert.True(result.GetProperty("same").GetBoolean());
            }
            finally
            {
                await Stopped(server);
            }
        }

        [Fact]
        public async Task OpenSslSClientVerifiesTheServerAndGetsItsEcho()
        {
            var server = TcpServerHost.Start(Tls(pfx: false));
            try
            {
                var (code, output, errors) = await OpenSsl(server, "hello over TLS\n");
                Assert.True(code == 0, errors);
                Assert.Equal("hello over TLS\n", output);
            }
            finally
            {
                await Stopped(server);
            }
        }

        /// <summary>Answers each line with the subject of the certificate its client showed, then the line.</summary>
        private sealed class WhoIsAsking : TcpRequestHandler
        {
            public override Task<IReadOnlyList<byte[]>> ReplyAsync(byte[] request, TcpServerPeer client, CancellationToken cancel) =>
                Task.FromResult<IReadOnlyList<byte[]>>(new[] { Encoding.UTF8.GetBytes($"{client.ClientCertificateSubject} {Encoding.UTF8.GetString(request)}") });
        }

        [Theory]
        [InlineData(ServerArchitecture.AsyncAwait)]
        [InlineData(ServerArchitecture.WorkerPool)]
        public async Task AHandlerSeesTheCertificateItsClientShowed(ServerArchitecture architecture)
        {
            var options = Tls(architecture);
            options.Service = TcpServiceKind.Handler;
            options.Handler = new WhoIsAsking();
            options.ClientCertificateMode = ClientCertificateMode.Required;
            options.ClientCertificateAuthorities = TlsPem.ReadCertificates(pki.File("ca.crt"));
            var server = TcpServerHost.Start(options);
            try
            {
                var (code, output, errors) = await OpenSsl(server, "who\n", "-cert", pki.File("client.crt"), "-key", pki.File("client.key"));

                Assert.True(code == 0, errors);
                Assert.Equal("CN=NetFoundations Test Client who\n", output);
            }
            finally
            {
                await Stopped(server);
            }
        }

        [Theory]
        [InlineData(ServerArchitecture.AsyncAwait)]
        [InlineData(ServerArchitecture.ThreadPerConnection)]
        public async Task RefusesAVersionItWasNotGiven(ServerArchitecture architecture)
        {
            var options = Tls(architecture);
            options.TlsProtocols = new[] { TlsVersion.Tls13 };
            var server = TcpServerHost.Start(options);
            try
            {
                Assert.Equal(new[] { TlsVersion.Tls13 }, server.TlsProtocol);
                var refused = await Python(server, version: "TLSv1_2");
                Assert.False(refused.GetProperty("ok").GetBoolean());
                Assert.Equal("handshake", refused.GetProperty("stage").GetString());
                var (code, _, _) = await OpenSsl(server, "x\n", "-tls1_2");
                Assert.NotEqual(0, code);
                var accepted = await Python(server, version: "TLSv1_3");
                Assert.True(accepted.GetProperty("ok").GetBoolean(), accepted.ToString());
                await Settled(server, 3);
                Assert.Equal(1, server.ConnectionsServed);
                var errors = server.GetErrors();
                Assert.Equal(2, errors.Count);
                Assert.All(errors, e => Assert.IsType<ProtocolViolationException>(e));
                Assert.Contains("TLS handshake", errors[0].Message);
            }
            finally
            {
                await Stopped(server);
            }
        }

        [Theory]
        [InlineData(ServerArchitecture.AsyncAwait)]
        [InlineData(ServerArchitecture.Iterative)]
        public async Task RequiresAClientCertificateFromItsCa(ServerArchitecture architecture)
        {
            var options = Tls(architecture);
            options.ClientCertificateMode = ClientCertificateMode.Required;
            options.ClientCertificateAuthorities = TlsPem.ReadCertificates(pki.File("ca.crt"));
            var server = TcpServerHost.Start(options);
            try
            {
                Assert.Equal(ClientCertificateMode.Required, server.ClientCertificateMode);
                var python = await Python(server, cert: "client.pem");
                Assert.True(python.GetProperty("ok").GetBoolean(), python.ToString());
                Assert.True(python.GetProperty("same").GetBoolean());
                var (code, output, errors) = await OpenSsl(server, "with a certificate\n", "-cert", pki.File("client.crt"), "-key", pki.File("client.key"));
                Assert.True(code == 0, errors);
                Assert.Equal("with a certificate\n", output);
                await Settled(server, 2);
                Assert.Equal(2, server.ConnectionsServed);

                Assert.False((await Python(server)).GetProperty("ok").GetBoolean());
                Assert.False((await Python(server, cert: "stranger.pem")).GetProperty("ok").GetBoolean());
                (_, output, _) = await OpenSsl(server, "from a stranger\n", "-cert", pki.File("stranger.crt"), "-key", pki.File("stranger.key"));
                Assert.Equal(string.Empty, output);
                await Settled(server, 5);
                Assert.Equal(2, server.ConnectionsServed);
                var failures = server.GetErrors();
                Assert.Equal(3, failures.Count);
                Assert.All(failures, e => Assert.IsType<CertificateRejectedException>(e));
                Assert.Contains("sent no client certificate", failures[0].Message);
                Assert.Contains("Untrusted Test Client", failures[1].Message);
                Assert.Contains("not trusted", failures[2].Message);
            }
            finally
            {
                await Stopped(server);
            }
        }

        [Fact]
        public async Task ServesClientsWithoutACertificateWhenOptionalButNotOneWithABadCertificate()
        {
            var options = Tls(ServerArchitecture.ThreadPerConnection);
            options.ClientCertificateMode = ClientCertificateMode.Optional;
            options.ClientCertificateAuthorities = TlsPem.ReadCertificates(pki.File("ca.crt"));
            var server = TcpServerHost.Start(options);
            try
            {
                Assert.True((await Python(server)).GetProperty("ok").GetBoolean());
                Assert.True((await Python(server, cert: "client.pem")).GetProperty("ok").GetBoolean());
                // A server certificate is not for client authentication.
                var (_, output, _) = await OpenSsl(server, "x\n", "-cert", pki.File("valid.crt"), "-key", pki.File("valid.key"));
                Assert.Equal(string.Empty, output);
                Assert.False((await Python(server, cert: "stranger.pem")).GetProperty("ok").GetBoolean());
                await Settled(server, 4);
                Assert.Equal(2, server.ConnectionsServed);
                Assert.All(server.GetErrors(), e => Assert.IsType<CertificateRejectedException>(e));
                Assert.Contains("NotValidForUsage", server.GetErrors()[0].Message);
            }
            finally
            {
                await Stopped(server);
            }
        }

        [Fact]
        public async Task GivesEachConnectionTheClientsVerifiedCertificate()
        {
            var options = Tls();
            options.ClientCertificateMode = ClientCertificateMode.Required;
            options.ClientCertificateAuthorities = TlsPem.ReadCertificates(pki.File("ca.crt"));
            options.Validate();
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            var record = new TcpServer("127.0.0.1", port, options.Architecture, options.Service, "Lines", 30, 1024, 1);
            var context = new ServerContext(listener, record, options, TcpService.For(options.Service, null), NetFoundations.Core.Tcp.TcpFraming.Lines(1), CancellationToken.None);
            try
            {
                var client = Run("openssl", new[] { "s_client", "-connect", $"127.0.0.1:{port}", "-CAfile", pki.File("ca.crt"), "-quiet",
                    "-cert", pki.File("client.crt"), "-key", pki.File("client.key") }, "hello\n");
                using var accepted = await listener.AcceptAsync();
                var peer = ServerContext.NewPeer(accepted);
                var tracked = context.Tracker.Add(accepted);
                using var stream = await ServerTls.OpenAsync(context, accepted, peer, tracked);
                Assert.Equal(((IPEndPoint)accepted.RemoteEndPoint!).Port, peer.RemotePort);
                Assert.Equal("CN=NetFoundations Test Client", peer.GetClientCertificate()!.Subject);
                var buffer = new byte[6];
                var read = 0;
                while (read < buffer.Length)
                    read += await stream.ReadAsync(buffer, read, buffer.Length - read);
                Assert.Equal("hello\n", Encoding.ASCII.GetString(buffer));
                await ServerTls.CloseAsync(stream);
                accepted.Shutdown(SocketShutdown.Both);
                await client;
            }
            finally
            {
                context.Tracker.Dispose();
            }
        }

        [Fact]
        public async Task ClosesAClientThatNeverFinishesItsHandshakeAtTheIdleTimeout()
        {
            var options = Tls(ServerArchitecture.ThreadPerConnection);
            options.IdleTimeout = TimeSpan.FromSeconds(0.5);
            var server = TcpServerHost.Start(options);
            try
            {
                using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await silent.ConnectAsync(IPAddress.Loopback, server.LocalPort);
                using var stalled = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await stalled.ConnectAsync(IPAddress.Loopback, server.LocalPort);
                // The start of a handshake record, and no more.
                await stalled.SendAsync(new ArraySegment<byte>(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01 }), SocketFlags.None);
                var clock = Stopwatch.StartNew();
                await Settled(server, 2);
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), clock.Elapsed.ToString());
                Assert.Equal(0, server.ConnectionsOpen);
                Assert.All(server.GetErrors(), e =>
                {
                    Assert.IsType<NetworkTimeoutException>(e);
                    Assert.Contains("did not complete the TLS handshake within 0.5 s", e.Message);
                });
                // Both were closed: each read ends.
                var buffer = new byte[16];
                Assert.Equal(0, await silent.ReceiveAsync(new ArraySegment<byte>(buffer), SocketFlags.None));
            }
            finally
            {
                await Stopped(server);
            }
        }

        [Theory]
        [InlineData(ServerArchitecture.AsyncAwait)]
        [InlineData(ServerArchitecture.Iterative)]
        public async Task TellsAClientThatSendsNoClientHelloAndGoesOn(ServerArchitecture architecture)
        {
            var server = TcpServerHost.Start(Tls(architecture));
            try
            {
                using (var plain = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
                {
                    await plain.ConnectAsync(IPAddress.Loopback, server.LocalPort);
                    await plain.SendAsync(new ArraySegment<byte>(Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\n\r\n")), SocketFlags.None);
                    // Closed with the request unread: a reset.
                    Assert.Throws<SocketException>(() => plain.Receive(new byte[16]));
                }
                using (var garbage = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
                {
                    // A handshake record type, then nonsense.
                    await garbage.ConnectAsync(IPAddress.Loopback, server.LocalPort);
                    var bytes = new byte[64];
                    new Random(18).NextBytes(bytes);
                    bytes[0] = 0x16;
                    await garbage.SendAsync(new ArraySegment<byte>(bytes), SocketFlags.None);
                    garbage.Shutdown(SocketShutdown.Send);
                    try
                    {
                        while (await garbage.ReceiveAsync(new ArraySegment<byte>(new byte[256]), SocketFlags.None) > 0)
                        {
                        }
                    }
                    catch (SocketException)
                    {
                    }
                }
                var result = await Python(server);
                Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
                await Settled(server, 3);
                Assert.Equal(1, server.ConnectionsServed);
                var errors = server.GetErrors();
                Assert.Equal(2, errors.Count);
                Assert.IsType<ProtocolViolationException>(errors[0]);
                Assert.Contains("does not speak TLS: it sent \"GET / HTTP/1.0", errors[0].Message);
                Assert.True(errors[1] is ProtocolViolationException, errors[1].ToString());
            }
            finally
            {
                await Stopped(server);
            }
        }

        [Fact]
        public void LoadsNoCertificateItCannotServeWith()
        {
            Assert.Throws<FileNotFoundException>(() => TlsPem.LoadServerCertificate(pki.File("missing.pfx"), null, null));
            Assert.Throws<FileNotFoundException>(() => TlsPem.LoadServerCertificate(pki.File("valid.crt"), pki.File("missing.key"), null));
            var wrongPassword = Assert.Throws<InvalidNetworkRequestException>(() =>
                TlsPem.LoadServerCertificate(pki.File("valid.pfx"), null, Secure("not-the-password")));
            Assert.Contains("wrong password", wrongPassword.Message);
            var noKey = Assert.Throws<InvalidNetworkRequestException>(() =>
                TlsPem.LoadServerCertificate(pki.File("valid-nokey.pfx"), null, Secure(Password)));
            Assert.Contains("no private key", noKey.Message);
            Assert.Throws<InvalidNetworkRequestException>(() => TlsPem.LoadServerCertificate(pki.File("valid.crt"), null, null));
            var wrongKey = Assert.Throws<InvalidNetworkRequestException>(() =>
                TlsPem.LoadServerCertificate(pki.File("valid.crt"), pki.File("client.key"), null));
            Assert.Contains("client.key", wrongKey.Message);
            Assert.Throws<InvalidNetworkRequestException>(() => TlsPem.LoadServerCertificate(pki.File("valid.pfx"), pki.File("valid.key"), null));
        }

        [Fact]
        public void RefusesToStartWithTlsOptionsThatCannotWork()
        {
            using var withoutKey = new System.Security.Cryptography.X509Certificates.X509Certificate2(pki.File("valid.crt"));
            Assert.Contains("no private key", Assert.Throws<InvalidNetworkRequestException>(() =>
                TcpServerHost.Start(new TcpServerOptions { Certificate = withoutKey })).Message);
            Assert.Throws<InvalidNetworkRequestException>(() =>
                TcpServerHost.Start(new TcpServerOptions { ClientCertificateMode = ClientCertificateMode.Required }));
            Assert.Throws<InvalidNetworkRequestException>(() =>
                TcpServerHost.Start(new TcpServerOptions { TlsProtocols = new[] { TlsVersion.Tls13 } }));
            Assert.Throws<InvalidNetworkRequestException>(() => TcpServerHost.Start(new TcpServerOptions
            {
                Certificate = Pfx(),
                ClientCertificateAuthorities = TlsPem.ReadCertificates(pki.File("ca.crt")),
            }));
        }
    }
}
