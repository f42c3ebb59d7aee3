using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Ftp;

namespace NetFoundations.Core.Tests.Ftp
{
    /// <summary>Test-FtpServer's clock skew: MDTM replies read, the skew's arithmetic, and a reading against vsftpd.</summary>
    [Collection(VsftpdCollection)]
    public sealed class FtpClockTests : IClassFixture<VsftpdServer>
    {
        /// <summary>
        /// The classes that talk FTPS to a vsftpd run one after the other: every test vsftpd has the same name, and .NET
        /// offers a TLS session by name, so one server's session offered to another loses the reuse vsftpd requires (522).
        /// </summary>
        public const string VsftpdCollection = "vsftpd";

        private readonly VsftpdServer server;

        public FtpClockTests(VsftpdServer server) => this.server = server;

        private static CancellationToken Token => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

        [Fact]
        public void MdtmRepliesAreReadAsUtcWithTheirResolution()
        {
            var whole = FtpClockReading.ParseMdtm("213 20261207004512")!.Value;
            Assert.Equal(new DateTime(2026, 12, 7, 0, 45, 12, DateTimeKind.Utc), whole.Time);
            Assert.Equal(DateTimeKind.Utc, whole.Time.Kind);
            Assert.Equal(TimeSpan.FromSeconds(1), whole.Resolution);

            var fraction = FtpClockReading.ParseMdtm("213 20261207004512.25")!.Value;
            Assert.Equal(new DateTime(2026, 12, 7, 0, 45, 12, 250, DateTimeKind.Utc), fraction.Time);
            Assert.Equal(TimeSpan.FromMilliseconds(10), fraction.Resolution);

            Assert.Null(FtpClockReading.ParseMdtm("550 Could not get file modification time."));
            Assert.Null(FtpClockReading.ParseMdtm("213 2026120700451"));
            Assert.Null(FtpClockReading.ParseMdtm("213 20261307004512"));
            Assert.Null(FtpClockReading.ParseMdtm("213 20261207004512.x"));
            Assert.Null(FtpClockReading.ParseMdtm(null));
        }

        [Fact]
        public void TheSkewIsTakenAtTheMidpointOfTheRoundTrip()
        {
            var sent = new DateTime(2026, 12, 7, 1, 0, 0, DateTimeKind.Utc);
            // The server's clock 5 s ahead: it wrote the file while our clock read 1:00:00.2 .. 1:00:00.6.
            var reading = new FtpClockReading(sent.AddSeconds(5.4), TimeSpan.FromSeconds(1), sent.AddSeconds(0.2), sent.AddSeconds(0.6));

            Assert.Equal(TimeSpan.FromSeconds(5), reading.Skew);
            Assert.Equal(TimeSpan.FromSeconds(1.2), reading.Uncertainty);
        }

        [Fact]
        public async Task TheSameMachinesClockShowsNoSkewAndTheFileIsGone()
        {
            var result = await FtpServerTester.TestAsync(server.Options(), FtpTestStage.Login, new Transcript(), Token, ".");

            Assert.True(result.LoginSucceeded);
            Assert.Null(result.ClockSkewError);
            Assert.NotNull(result.ClockSkew);
            // One clock on both sides: the reading can be off by its uncertainty only (plus a little for the server's own steps).
            Assert.True(Math.Abs(result.ClockSkew!.Value.TotalSeconds) <= result.ClockSkewUncertainty!.Value.TotalSeconds + 0.5,
                $"skew {result.ClockSkew} beyond {result.ClockSkewUncertainty}");
            Assert.True(result.ClockSkewUncertainty.Value >= TimeSpan.FromSeconds(1));
            Assert.Empty(Directory.GetFiles(server.FilesFolder, ".netfoundations-clock-*", SearchOption.AllDirectories));
            var conversation = string.Join("\n", result.GetTranscript().Select(e => e.ToString()));
            Assert.Contains("MDTM ", conversation);
            Assert.Contains("DELE ", conversation);
        }

        [Fact]
        public async Task ARefusedUploadIsAReasonNotAFailure()
        {
            var result = await FtpServerTester.TestAsync(server.Options(FtpSecurity.None, anonymous: true), FtpTestStage.Login, new Transcript(), Token, ".");

            Assert.True(result.LoginSucceeded);
            Assert.Null(result.ClockSkew);
            Assert.Null(result.ClockSkewUncertainty);
            Assert.Contains("55", result.ClockSkewError);
        }

        [Fact]
        public async Task NothingIsWrittenUnlessAsked()
        {
            var result = await FtpServerTester.TestAsync(server.Options(), FtpTestStage.Login, new Transcript(), Token);

            Assert.Null(result.ClockSkew);
            Assert.Null(result.ClockSkewError);
            Assert.DoesNotContain(result.GetTranscript(), e => e.ToString().Contains("STOR"));
        }
    }
}
