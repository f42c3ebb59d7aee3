using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Ssh;

namespace NetFoundations.Core.Tests.Ssh
{
    /// <summary>
    /// A real sshd whose SFTP connection freezes mid-transfer (its per-connection processes stopped with SIGSTOP): the
    /// transfer ends with a timeout within its no-progress limit plus 2 s, leaves nothing under the destination's name,
    /// and keeps the source.
    /// </summary>
    /// <remarks>
    /// Alone, with the other hostile SSH tests: 200 MB transfers and SSH.NET's blocking calls beside the other test
    /// classes starved them (a DNS test's answer was not read within 5 s).
    /// </remarks>
    [Collection(nameof(HostileCollection))]
    public sealed class SftpFreezeTests : IClassFixture<SshServer>, IDisposable
    {
        private static readonly TimeSpan NoProgress = TimeSpan.FromSeconds(3);
        private static readonly TimeSpan Grace = Hostile.Grace;
        private const long Size = 200L << 20;
        private readonly SshServer server;
        private readonly string remote;
        private readonly string local;

        public SftpFreezeTests(SshServer server)
        {
            this.server = server;
            remote = Path.Combine(server.FilesFolder, Guid.NewGuid().ToString("N"));
            local = Directory.CreateTempSubdirectory("nf-sftp-freeze-").FullName;
            Directory.CreateDirectory(remote);
            SshServer.Exec("chown", "-R", server.UserName, remote);
        }

        /// <summary>A session whose SFTP connection is open, and the sshd process that serves that connection.</summary>
        private async Task<(SshSession Session, int SftpProcess)> ConnectAsync()
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var session = await SshConnection.ConnectAsync(server.Options(), new Transcript(), limit.Token);
            var before = server.ConnectionProcesses();
            await session.Connection().ListAsync(remote, false, null, _ => { }, new Transcript(), limit.Token);
            var sftp = server.ConnectionProcesses().Except(before).ToList();
            Assert.Single(sftp);
            return (session, sftp[0]);
        }

        /// <summary>Runs a transfer, freezing the SFTP connection at its first progress report; returns the error and how long after the freeze it came.</summary>
        private static async Task<(Exception? Error, TimeSpan AfterFreeze)> FreezeMidTransferAsync(int sftpProcess,
            Func<Action<SftpProgress>, Task> transfer)
        {
            var frozenAt = new TaskCompletionSource<Stopwatch>(TaskCreationOptions.RunContinuationsAsynchronously);
            var error = await Record.ExceptionAsync(() => transfer(progress =>
            {
                if (progress.BytesDone > 0 && !frozenAt.Task.IsCompleted)
                {
                    SshServer.Signal(sftpProcess, "STOP");
                    frozenAt.TrySetResult(Stopwatch.StartNew());
                }
            }));
            Assert.True(frozenAt.Task.IsCompleted, "the transfer ended before it was frozen: " + error);
            return (error, (await frozenAt.Task).Elapsed);
        }

        [Fact]
        public async Task AFrozenServerMidDownloadIsATimeoutAndLeavesNoFile()
        {
            var source = Path.Combine(remote, "big.bin");
            using (var stream = File.Create(source))
                stream.SetLength(Size);
            var (session, sftpProcess) = await ConnectAsync();
            try
            {
                var (error, afterFreeze) = await FreezeMidTransferAsync(sftpProcess, progress =>
                    session.Connection().DownloadAsync(source, local, false, NoProgress, progress, new Transcript(), CancellationToken.None));

                var timedOut = Assert.IsType<NetworkTimeoutException>(error);
                Assert.Contains("Nothing moved", timedOut.Message);
                Assert.True(afterFreeze < NoProgress + Grace, $"took {afterFreeze} after the freeze");
                AssertTheFrozenConnectionIsClosed();
                Assert.Empty(Directory.GetFileSystemEntries(local));
            }
            finally
            {
                SshServer.Signal(sftpProcess, "CONT");
                session.Dispose();
            }
        }

        [Fact]
        public async Task AFrozenServerMidUploadIsATimeoutAndLeavesNothingUnderTheDestinationName()
        {
            var source = Path.Combine(local, "big.bin");
            using (var stream = File.Create(source))
                stream.SetLength(Size);
            var destination = remote + "/uploaded.bin";
            var (session, sftpProcess) = await ConnectAsync();
            try
            {
                var (error, afterFreeze) = await FreezeMidTransferAsync(sftpProcess, progress =>
                    session.Connection().UploadAsync(source, destination, false, NoProgress, progress, new Transcript(), CancellationToken.None));

                var timedOut = Assert.IsType<NetworkTimeoutException>(error);
                Assert.Contains("Nothing moved", timedOut.Message);
                Assert.True(afterFreeze < NoProgress + Grace, $"took {afterFreeze} after the freeze");
                AssertTheFrozenConnectionIsClosed();
                Assert.False(File.Exists(destination));
                Assert.Equal(Size, new FileInfo(source).Length);
            }
            finally
            {
                SshServer.Signal(sftpProcess, "CONT");
                session.Dispose();
            }
        }

        /// <summary>
        /// Nothing is left blocked on the frozen SFTP connection: its socket is closed here (so a read or a send on it has
        /// ended), and only the session's own connection to the server is still established.
        /// </summary>
        private void AssertTheFrozenConnectionIsClosed()
        {
            var clock = Stopwatch.StartNew();
            while (EstablishedConnectionsTo(server.Port) > 1 && clock.Elapsed < Grace)
                Thread.Sleep(50);
            Assert.Equal(1, EstablishedConnectionsTo(server.Port));
        }

        /// <summary>This network namespace's established TCP connections to a port (the client ends only), from /proc/net/tcp and tcp6 (whose headers have "st", not a state, in the fourth field).</summary>
        private static int EstablishedConnectionsTo(int port) =>
            new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists)
                .SelectMany(File.ReadLines)
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Count(fields => fields.Length > 3 && fields[3] == "01"
                    && Convert.ToInt32(fields[2].Substring(fields[2].LastIndexOf(':') + 1), 16) == port);

        [Fact]
        public void SshNetStillHasTheSocketThatShutdownReaches() => Assert.True(SshNetSocket.Reachable,
            "SSH.NET no longer has BaseClient.Session or Session._socket: a send blocked by a frozen server can no longer be ended");

        public void Dispose()
        {
            Directory.Delete(local, true);
            if (Directory.Exists(remote))
                Directory.Delete(remote, true);
        }
    }
}
