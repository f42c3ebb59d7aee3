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
    /// <summary>
    /// The servers besides vsftpd: pyftpdlib and Pure-FTPd list with MLSD (vsftpd only with LIST) and show the user's
    /// directory as "/", so the same checks meet another listing format and other paths. Python's ftplib is the peer
    /// here too.
    /// </summary>
    public abstract class OtherServerTests<TServer> : IClassFixture<TServer>, IDisposable where TServer : FtpTestServer
    {
        private readonly TServer server;
        private readonly string name = Guid.NewGuid().ToString("N");
        private readonly string local = Directory.CreateTempSubdirectory("nf-ftp-other-").FullName;

        protected OtherServerTests(TServer server) => this.server = server;

        public void Dispose() => Directory.Delete(local, true);

        private static readonly TimeSpan NoProgress = TimeSpan.FromSeconds(20);

        private static CancellationToken Token => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

        private Task<FtpSession> ConnectAsync() => FtpConnection.ConnectAsync(server.Options(), new Transcript(), Token);

        [Fact]
        public async Task ListsWithMlsdInsideTheChroot()
        {
            var root = Path.Combine(server.FilesFolder, name);
            Directory.CreateDirectory(Path.Combine(root, "sub"));
            File.WriteAllText(Path.Combine(root, "a.txt"), "alpha");
            File.WriteAllText(Path.Combine(root, "sub", "b.txt"), "bravo!");
            File.SetLastWriteTimeUtc(Path.Combine(root, "a.txt"), new DateTime(2021, 3, 4, 5, 6, 7, DateTimeKind.Utc));
            using var session = await ConnectAsync();
            var transcript = new Transcript();
            var items = new List<FtpItem>();

            await session.Connection().ListAsync(name, true, int.MaxValue, null, items.Add, transcript, Token);

            Assert.Contains("MLST", session.GetFeatures());
            Assert.Contains(transcript.Entries, e => e.ToString().Contains("MLSD /" + name));
            Assert.Equal(new[] { "a.txt", "sub", "b.txt" }, items.Select(i => i.Name));
            var a = items[0];
            Assert.Equal($"/{name}/a.txt", a.Path);
            Assert.Equal(5, a.Size);
            Assert.Equal(new DateTime(2021, 3, 4, 5, 6, 7, DateTimeKind.Utc), a.Modified);
            Assert.Equal(FtpItemType.Directory, items[1].Type);
            Assert.Equal($"/{name}/sub/b.txt", items[2].Path);
            Assert.Equal(6, items[2].Size);
        }

        [Fact]
        public async Task UploadsAndDownloadsWhatPythonAgreesWith()
        {
            var content = Enumerable.Range(0, 345_678).Select(i => (byte)(i * 31)).ToArray();
            var source = Path.Combine(local, "up.bin");
            File.WriteAllBytes(source, content);
            using var session = await ConnectAsync();

            await session.Connection().UploadAsync(source, $"/{name}.bin", false, NoProgress, null, new Transcript(), Token);
            var seen = server.Python(@"
import ftplib, hashlib, sys
port, user, password, remote = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
f = ftplib.FTP(); f.connect('127.0.0.1', port, timeout=20); f.login(user, password)
h = hashlib.sha256(); f.retrbinary('RETR ' + remote, h.update); f.quit()
print(h.hexdigest())", $"/{name}.bin").Trim();
            var back = Path.Combine(local, "back.bin");
            var result = await session.Connection().DownloadAsync($"/{name}.bin", back, false, false, NoProgress, null, new Transcript(), Token);

            Assert.Equal(Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant(), seen);
            Assert.Equal(content, File.ReadAllBytes(back));
            Assert.Equal(content.Length, result.Length);
        }

        [Fact]
        public async Task ResumesFromThePartialFile()
        {
            var content = Enumerable.Range(0, 400_000).Select(i => (byte)(i * 3)).ToArray();
            File.WriteAllBytes(Path.Combine(server.FilesFolder, $"{name}.resume"), content);
            var destination = Path.Combine(local, "resumed.bin");
            File.WriteAllBytes(FtpConnection.PartialPathOf(destination), content.Take(123_456).ToArray());
            using var session = await ConnectAsync();

            var result = await session.Connection().DownloadAsync($"{name}.resume", destination, false, true, NoProgress, null, new Transcript(), Token);

            Assert.Equal(content, File.ReadAllBytes(destination));
            Assert.Equal(123_456, result.ResumedFrom);
            Assert.Equal(400_000 - 123_456, result.BytesTransferred);
        }
    }

    public sealed class PyftpdlibTests : OtherServerTests<PyftpdlibServer>
    {
        public PyftpdlibTests(PyftpdlibServer server) : base(server) { }
    }

    public sealed class PureFtpdTests : OtherServerTests<PureFtpdServer>
    {
        public PureFtpdTests(PureFtpdServer server) : base(server) { }
    }
}
