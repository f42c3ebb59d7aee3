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
    /// What the speed of many small files rests on (an in-process server that records the commands): a tree's file
    /// costs two commands, and the control connection's read-ahead hands each reply to the command it answers.
    /// </summary>
    [Collection(nameof(HostileCollection))]
    public sealed class FtpRoundTripTests : IDisposable
    {
        private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(3);
        private readonly string local = Directory.CreateTempSubdirectory("nf-ftp-trips-").FullName;

        public void Dispose() => Directory.Delete(local, true);

        private static Task<FtpSession> ConnectAsync(FakeFtpServer server) =>
            FtpConnection.ConnectAsync(new FtpConnectionOptions("127.0.0.1", server.Port) { Timeout = Deadline }, new Transcript(), CancellationToken.None);

        private static byte[] Bytes(int count) => Enumerable.Range(0, count).Select(i => (byte)(i * 7)).ToArray();

        [Fact]
        public async Task ATreeDownloadSendsOnlyEpsvAndRetrForEachFile()
        {
            using var server = new FakeFtpServer(Bytes(4096));
            using var session = await ConnectAsync(server);
            var before = server.Commands.Count;

            var result = await FtpTrees.DownloadAsync(session.Connection(), "/", Path.Combine(local, "tree"), new FtpTreeOptions(), new Transcript(), CancellationToken.None);

            Assert.Equal(1, result.Transferred);
            Assert.Equal(server.File, File.ReadAllBytes(Path.Combine(local, "tree", "file.bin")));
            // After the one listing, the file costs EPSV and RETR: its size is the listing's, nothing is asked again.
            var afterListing = server.Commands.Skip(before).SkipWhile(c => !c.StartsWith("LIST ", StringComparison.Ordinal)).Skip(1);
            Assert.Equal(new[] { "EPSV", "RETR /file.bin" }, afterListing);
        }

        [Fact]
        public async Task RepliesThatArriveTogetherAreEachReadByTheCommandTheyAnswer()
        {
            using var server = new FakeFtpServer(Bytes(4096));
            server.Behave = async (connection, verb, _) =>
            {
                if (verb != "RETR")
                    return false;
                using (var client = await connection.AcceptDataAsync())
                    await client.GetStream().WriteAsync(server.File, connection.Stopping);
                // The preliminary and the final reply in one write, as a fast server sends them for a small file.
                await connection.WriteRawAsync(Encoding.ASCII.GetBytes("150 Opening data connection.\r\n226 Transfer complete.\r\n"));
                return true;
            };
            using var session = await ConnectAsync(server);

            foreach (var name in new[] { "first.bin", "second.bin" })
            {
                var destination = Path.Combine(local, name);
                var result = await session.Connection().DownloadAsync("/file.bin", destination, false, false, Deadline, null, new Transcript(), CancellationToken.None);
                Assert.Equal(server.File, File.ReadAllBytes(destination));
                Assert.Equal(4096, result.BytesTransferred);
            }
            // Each command still got its own reply: the listing after two downloads is the listing.
            var items = new System.Collections.Generic.List<FtpItem>();
            await session.Connection().ListAsync("/", false, 0, null, items.Add, new Transcript(), CancellationToken.None);
            Assert.Equal("file.bin", Assert.Single(items).Name);
        }
    }
}
