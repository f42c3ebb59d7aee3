using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Ftp;

namespace NetFoundations.Core.Tests.Ftp
{
    /// <summary>Sessions, listings and transfers against vsftpd, with Python's ftplib as the independent peer.</summary>
    [Collection(FtpClockTests.VsftpdCollection)]
    public sealed class FtpTests : IClassFixture<VsftpdServer>, IDisposable
    {
        private readonly VsftpdServer server;
        private readonly string name = Guid.NewGuid().ToString("N");
        private readonly string local;

        public FtpTests(VsftpdServer server)
        {
            this.server = server;
            local = Directory.CreateTempSubdirectory("nf-ftp-").FullName;
        }

        public void Dispose() => Directory.Delete(local, true);

        private static readonly TimeSpan NoProgress = TimeSpan.FromSeconds(20);

        private static CancellationToken Token => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

        private static byte[] Bytes(int count, int seed) => Enumerable.Range(0, count).Select(i => (byte)(i * 7 + seed)).ToArray();

        private Task<FtpSession> ConnectAsync(FtpSecurity security = FtpSecurity.Explicit, Transcript? transcript = null) =>
            FtpConnection.ConnectAsync(server.Options(security), transcript ?? new Transcript(), Token);

        // ftplib over plain FTP: it does not reuse the TLS session on the data connection, which vsftpd requires.
        private const string PythonStore = @"
import ftplib, sys
port, user, password, remote, path = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
f = ftplib.FTP(); f.connect('127.0.0.1', port, timeout=20); f.login(user, password)
with open(path, 'rb') as data: f.storbinary('STOR ' + remote, data)
f.quit()";

        private const string PythonRetrieve = @"
import ftplib, hashlib, sys
port, user, password, remote = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
f = ftplib.FTP(); f.connect('127.0.0.1', port, timeout=20); f.login(user, password)
h = hashlib.sha256(); n = [0]
def take(b): h.update(b); n[0] += len(b)
f.retrbinary('RETR ' + remote, take)
f.quit()
print(n[0], h.hexdigest())";

        [Fact]
        public async Task ExplicitFtpsSessionDescribesTheServer()
        {
            var transcript = new Transcript();
            using var session = await ConnectAsync(FtpSecurity.Explicit, transcript);

            Assert.Equal(server.Name, session.ComputerName);
            Assert.Equal("127.0.0.1", session.Address);
            Assert.Equal(server.UserName, session.UserName);
            Assert.Equal(FtpSecurity.Explicit, session.Security);
            Assert.StartsWith("Tls", session.TlsProtocol);
            Assert.True(session.CertificateIsValid);
            Assert.Contains("vsFTPd", session.Banner);
            Assert.StartsWith("UNIX", session.SystemType);
            Assert.Contains("EPSV", session.GetFeatures());
            Assert.True(session.IsConnected);
            var text = string.Join("\n", transcript.Entries.Select(e => e.ToString()));
            Assert.Contains("AUTH TLS", text);
            Assert.Contains("PASS ****", text);
            Assert.DoesNotContain(server.Password, text);
            session.Disconnect();
            Assert.False(session.IsConnected);
        }

        [Fact]
        public async Task ImplicitFtpsAndAnonymousLogins()
        {
            using (var session = await ConnectAsync(FtpSecurity.Implicit))
                Assert.Equal(FtpSecurity.Implicit, session.Security);
            using var anonymous = await FtpConnection.ConnectAsync(server.Options(FtpSecurity.None, anonymous: true), new Transcript(), Token);
            Assert.Equal("anonymous", anonymous.UserName);
            var items = new List<FtpItem>();
            await anonymous.Connection().ListAsync("/", true, int.MaxValue, null, items.Add, new Transcript(), Token);
            Assert.Equal(new[] { "pub", "readme.txt" }, items.Select(i => i.Name));
            var readme = items[1];
            Assert.Equal("/pub/readme.txt", readme.Path);
            Assert.Equal(FtpItemType.File, readme.Type);
            Assert.Equal(30, readme.Size);
            Assert.StartsWith("-r", readme.Permissions);
            Assert.Same(anonymous, readme.Session);
            Assert.NotNull(readme.Modified);
            Assert.Equal(DateTimeKind.Utc, readme.Modified!.Value.Kind);
        }

        [Fact]
        public async Task AnonymousCannotWrite()
        {
            using var anonymous = await FtpConnection.ConnectAsync(server.Options(FtpSecurity.Explicit, anonymous: true), new Transcript(), Token);
            var file = Path.Combine(local, "up.txt");
            File.WriteAllText(file, "no");

            var error = await Record.ExceptionAsync(() => anonymous.Connection().UploadAsync(file, "/pub/up.txt", false, NoProgress, null, new Transcript(), Token));

            Assert.True(error is UnauthorizedAccessException || error is RemoteErrorException, error?.ToString());
            Assert.False(File.Exists(Path.Combine(server.AnonymousFolder, "pub", "up.txt")));
        }

        [Fact]
        public async Task RefusesACredentialInClearUnlessAllowed()
        {
            var options = server.Options(FtpSecurity.None);
            options.AllowUnencryptedAuthentication = false;

            var error = await Assert.ThrowsAsync<InvalidNetworkRequestException>(() => FtpConnection.ConnectAsync(options, new Transcript(), Token));

            Assert.Contains("-AllowUnencryptedAuthentication", error.Message);
        }

        [Fact]
        public async Task RejectsACertificateNotSignedByATrustedAuthority()
        {
            var options = server.Options(FtpSecurity.Explicit);
            options.CertificateAuthorityPath = null;   // the system's store does not hold the test CA

            var error = await Assert.ThrowsAsync<CertificateRejectedException>(() => FtpConnection.ConnectAsync(options, new Transcript(), Token));

            Assert.Contains("-CertificateAuthorityPath", error.Message);
            options.SkipCertificateCheck = true;
            using var session = await FtpConnection.ConnectAsync(options, new Transcript(), Token);
            Assert.False(session.CertificateIsValid);
        }

        [Fact]
        public async Task AWrongPasswordIsAnAuthenticationFailure()
        {
            var options = server.Options();
            options.Credential = new System.Net.NetworkCredential(server.UserName, "wrong");

            var error = await Assert.ThrowsAsync<AuthenticationFailedException>(() => FtpConnection.ConnectAsync(options, new Transcript(), Token));

            Assert.Equal("530", error.ReplyCode);
        }

        [Fact]
        public async Task DownloadsWhatPythonUploadedByteForByte()
        {
            var content = Bytes(1_000_003, 3);
            var source = Path.Combine(local, "from-python.bin");
            File.WriteAllBytes(source, content);
            server.Python(PythonStore, $"{name}.bin", source);
            using var session = await ConnectAsync();
            var destination = Path.Combine(local, "got.bin");
            var progress = new List<FtpProgress>();

            var result = await session.Connection().DownloadAsync($"{name}.bin", destination, false, false, NoProgress, progress.Add, new Transcript(), Token);

            Assert.Equal(content, File.ReadAllBytes(destination));
            Assert.Equal(content.Length, result.Length);
            Assert.Equal(content.Length, result.BytesTransferred);
            Assert.Equal(0, result.ResumedFrom);
            Assert.Equal("Size", result.VerifiedBy);   // vsftpd offers no hash
            Assert.Equal($"/{name}.bin", result.RemotePath.Substring(result.RemotePath.LastIndexOf('/')));
            Assert.False(File.Exists(FtpConnection.PartialPathOf(destination)));
        }

        [Fact]
        public async Task UploadsWhatPythonReadsByteForByte()
        {
            var content = Bytes(777_777, 5);
            var source = Path.Combine(local, "up.bin");
            File.WriteAllBytes(source, content);
            using var session = await ConnectAsync(FtpSecurity.Implicit);

            var result = await session.Connection().UploadAsync(source, $"{name}-up.bin", false, NoProgress, null, new Transcript(), Token);

            Assert.Equal(content.Length, result.Length);
            var seen = server.Python(PythonRetrieve, $"{name}-up.bin").Trim().Split(' ');
            Assert.Equal(content.Length.ToString(), seen[0]);
            Assert.Equal(Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant(), seen[1]);
            // Nothing left under a partial name.
            Assert.DoesNotContain(Directory.GetFiles(server.FilesFolder), f => f.EndsWith(".partial"));
        }

        [Fact]
        public async Task ActiveDataConnectionsWorkToo()
        {
            var content = Bytes(200_000, 11);
            File.WriteAllBytes(Path.Combine(server.FilesFolder, $"{name}.active"), content);
            var options = server.Options();
            options.Active = true;
            var transcript = new Transcript();
            using var session = await FtpConnection.ConnectAsync(options, transcript, Token);
            var destination = Path.Combine(local, "active.bin");

            await session.Connection().DownloadAsync($"{name}.active", destination, false, false, NoProgress, null, transcript, Token);

            Assert.Equal(content, File.ReadAllBytes(destination));
            Assert.Contains(transcript.Entries, e => e.ToString().Contains("EPRT") || e.ToString().Contains("PORT "));
        }

        [Fact]
        public async Task APathWithALineBreakIsRefusedBeforeItIsSent()
        {
            using var session = await ConnectAsync();
            var transcript = new Transcript();

            await Assert.ThrowsAsync<ArgumentException>(() => session.Connection().RemoveAsync("x\r\nDELE y", false, transcript, Token));

            Assert.DoesNotContain(transcript.Entries, e => (e.Direction == TranscriptDirection.Sent || e.Direction == TranscriptDirection.SentSecure) && e.Text.Contains("DELE"));
            Assert.True(session.IsConnected);
        }

        [Fact]
        public async Task AsciiTransfersConvertLineEndingsAsFtplibDoes()
        {
            var crlf = Path.Combine(local, "windows.txt");
            File.WriteAllText(crlf, "one\r\ntwo\r\n");
            var lf = Path.Combine(local, "unix.txt");
            File.WriteAllText(lf, "alpha\nbeta\n");
            using var session = await ConnectAsync();
            var connection = session.Connection();

            await connection.UploadAsync(crlf, $"{name}-windows.txt", false, NoProgress, null, new Transcript(), Token, ascii: true);
            await connection.UploadAsync(lf, $"{name}-unix.txt", false, NoProgress, null, new Transcript(), Token, ascii: true);
            // The server stores text with its own line ending, whatever ending the lines had here.
            Assert.Equal("one\ntwo\n", File.ReadAllText(Path.Combine(server.FilesFolder, $"{name}-windows.txt")));
            Assert.Equal("alpha\nbeta\n", File.ReadAllText(Path.Combine(server.FilesFolder, $"{name}-unix.txt")));

            // Python's asciidl.py: retrlines gives the lines, written with the local line ending.
            var expected = server.Python(@"
import ftplib, sys
port, user, password, remote = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
f = ftplib.FTP(); f.connect('127.0.0.1', port, timeout=20); f.login(user, password)
f.voidcmd('TYPE A'); conn = f.transfercmd('RETR ' + remote); raw = []
while True:
    chunk = conn.recv(8192)
    if not chunk: break
    raw.append(chunk)
conn.close(); f.voidresp()
lines = []; f.retrlines('RETR ' + remote, lines.append); f.quit()
print(repr(b''.join(raw)))
sys.stdout.write(''.join(line + '\n' for line in lines))", $"{name}-unix.txt");
            var destination = Path.Combine(local, "text.txt");
            var result = await connection.DownloadAsync($"{name}-unix.txt", destination, false, false, NoProgress, null, new Transcript(), Token, ascii: true);

            Assert.StartsWith("b'alpha\\r\\nbeta\\r\\n'", expected);   // CRLF on the wire
            Assert.Equal(expected.Substring(expected.IndexOf('\n') + 1), File.ReadAllText(destination));
            Assert.Equal(13, result.BytesTransferred);   // alpha\r\nbeta\r\n
            Assert.Equal(11, result.Length);
            // The session is back in binary: SIZE answers again.
            var binary = Path.Combine(local, "binary.txt");
            await connection.DownloadAsync($"{name}-windows.txt", binary, false, false, NoProgress, null, new Transcript(), Token);
            Assert.Equal("one\ntwo\n", File.ReadAllText(binary));
            await Assert.ThrowsAsync<ArgumentException>(() =>
                connection.DownloadAsync($"{name}-unix.txt", Path.Combine(local, "r.txt"), false, true, NoProgress, null, new Transcript(), Token, ascii: true));
        }

        [Fact]
        public async Task OverwritesOnlyWithForce()
        {
            File.WriteAllText(Path.Combine(server.FilesFolder, $"{name}.txt"), "remote\n");
            var source = Path.Combine(local, "mine.txt");
            File.WriteAllText(source, "local\n");
            using var session = await ConnectAsync();

            await Assert.ThrowsAsync<IOException>(() => session.Connection().UploadAsync(source, $"{name}.txt", false, NoProgress, null, new Transcript(), Token));
            await Assert.ThrowsAsync<IOException>(() => session.Connection().DownloadAsync($"{name}.txt", source, false, false, NoProgress, null, new Transcript(), Token));
            Assert.Equal("local\n", File.ReadAllText(source));
            Assert.Equal("remote\n", File.ReadAllText(Path.Combine(server.FilesFolder, $"{name}.txt")));

            await session.Connection().UploadAsync(source, $"{name}.txt", true, NoProgress, null, new Transcript(), Token);
            Assert.Equal("local\n", File.ReadAllText(Path.Combine(server.FilesFolder, $"{name}.txt")));
        }

        [Fact]
        public async Task ResumeReadsNoByteTwice()
        {
            var content = Bytes(600_000, 9);
            File.WriteAllBytes(Path.Combine(server.FilesFolder, $"{name}.resume"), content);
            var destination = Path.Combine(local, "resumed.bin");
            // An interrupted download left its first 250,000 bytes under the partial name.
            File.WriteAllBytes(FtpConnection.PartialPathOf(destination), content.Take(250_000).ToArray());
            using var session = await ConnectAsync();

            var result = await session.Connection().DownloadAsync($"{name}.resume", destination, false, true, NoProgress, null, new Transcript(), Token);

            Assert.Equal(content, File.ReadAllBytes(destination));
            Assert.Equal(250_000, result.ResumedFrom);
            Assert.Equal(350_000, result.BytesTransferred);
            // vsftpd's own log of the transfer: the bytes it sent.
            var line = File.ReadAllLines(server.TransferLog).Last(l => l.Contains($"{name}.resume"));
            Assert.Contains(" 350000 ", line);
        }

        [Fact]
        public async Task ListsRecursivelyWithDepthAndFilter()
        {
            var root = Path.Combine(server.FilesFolder, name);
            Directory.CreateDirectory(Path.Combine(root, "sub", "deeper"));
            File.WriteAllText(Path.Combine(root, "a.txt"), "a");
            File.WriteAllText(Path.Combine(root, "sub", "b.txt"), "bb");
            File.WriteAllText(Path.Combine(root, "sub", "deeper", "c.txt"), "ccc");
            File.CreateSymbolicLink(Path.Combine(root, "loop"), root);
            using var session = await ConnectAsync();
            var all = new List<FtpItem>();
            var shallow = new List<FtpItem>();
            var texts = new List<FtpItem>();

            await session.Connection().ListAsync(name, true, int.MaxValue, null, all.Add, new Transcript(), Token);
            await session.Connection().ListAsync(name, true, 1, null, shallow.Add, new Transcript(), Token);
            await session.Connection().ListAsync(name, true, int.MaxValue, "*.txt", texts.Add, new Transcript(), Token);

            Assert.Equal(new[] { "a.txt", "loop", "sub", "b.txt", "deeper", "c.txt" }, all.Select(i => i.Name));
            Assert.Equal(FtpItemType.Link, all.Single(i => i.Name == "loop").Type);
            Assert.Equal(new[] { "a.txt", "loop", "sub", "b.txt", "deeper" }, shallow.Select(i => i.Name));
            Assert.Equal(new[] { "a.txt", "b.txt", "c.txt" }, texts.Select(i => i.Name));
            Assert.EndsWith($"/{name}/sub/deeper/c.txt", texts[2].Path);
        }

        [Fact]
        public async Task MakesRenamesAndRemoves()
        {
            using var session = await ConnectAsync();
            var connection = session.Connection();

            var folder = await connection.NewDirectoryAsync($"{name}-dir", new Transcript(), Token);
            Assert.Equal(FtpItemType.Directory, folder.Type);
            File.WriteAllText(Path.Combine(server.FilesFolder, $"{name}-dir", "x.txt"), "x");
            var renamed = await connection.RenameAsync($"{name}-dir/x.txt", $"{name}-dir/y.txt", new Transcript(), Token);
            Assert.Equal("y.txt", renamed.Name);
            Assert.Equal(1, renamed.Size);
            await Assert.ThrowsAsync<RemoteErrorException>(() => connection.RemoveAsync($"{name}-dir", false, new Transcript(), Token));
            await connection.RemoveAsync($"{name}-dir", true, new Transcript(), Token);
            Assert.False(Directory.Exists(Path.Combine(server.FilesFolder, $"{name}-dir")));
        }

        [Fact]
        public async Task AMissingPathIsNotFoundWithItsPath()
        {
            using var session = await ConnectAsync();

            var list = await Assert.ThrowsAsync<FileNotFoundException>(() => session.Connection().ListAsync($"{name}-none", false, 0, null, _ => { }, new Transcript(), Token));
            var download = await Assert.ThrowsAsync<FileNotFoundException>(() =>
                session.Connection().DownloadAsync($"{name}-none", Path.Combine(local, "x"), false, false, NoProgress, null, new Transcript(), Token));

            Assert.EndsWith($"/{name}-none", list.FileName);
            Assert.EndsWith($"/{name}-none", download.FileName);
            Assert.True(session.IsConnected);   // a refusal leaves the session usable
        }
    }
}
