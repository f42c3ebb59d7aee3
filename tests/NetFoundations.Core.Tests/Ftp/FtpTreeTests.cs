using System;
using System.IO;
using NetFoundations.Core.Ftp;

namespace NetFoundations.Core.Tests.Ftp
{
    /// <summary>The rules of tree transfers and mirrors that need no server: where names may lead, and when a plan may delete.</summary>
    public sealed class FtpTreeTests
    {
        [Theory]
        [InlineData("/data", "/data/a.txt", "a.txt")]
        [InlineData("/data", "/data/sub/deeper/c.txt", "sub/deeper/c.txt")]
        [InlineData("/", "/top.bin", "top.bin")]
        [InlineData("/data", "/data/../etc/passwd", null)]
        [InlineData("/data", "/data/sub/../../x", null)]
        [InlineData("/data", "/data/..\\x", null)]
        [InlineData("/data", "/data//x", null)]
        [InlineData("/data", "/other/x", null)]
        [InlineData("/data", "/data", null)]
        [InlineData("/data", "/dataextra/x", null)]
        public void ARemotePathIsRelativeOnlyWhenItStaysBelowTheRoot(string root, string path, string? expected) =>
            Assert.Equal(expected, FtpTrees.RelativeOf(root, path));

        [Fact]
        public void ALocalPathNeverLeavesItsFolder()
        {
            var root = Path.GetFullPath(Path.Combine(Path.GetTempPath(), "nf-tree-root"));
            Assert.Equal(Path.Combine(root, "sub", "a.txt"), FtpTrees.LocalPathOf(root, "sub/a.txt"));
            Assert.Throws<ProtocolViolationException>(() => FtpTrees.LocalPathOf(root, "../outside.txt"));
            Assert.Throws<ProtocolViolationException>(() => FtpTrees.LocalPathOf(root, "../nf-tree-root-sibling/x"));
        }

        [Fact]
        public void OurOwnPartialFilesAreNeverPartOfATree()
        {
            Assert.True(FtpTrees.IsPartialName(".big.iso.partial"));
            Assert.True(FtpTrees.IsPartialName(".a.txt.0123456789abcdef.partial"));
            Assert.False(FtpTrees.IsPartialName("report.partial"));
            Assert.False(FtpTrees.IsPartialName(".profile"));
        }

        private sealed class NoConnection : IFtpSessionHandle
        {
            public bool IsConnected => false;
            public void Disconnect() { }
        }

        private static FtpDifference[] Extras(int count, int sourceFiles, int destinationFiles)
        {
            var session = new FtpSession("ftp.test", "127.0.0.1", 21, "u", FtpSecurity.None, null, null, "220", "UNIX", "Unknown", Array.Empty<string>(), new NoConnection());
            var plan = new FtpDifference[count];
            for (var i = 0; i < count; i++)
                plan[i] = new FtpDifference(session, FtpDirection.Upload, $"f{i}", FtpDifferenceReason.Extra, $"/r/f{i}", $"/l/f{i}", "/r", "/l")
                {
                    SourceFiles = sourceFiles,
                    DestinationFiles = destinationFiles,
                };
            return plan;
        }

        [Fact]
        public void APlanThatWouldDeleteEverythingBecauseTheSourceIsEmptyIsRefused()
        {
            var error = Assert.Throws<InvalidNetworkRequestException>(() => FtpMirror.CheckDeletes(Extras(3, 0, 3), 100, false));
            Assert.Contains("listed no files", error.Message);
            FtpMirror.CheckDeletes(Extras(3, 0, 3), 100, ignoreLimit: true);
        }

        [Fact]
        public void APlanThatWouldDeleteMoreThanTheShareAllowedIsRefused()
        {
            var error = Assert.Throws<InvalidNetworkRequestException>(() => FtpMirror.CheckDeletes(Extras(6, 4, 10), 50, false));
            Assert.Contains("6 of the 10 files", error.Message);
            FtpMirror.CheckDeletes(Extras(5, 4, 10), 50, false);
            FtpMirror.CheckDeletes(Extras(6, 4, 10), 60, false);
            FtpMirror.CheckDeletes(Extras(6, 4, 10), 50, ignoreLimit: true);
            FtpMirror.CheckDeletes(Array.Empty<FtpDifference>(), 0, false);
        }
    }
}
