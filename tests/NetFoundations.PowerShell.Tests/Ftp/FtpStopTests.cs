using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Threading;

using NetFoundations.Core.Tests.Ftp;

namespace NetFoundations.PowerShell.Tests.Ftp
{
    /// <summary>Ctrl+C ends an FTP download promptly and no file takes the final name: here, not in Pester, because pressing it is PowerShell.Stop() on a hosted pipeline.</summary>
    public sealed class FtpStopTests : IClassFixture<ModuleSession>, IClassFixture<VsftpdServer>
    {
        private readonly ModuleSession session;
        private readonly VsftpdServer server;

        public FtpStopTests(ModuleSession session, VsftpdServer server)
        {
            this.session = session;
            this.server = server;
        }

        [Fact]
        public void CtrlCDuringADownloadLeavesNoFileUnderTheFinalName()
        {
            var name = $"large_{Guid.NewGuid():N}.bin";
            using (var file = File.Create(Path.Combine(server.FilesFolder, name)))
                file.SetLength(4L << 30);   // sparse: 4 GiB of zeros to send
            var folder = Directory.CreateTempSubdirectory("nf-ftp-stop-").FullName;
            var destination = Path.Combine(folder, "large.bin");
            try
            {
                using var script = new RunningScript(session,
                    @"$s = Connect-FtpSession $name -Address 127.0.0.1 -Port $port -Credential $cred -Security Explicit -CertificateAuthorityPath $ca
                      Receive-FtpItem -Session $s -Path $file -Destination $destination",
                    new Dictionary<string, object?>
                    {
                        ["port"] = server.Port,
                        ["cred"] = new PSCredential(server.UserName, new NetworkCredential(string.Empty, server.Password).SecurePassword),
                        ["ca"] = server.CertificateAuthorityPath,
                        ["name"] = server.Name,
                        ["file"] = name,
                        ["destination"] = destination,
                    });
                var clock = Stopwatch.StartNew();
                while (!Directory.EnumerateFiles(folder, "*", new EnumerationOptions { AttributesToSkip = 0 }).Any(f => new FileInfo(f).Length > 0) && clock.Elapsed < TimeSpan.FromSeconds(30))
                    Thread.Sleep(20);
                Assert.NotEmpty(Directory.EnumerateFiles(folder, "*", new EnumerationOptions { AttributesToSkip = 0 }));   // the transfer had begun

                script.Stop(TimeSpan.FromSeconds(5));

                Assert.Equal(PSInvocationState.Stopped, script.State);
                Assert.False(File.Exists(destination));
            }
            finally
            {
                Directory.Delete(folder, true);
                File.Delete(Path.Combine(server.FilesFolder, name));
            }
        }
    }
}
