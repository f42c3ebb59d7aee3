using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Ssh;

namespace NetFoundations.Core.Tests.Ssh
{
    public sealed class SftpTests : IClassFixture<SshServer>, IDisposable
    {
        private readonly SshServer server;
        private readonly string remote;
        private readonly string local;

        public SftpTests(SshServer server)
        {
            this.server = server;
            var name = Guid.NewGuid().ToString("N");
            remote = Path.Combine(server.FilesFolder, name);
            local = Directory.CreateTempSubdirectory("nf-sftp-").FullName;
            // The remote side is the same machine: the test arranges and checks it through the file system.
            Directory.CreateDirectory(Path.Combine(remote, "sub"));
            File.WriteAllText(Path.Combine(remote, "a.txt"), "alpha\n");
            File.WriteAllText(Path.Combine(remote, "b.log"), "beta\n");
            File.WriteAllBytes(Path.Combine(remote, "sub", "c.bin"), Enumerable.Range(0, 70_000).Select(i => (byte)i).ToArray());
            SshServer.Exec("chown", "-R", server.UserName, remote);
        }

        private static readonly TimeSpan NoProgress = TimeSpan.FromSeconds(30);

        private static CancellationToken Token => new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token;

        private Task<SshSession> ConnectAsync() => SshConnection.ConnectAsync(server.Options(), new Transcript(), Token);

        [Fact]
        public async Task ListsRecursivelyWithAFilter()
        {
            using var session = await ConnectAsync();
            var all = new List<SftpItem>();
            var logs = new List<SftpItem>();

            await session.Connection().ListAsync(remote, true, null, all.Add, new Transcript(), Token);
            await session.Connection().ListAsync(remote, true, "*.bin", logs.Add, new Transcript(), Token);
            // POSIX names: the case counts.
            var upper = new List<SftpItem>();
            await session.Connection().ListAsync(remote, true, "*.BIN", upper.Add, new Transcript(), Token);

            Assert.Equal(new[] { "a.txt", "b.log", "sub", "c.bin" }, all.Select(i => i.Name));
            var bin = Assert.Single(logs);
            Assert.Equal(remote + "/sub/c.bin", bin.Path);
            Assert.Equal(70_000, bin.Length);
            Assert.StartsWith("-rw", bin.Mode);
            Assert.Same(session, bin.Session);
            Assert.True(all.Single(i => i.Name == "sub").IsDirectory);
            Assert.Empty(upper);
        }

        [Fact]
        public async Task DownloadsAFileAndATreeWithProgress()
        {
            using var session = await ConnectAsync();
            var progress = new List<SftpProgress>();

            var file = await session.Connection().DownloadAsync(remote + "/sub/c.bin", local, false, NoProgress, progress.Add, new Transcript(), Token);
            var tree = await session.Connection().DownloadAsync(remote, Path.Combine(local, "copy"), false, NoProgress, null, new Transcript(), Token);

            Assert.Equal(70_000, file.Length);
            Assert.Equal(File.ReadAllBytes(Path.Combine(remote, "sub", "c.bin")), File.ReadAllBytes(Path.Combine(local, "c.bin")));
            Assert.Equal(3, tree.Files);
            Assert.Equal("alpha\n", File.ReadAllText(Path.Combine(local, "copy", "a.txt")));
            Assert.True(File.Exists(Path.Combine(local, "copy", "sub", "c.bin")));
            Assert.All(progress, p => Assert.Equal(70_000, p.TotalBytes));
            Assert.Empty(Directory.GetFiles(local, "*.partial", SearchOption.AllDirectories));
        }

        [Fact]
        public async Task DownloadRefusesToOverwriteWithoutForce()
        {
            using var session = await ConnectAsync();
            File.WriteAllText(Path.Combine(local, "a.txt"), "mine");

            await Assert.ThrowsAsync<IOException>(() => session.Connection().DownloadAsync(remote + "/a.txt", local, false, NoProgress, null, new Transcript(), Token));
            Assert.Equal("mine", File.ReadAllText(Path.Combine(local, "a.txt")));

            await session.Connection().DownloadAsync(remote + "/a.txt", local, true, NoProgress, null, new Transcript(), Token);
            Assert.Equal("alpha\n", File.ReadAllText(Path.Combine(local, "a.txt")));
        }

        [Fact]
        public async Task UploadsAFileAndATreeThatOpenSshSftpReadsBack()
        {
            using var session = await ConnectAsync();
            var tree = Path.Combine(local, "tree");
            Directory.CreateDirectory(Path.Combine(tree, "inner"));
            File.WriteAllText(Path.Combine(tree, "one.txt"), "one");
            File.WriteAllText(Path.Combine(tree, "inner", "two.txt"), "two");

            var result = await session.Connection().UploadAsync(tree, remote, false, NoProgress, null, new Transcript(), Token);
            await Assert.ThrowsAsync<IOException>(() => session.Connection().UploadAsync(tree, remote, false, NoProgress, null, new Transcript(), Token));
            File.WriteAllText(Path.Combine(tree, "one.txt"), "ONE");
            await session.Connection().UploadAsync(Path.Combine(tree, "one.txt"), remote + "/tree/one.txt", true, NoProgress, null, new Transcript(), Token);

            Assert.Equal(2, result.Files);
            Assert.Equal(remote + "/tree", result.RemotePath);
            var fetched = Path.Combine(local, "fetched.txt");
            var sftp = SshServer.Exec("sftp", "-b", "-", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-i", server.KeyFile, "-P", server.Port.ToString(), $"{server.UserName}@127.0.0.1:{remote}/tree/inner/two.txt", fetched);
            Assert.Equal(0, sftp.ExitCode);
            Assert.Equal("two", File.ReadAllText(fetched));
            Assert.Equal("ONE", File.ReadAllText(Path.Combine(remote, "tree", "one.txt")));
            Assert.Empty(Directory.GetFiles(remote, "*.partial", SearchOption.AllDirectories));
        }

        [Fact]
        public async Task RemovesRenamesAndMakesDirectories()
        {
            using var session = await ConnectAsync();

            var made = await session.Connection().NewDirectoryAsync(remote + "/made", new Transcript(), Token);
            var renamed = await session.Connection().RenameAsync(remote + "/a.txt", remote + "/made/z.txt", new Transcript(), Token);
            await Assert.ThrowsAsync<IOException>(() => session.Connection().RenameAsync(remote + "/b.log", remote + "/made/z.txt", new Transcript(), Token));
            await Assert.ThrowsAsync<RemoteErrorException>(() => session.Connection().RemoveAsync(remote + "/sub", false, new Transcript(), Token));
            await session.Connection().RemoveAsync(remote + "/sub", true, new Transcript(), Token);
            await session.Connection().RemoveAsync(remote + "/b.log", false, new Transcript(), Token);

            Assert.True(made.IsDirectory);
            Assert.Equal("z.txt", renamed.Name);
            Assert.Equal("alpha\n", File.ReadAllText(Path.Combine(remote, "made", "z.txt")));
            Assert.False(Directory.Exists(Path.Combine(remote, "sub")));
            Assert.False(File.Exists(Path.Combine(remote, "b.log")));
        }

        [Fact]
        public async Task AMissingRemotePathIsFileNotFound()
        {
            using var session = await ConnectAsync();

            await Assert.ThrowsAsync<FileNotFoundException>(() => session.Connection().ListAsync(remote + "/nope", false, null, _ => { }, new Transcript(), Token));
            await Assert.ThrowsAsync<FileNotFoundException>(() => session.Connection().DownloadAsync(remote + "/nope", local, false, NoProgress, null, new Transcript(), Token));
            await Assert.ThrowsAsync<FileNotFoundException>(() => session.Connection().RemoveAsync(remote + "/nope", false, new Transcript(), Token));
        }

        [Fact]
        public async Task ADroppedConnectionMidDownloadLeavesNoCompleteLookingFile()
        {
            var big = Path.Combine(remote, "big.bin");
            using (var stream = File.Create(big))
                stream.SetLength(400L << 20);
            using var session = await ConnectAsync();
            var dropped = 0;

            var error = await Record.ExceptionAsync(() => session.Connection().DownloadAsync(big, local, false, NoProgress, p =>
            {
                if (Interlocked.Exchange(ref dropped, 1) == 0)
                    server.DropConnections();
            }, new Transcript(), Token));

            Assert.IsAssignableFrom<NetworkException>(error);
            Assert.False(File.Exists(Path.Combine(local, "big.bin")));
            Assert.Empty(Directory.GetFiles(local));
        }

        [Fact]
        public async Task ACancelledUploadRemovesItsRemotePartialFileAndKeepsTheSource()
        {
            var source = Path.Combine(local, "big.bin");
            using (var stream = File.Create(source))
                stream.SetLength(1L << 30);   // sparse here; the upload is cancelled after its first few megabytes
            var target = Directory.CreateDirectory(Path.Combine(remote, "upload"));
            SshServer.Exec("chown", server.UserName, target.FullName);
            using var session = await ConnectAsync();
            using var cancel = new CancellationTokenSource();
            var watch = new System.Diagnostics.Stopwatch();

            var error = await Record.ExceptionAsync(() => session.Connection().UploadAsync(source, target.FullName + "/big.bin", false, NoProgress, p =>
            {
                if (p.BytesDone > 0 && !cancel.IsCancellationRequested)
                {
                    watch.Start();
                    cancel.Cancel();
                }
            }, new Transcript(), cancel.Token));

            Assert.IsAssignableFrom<OperationCanceledException>(error);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"the upload ended {watch.Elapsed} after it was cancelled");
            Assert.Empty(Directory.GetFileSystemEntries(target.FullName));   // neither the destination nor the hidden .partial file
            Assert.Equal(1L << 30, new FileInfo(source).Length);
            // The session goes on: the next transfer opens a new SFTP connection.
            var small = Path.Combine(local, "small.txt");
            File.WriteAllText(small, "small");
            await session.Connection().UploadAsync(small, target.FullName + "/small.txt", false, NoProgress, null, new Transcript(), Token);
            Assert.Equal("small", File.ReadAllText(Path.Combine(target.FullName, "small.txt")));
        }

        public void Dispose()
        {
            Directory.Delete(local, true);
            if (Directory.Exists(remote))
                Directory.Delete(remote, true);
        }
    }
}
