using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;

using NetFoundations.Core.Tests.Ssh;

namespace NetFoundations.PowerShell.Tests.Ssh
{
    /// <summary>Ctrl+C ends SSH cmdlets promptly and leaves nothing that looks complete: here, not in Pester, because pressing it is PowerShell.Stop() on a hosted pipeline.</summary>
    public sealed class SshStopTests : IClassFixture<ModuleSession>, IClassFixture<SshServer>
    {
        private readonly ModuleSession session;
        private readonly SshServer server;

        public SshStopTests(ModuleSession session, SshServer server)
        {
            this.session = session;
            this.server = server;
        }

        private RunningScript Start(string script, string destination = "") =>
            new RunningScript(session, script, new Dictionary<string, object?>
            {
                ["port"] = server.Port,
                ["cred"] = server.PSCredential(),
                ["kh"] = server.NewKnownHosts(server.KnownHostsLine()),
                ["files"] = server.FilesFolder,
                ["destination"] = destination,
            });

        [Fact]
        public void CtrlCEndsALongRemoteCommand()
        {
            using var script = Start("Invoke-SshCommand -ComputerName 127.0.0.1 -Port $port -Credential $cred -KnownHostsPath $kh -Command 'sleep 600' -TimeoutSeconds 900");
            script.WaitUntilRunning(TimeSpan.FromSeconds(2));

            script.Stop(TimeSpan.FromSeconds(5));

            Assert.Equal(PSInvocationState.Stopped, script.State);
        }

        [Fact]
        public void CtrlCEndsAnExpectThatWaits()
        {
            using var script = Start("Invoke-SshShell 127.0.0.1 -Port $port -Credential $cred -KnownHostsPath $kh -Step @{ Expect = 'never-printed'; Timeout = 600 }");
            script.WaitUntilRunning(TimeSpan.FromSeconds(2));

            script.Stop(TimeSpan.FromSeconds(5));

            Assert.Equal(PSInvocationState.Stopped, script.State);
        }

        [Fact]
        public void CtrlCDuringADownloadLeavesNoFileThatLooksComplete()
        {
            var remote = Path.Combine(server.FilesFolder, $"large_{Guid.NewGuid():N}.bin");
            using (var file = File.Create(remote))
                file.SetLength(4L << 30);   // sparse: 4 GiB of zeros to send, none to write here
            var folder = Directory.CreateTempSubdirectory("nf-sftp-stop-").FullName;
            var destination = Path.Combine(folder, "large.bin");
            try
            {
                using var script = Start(@"$s = Connect-SshSession 127.0.0.1 -Port $port -Credential $cred -KnownHostsPath $kh
                    Receive-SftpItem -Session $s -Path " + $"'{remote}'" + " -Destination $destination", destination);
                var clock = Stopwatch.StartNew();
                while (!Directory.EnumerateFiles(folder).Any(f => new FileInfo(f).Length > 0) && clock.Elapsed < TimeSpan.FromSeconds(30))
                    Thread.Sleep(20);
                Assert.NotEmpty(Directory.EnumerateFiles(folder));   // the transfer had begun

                script.Stop(TimeSpan.FromSeconds(5));

                Assert.Equal(PSInvocationState.Stopped, script.State);
                Assert.False(File.Exists(destination));
                clock.Restart();
                while (Directory.EnumerateFiles(folder).Any() && clock.Elapsed < TimeSpan.FromSeconds(10))
                    Thread.Sleep(20);
                Assert.Empty(Directory.EnumerateFiles(folder));   // the partial file is removed too

                // and the session still works
                File.WriteAllText(Path.Combine(server.FilesFolder, "after-stop.txt"), "still here");
                var after = script.RunAfterwards("[void](Receive-SftpItem -Session $s -Path ([IO.Path]::Combine($files, 'after-stop.txt')) -Destination $destination); [IO.File]::ReadAllText($destination)", TimeSpan.FromSeconds(30));
                Assert.Equal("still here", Assert.Single(after).ToString());
            }
            finally
            {
                File.Delete(remote);
                Directory.Delete(folder, true);
            }
        }
    }
}
