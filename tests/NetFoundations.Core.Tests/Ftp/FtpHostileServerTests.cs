using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Ftp;

namespace NetFoundations.Core.Tests.Ftp
{
    /// <summary>
    /// FTP against servers that misbehave (an in-process fake): each case ends with a typed error within its deadline
    /// plus the grace, keeping memory bounded; a download never takes its final name unless it is complete.
    /// </summary>
    [Collection(nameof(HostileCollection))]
    public sealed class FtpHostileServerTests : IDisposable
    {
        private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(3);
        private readonly string local = Directory.CreateTempSubdirectory("nf-ftp-hostile-").FullName;

        public void Dispose() => Directory.Delete(local, true);

        private static FtpConnectionOptions Options(FakeFtpServer server, TimeSpan? timeout = null) =>
            new FtpConnectionOptions("127.0.0.1", server.Port) { Timeout = timeout ?? Deadline };

        private static Task<FtpSession> ConnectAsync(FakeFtpServer server) =>
            FtpConnection.ConnectAsync(Options(server), new Transcript(), CancellationToken.None);

        private static byte[] Bytes(int count) => Enumerable.Range(0, count).Select(i => (byte)(i * 13)).ToArray();

        /// <summary>
        /// The rule of every hostile case (Hostile.FailsInTimeAsync: failed within deadline plus the grace, memory bounded),
        /// and the typed error it must end with, naming the bound it exceeded when one is given. The call gets a token
        /// cancelled at the deadline, made as it starts; a call that passes CancellationToken.None instead checks that its
        /// own timeout ends it.
        /// </summary>
        private static async Task<TError> FailsWithAsync<TError>(Func<CancellationToken, Task> call, TimeSpan deadline, string? bound = null)
            where TError : Exception
        {
            var outcome = await Hostile.FailsInTimeAsync(async () =>
            {
                using var cancel = new CancellationTokenSource(deadline);
                await call(cancel.Token);
            }, deadline);
            var error = Assert.IsType<TError>(outcome.Error);
            if (bound != null)
                Assert.Contains(bound, error.Message);
            return error;
        }

        /// <summary>
        /// A server whose data connection for verb (LIST, NLST) sends chunk again and again and never ends: one behaviour
        /// for every endless-listing case, whichever reader (parsed entries, names, raw lines) meets it.
        /// </summary>
        private static Func<FakeFtpServer.Connection, string, string, Task<bool>> Endlessly(string verb, byte[] chunk) =>
            async (connection, command, _) =>
            {
                if (command != verb)
                    return false;
                using var client = await connection.AcceptDataAsync();
                await connection.WriteAsync("150 Here it comes.");
                while (true)
                    await client.GetStream().WriteAsync(chunk, connection.Stopping);
            };

        private static byte[] Repeated(string line, int count) => Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(line, count)));

        /// <summary>A server whose FEAT reply is a multi-line reply that never ends, sent as fast as the client reads.</summary>
        private static async Task<bool> EndlessFeatures(FakeFtpServer.Connection connection, string verb, string argument)
        {
            if (verb != "FEAT")
                return false;
            await connection.WriteAsync("211-Features:");
            var lines = Repeated(" MDTM\r\n", 10_000);
            while (true)
                await connection.WriteRawAsync(lines);
        }

        /// <summary>16 KiB with no line end, sent again and again: one line that never ends.</summary>
        private static readonly byte[] LineWithoutEnd = Enumerable.Repeat((byte)'x', 16 * 1024).ToArray();

        [Fact]
        public async Task AServerThatNeverGreetsTimesOut()
        {
            using var server = new FakeFtpServer { Greet = false };

            await FailsWithAsync<NetworkTimeoutException>(_ => ConnectAsync(server), Deadline);
        }

        [Fact]
        public async Task AServerThatStallsMidDownloadEndsByTheNoProgressTimeoutAndKeepsThePartialName()
        {
            using var server = new FakeFtpServer(Bytes(1_000_000));
            server.Behave = async (connection, verb, _) =>
            {
                if (verb != "RETR")
                    return false;
                var client = await connection.AcceptDataAsync();
                await connection.WriteAsync("150 Opening data connection.");
                await client.GetStream().WriteAsync(server.File.AsMemory(0, 300_000), connection.Stopping);
                await Task.Delay(Timeout.Infinite, connection.Stopping);   // then nothing, on either connection
                return true;
            };
            using var session = await ConnectAsync(server);
            var destination = Path.Combine(local, "stalled.bin");

            await FailsWithAsync<NetworkTimeoutException>(
                _ => session.Connection().DownloadAsync("/file.bin", destination, false, false, Deadline, null, new Transcript(), CancellationToken.None), Deadline);

            Assert.False(File.Exists(destination));
            Assert.False(session.IsConnected);
            var error = await Assert.ThrowsAsync<ConnectionLostException>(() => session.Connection().ListAsync("/", false, 0, null, _ => { }, new Transcript(), CancellationToken.None));
            Assert.Contains("Connect-FtpSession", error.Message);
        }

        [Fact]
        public async Task ADroppedDataConnectionLeavesThePartialFileWhichResumeContinues()
        {
            using var server = new FakeFtpServer(Bytes(1_000_000));
            var dropped = false;
            server.Behave = async (connection, verb, _) =>
            {
                if (verb != "RETR" || dropped)
                    return false;
                dropped = true;
                using (var client = await connection.AcceptDataAsync())
                {
                    await connection.WriteAsync("150 Opening data connection.");
                    await client.GetStream().WriteAsync(server.File.AsMemory(0, 300_000), connection.Stopping);
                }
                await connection.WriteAsync("426 Connection closed; transfer aborted.");
                return true;
            };
            var destination = Path.Combine(local, "dropped.bin");
            using (var session = await ConnectAsync(server))
            {
                var error = await Assert.ThrowsAnyAsync<NetworkException>(() =>
                    session.Connection().DownloadAsync("/file.bin", destination, false, false, Deadline, null, new Transcript(), CancellationToken.None));
                Assert.IsType<ConnectionLostException>(error);
                Assert.Contains("-Resume", error.Message);
            }
            Assert.False(File.Exists(destination));
            Assert.Equal(300_000, new FileInfo(FtpConnection.PartialPathOf(destination)).Length);

            using var again = await ConnectAsync(server);
            var result = await again.Connection().DownloadAsync("/file.bin", destination, false, true, Deadline, null, new Transcript(), CancellationToken.None);

            Assert.Equal(server.File, File.ReadAllBytes(destination));
            Assert.Equal(300_000, result.ResumedFrom);
            Assert.Equal(700_000, result.BytesTransferred);
            Assert.Contains("REST 300000", server.Commands);
            Assert.False(File.Exists(FtpConnection.PartialPathOf(destination)));
        }

        [Fact]
        public async Task AnEndlessListingIsAProtocolViolation()
        {
            using var server = new FakeFtpServer { Behave = Endlessly("LIST", Repeated("-rw-r--r--    1 0        0          5 Jan 01 00:00 x\r\n", 1000)) };
            using var session = await ConnectAsync(server);

            await FailsWithAsync<ProtocolViolationException>(
                cancel => session.Connection().ListAsync("/", false, 0, null, _ => { }, new Transcript(), cancel), TimeSpan.FromSeconds(30), "100,000 lines");
        }

        [Fact]
        public async Task AListingLineWithoutEndIsAProtocolViolation()
        {
            using var server = new FakeFtpServer { Behave = Endlessly("LIST", LineWithoutEnd) };
            using var session = await ConnectAsync(server);

            await FailsWithAsync<ProtocolViolationException>(
                cancel => session.Connection().ListAsync("/", false, 0, null, _ => { }, new Transcript(), cancel), Deadline, "65,536 bytes");
        }

        [Fact]
        public async Task EndlessNamesAreAProtocolViolation()
        {
            using var server = new FakeFtpServer { Behave = Endlessly("NLST", Repeated("name\r\n", 10_000)) };
            using var session = await ConnectAsync(server);
            var count = 0;

            await FailsWithAsync<ProtocolViolationException>(
                cancel => session.Connection().ListLinesAsync("/", true, _ => count++, new Transcript(), cancel), Deadline, "100,000 lines");

            Assert.Equal(0, count);
        }

        [Fact]
        public async Task ARawListingLineWithoutEndIsAProtocolViolation()
        {
            using var server = new FakeFtpServer { Behave = Endlessly("LIST", LineWithoutEnd) };
            using var session = await ConnectAsync(server);

            await FailsWithAsync<ProtocolViolationException>(
                cancel => session.Connection().ListLinesAsync("/", false, _ => { }, new Transcript(), cancel), Deadline, "65,536 bytes");
        }

        [Fact]
        public async Task APassiveReplyNamingAnotherAddressIsNotFollowed()
        {
            using var server = new FakeFtpServer();
            server.Behave = async (connection, verb, _) =>
            {
                if (verb == "EPSV")
                {
                    await connection.WriteAsync("500 EPSV not understood.");
                    return true;
                }
                if (verb == "PASV")
                {
                    // 127.0.0.2 is loopback but nothing listens there: following the reply would fail.
                    await connection.WriteAsync($"227 Entering Passive Mode (127,0,0,2,{server.DataPort >> 8},{server.DataPort & 255})");
                    return true;
                }
                return false;
            };
            using var session = await ConnectAsync(server);
            var items = new System.Collections.Generic.List<FtpItem>();

            await session.Connection().ListAsync("/", false, 0, null, items.Add, new Transcript(), new CancellationTokenSource(Deadline).Token);

            Assert.Equal("file.bin", Assert.Single(items).Name);
        }

        [Fact]
        public async Task AMalformedPassiveReplyIsAProtocolViolation()
        {
            using var server = new FakeFtpServer();
            server.Behave = async (connection, verb, _) =>
            {
                if (verb != "EPSV" && verb != "PASV")
                    return false;
                await connection.WriteAsync(verb == "EPSV" ? "500 EPSV not understood." : "227 Entering Passive Mode (no numbers here)");
                return true;
            };
            using var session = await ConnectAsync(server);

            await FailsWithAsync<ProtocolViolationException>(
                cancel => session.Connection().ListAsync("/", false, 0, null, _ => { }, new Transcript(), cancel), Deadline);
        }

        [Fact]
        public async Task RefusalsAreTypedWithTheirReplyCodes()
        {
            using var server = new FakeFtpServer();
            server.Behave = async (connection, verb, _) =>
            {
                switch (verb)
                {
                    case "RETR":
                        await connection.WriteAsync("450 Requested file action not taken: busy.");
                        return true;
                    case "LIST":
                        await connection.WriteAsync("550 Permission denied.");
                        return true;
                    default:
                        return false;
                }
            };
            using var session = await ConnectAsync(server);

            var busy = await Assert.ThrowsAsync<RemoteErrorException>(() =>
                session.Connection().DownloadAsync("/file.bin", Path.Combine(local, "busy.bin"), false, false, Deadline, null, new Transcript(), CancellationToken.None));
            Assert.Equal("450", busy.ReplyCode);
            Assert.False(File.Exists(Path.Combine(local, "busy.bin")));

            using var again = await ConnectAsync(server);
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() =>
                again.Connection().ListAsync("/", false, 0, null, _ => { }, new Transcript(), CancellationToken.None));
        }

        [Fact]
        public async Task ARefusedLoginIsAnAuthenticationFailure()
        {
            using var server = new FakeFtpServer();
            server.Behave = async (connection, verb, _) =>
            {
                if (verb != "PASS")
                    return false;
                await connection.WriteAsync("530 Login incorrect.");
                return true;
            };
            var options = Options(server);
            options.Credential = new System.Net.NetworkCredential("someone", "secret");
            options.AllowUnencryptedAuthentication = true;

            var error = await Assert.ThrowsAsync<AuthenticationFailedException>(() => FtpConnection.ConnectAsync(options, new Transcript(), CancellationToken.None));

            Assert.Equal("530", error.ReplyCode);
        }

        [Fact]
        public async Task AnEndlessReplyIsAProtocolViolation()
        {
            using var server = new FakeFtpServer { Behave = EndlessFeatures };
            var options = Options(server, TimeSpan.FromSeconds(20));   // the bound, not the clock, ends it

            await FailsWithAsync<ProtocolViolationException>(
                _ => FtpConnection.ConnectAsync(options, new Transcript(), CancellationToken.None), options.Timeout, "262,144 bytes");
        }

        [Fact]
        public async Task AGreetingWithoutEndIsAProtocolViolation()
        {
            using var server = new FakeFtpServer { Greet = false };
            server.OnConnect = async connection =>
            {
                var chunk = new byte[16 * 1024];
                Array.Fill(chunk, (byte)'2');
                while (true)
                    await connection.WriteRawAsync(chunk);
            };

            var options = Options(server, TimeSpan.FromSeconds(20));

            await FailsWithAsync<ProtocolViolationException>(_ => FtpConnection.ConnectAsync(options, new Transcript(), CancellationToken.None), options.Timeout);
        }

        [Fact]
        public async Task TheServerTestReadsTheFeaturesFromFeat()
        {
            using var server = new FakeFtpServer { Features = new[] { " HASH SHA-256*;MD5", " MLST type*;size*;modify*;", " UTF8", " AUTH TLS", " MDTM" } };

            var result = await FtpServerTester.TestAsync(Options(server), FtpTestStage.Connect, new Transcript(), CancellationToken.None);

            Assert.Equal(FtpTestStage.Connect, result.Stage);
            Assert.True(result.Hash && result.Mlsd && result.Utf8 && result.AuthTls && result.TlsOffered && result.Mdtm && result.Epsv && result.RestStream && result.Size);
            Assert.Contains("HASH SHA-256*;MD5", result.Features);
            Assert.Null(result.LoginSucceeded);
            Assert.DoesNotContain(server.Commands, c => c.StartsWith("USER", StringComparison.Ordinal) || c.StartsWith("PASS", StringComparison.Ordinal));
        }

        [Fact]
        public async Task AnEndlessFeatReplyEndsTheServerTestWithAProtocolViolation()
        {
            using var server = new FakeFtpServer { Behave = EndlessFeatures };
            var options = Options(server, TimeSpan.FromSeconds(20));   // the bound, not the clock, ends it

            await FailsWithAsync<ProtocolViolationException>(
                _ => FtpServerTester.TestAsync(options, FtpTestStage.Login, new Transcript(), CancellationToken.None), options.Timeout, "262,144 bytes");
        }

        [Fact]
        public async Task AServerThatNeverAnswersFeatEndsTheServerTestByItsDeadline()
        {
            using var server = new FakeFtpServer();
            server.Behave = async (connection, verb, _) =>
            {
                if (verb != "FEAT")
                    return false;
                await Task.Delay(Timeout.Infinite, connection.Stopping);
                return true;
            };

            await FailsWithAsync<NetworkTimeoutException>(_ => FtpServerTester.TestAsync(Options(server), FtpTestStage.Login, new Transcript(), CancellationToken.None), Deadline);
        }

        [Fact]
        public async Task ADownloadIsCheckedByTheHashTheServerOffers()
        {
            using var server = new FakeFtpServer(Bytes(250_000)) { Features = new[] { " HASH SHA-256*;MD5" } };
            var sha256 = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(server.File)).ToLowerInvariant();
            server.Behave = async (connection, verb, argument) =>
            {
                switch (verb)
                {
                    case "OPTS":
                        await connection.WriteAsync("200 " + argument.Substring(5));
                        return true;
                    case "HASH":
                        await connection.WriteAsync($"213 SHA-256 0-{server.File.Length} {sha256} {argument}");
                        return true;
                    default:
                        return false;
                }
            };
            using var session = await ConnectAsync(server);

            var result = await session.Connection().DownloadAsync("/file.bin", Path.Combine(local, "hashed.bin"), false, false, Deadline, null, new Transcript(), CancellationToken.None);

            Assert.Equal("Size, SHA-256", result.VerifiedBy);
            Assert.Contains("HASH /file.bin", server.Commands);
        }

        [Fact]
        public async Task ACopyWhoseHashDiffersNeverTakesItsName()
        {
            using var server = new FakeFtpServer(Bytes(250_000)) { Features = new[] { " XCRC" } };
            server.Behave = async (connection, verb, _) =>
            {
                if (verb != "XCRC")
                    return false;
                await connection.WriteAsync("250 0badc0de");
                return true;
            };
            using var session = await ConnectAsync(server);
            var destination = Path.Combine(local, "bad.bin");

            var error = await Assert.ThrowsAsync<ProtocolViolationException>(() =>
                session.Connection().DownloadAsync("/file.bin", destination, false, false, Deadline, null, new Transcript(), CancellationToken.None));

            Assert.Contains("CRC32", error.Message);
            Assert.Contains("0badc0de", error.Message);
            Assert.False(File.Exists(destination));
            Assert.False(File.Exists(FtpConnection.PartialPathOf(destination)));
        }

        [Fact]
        public void FluentFtpsSocketIsReachable() =>
            // FtpNetSocket reaches FluentFTP's socket by its internal name; an upgrade that renames it must fail here.
            Assert.True(FtpNetSocket.Reachable);

        [Fact]
        public async Task ATreeDownloadLeavesOutNamesThatWouldLeaveItsFolder()
        {
            using var server = new FakeFtpServer(Bytes(5000));
            server.Behave = async (connection, verb, argument) =>
            {
                if (verb != "LIST")
                    return false;
                using var client = await connection.AcceptDataAsync();
                await connection.WriteAsync("150 Here comes the directory listing.");
                await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(
                    "-rw-r--r--    1 0        0          5000 Jan 01 00:00 file.bin\r\n" +
                    "-rw-r--r--    1 0        0          5000 Jan 01 00:00 ../escaped.bin\r\n" +
                    "-rw-r--r--    1 0        0          5000 Jan 01 00:00 ..\\escaped.bin\r\n"), connection.Stopping);
                client.Close();
                await connection.WriteAsync("226 Directory send OK.");
                return true;
            };
            using var session = await ConnectAsync(server);
            var into = Path.Combine(local, "tree");
            var transcript = new Transcript();

            var result = await FtpTrees.DownloadAsync(session.Connection(), "/", into, new FtpTreeOptions(), transcript, new CancellationTokenSource(Deadline).Token);

            // FluentFTP's parser keeps the last part of one name (escaped.bin, which then stays inside); the other is left out.
            var written = Directory.GetFileSystemEntries(into, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(into, p)).ToArray();
            Assert.All(written, name => Assert.DoesNotContain("..", name));
            Assert.Equal(written.Length, result.Transferred);
            Assert.Contains("file.bin", written);
            Assert.Equal(new[] { "tree" }, Directory.GetFileSystemEntries(local).Select(Path.GetFileName));
            Assert.Contains(transcript.Entries, e => e.Text.Contains("would lead out of"));
        }
    }

}
