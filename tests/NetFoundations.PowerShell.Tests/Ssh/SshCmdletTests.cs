using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;

using NetFoundations.Core.Tests.Ssh;

namespace NetFoundations.PowerShell.Tests.Ssh
{
    public sealed class SshCmdletTests : IClassFixture<ModuleSession>, IClassFixture<SshServer>
    {
        private readonly ModuleSession session;
        private readonly SshServer server;

        public SshCmdletTests(ModuleSession session, SshServer server)
        {
            this.session = session;
            this.server = server;
        }

        private static object? Property(PSObject value, string name) => value.Properties[name]?.Value;

        private EngineResult Run(string script, string? knownHosts = null, string? password = null) =>
            session.Run(script, new Dictionary<string, object?>
            {
                ["port"] = server.Port,
                ["cred"] = server.PSCredential(password),
                ["kh"] = knownHosts ?? server.NewKnownHosts(server.KnownHostsLine()),
                ["files"] = server.FilesFolder,
            });

        [Fact]
        public void AnUnknownHostUnderStrictIsASecurityErrorThatSaysHowToTrustIt()
        {
            var result = Run("Connect-SshSession 127.0.0.1 -Port $port -Credential $cred -KnownHostsPath $kh", server.NewKnownHosts());

            Assert.Empty(result.Output);
            var error = result.SingleError;
            Assert.Equal("HostKeyRejected", EngineResult.ErrorId(error));
            Assert.Equal(ErrorCategory.SecurityError, error.CategoryInfo.Category);
            Assert.Contains("Get-SshHostKey", error.Exception.Message);
        }

        [Fact]
        public void TrustOnFirstUseThenCommandsOnTheSessionGiveResults()
        {
            var knownHosts = Path.Combine(server.Folder, $"kh_{Guid.NewGuid():N}");

            var result = Run(@"$s = Connect-SshSession 127.0.0.1 -Port $port -Credential $cred -KnownHostsPath $kh -TrustPolicy TrustOnFirstUse
                $s | Invoke-SshCommand -Command 'echo out; echo err >&2; exit 4'
                Disconnect-SshSession $s
                $s.IsConnected", knownHosts);

            Assert.Empty(result.Errors);
            var command = result.Output[0];
            Assert.Equal("NetFoundations.Core.Ssh.SshCommandResult", command.TypeNames[0]);
            Assert.Equal("127.0.0.1", Property(command, "ComputerName"));
            Assert.Equal("out", Property(command, "Output"));
            Assert.Equal("err", Property(command, "Error"));
            Assert.Equal(4, Property(command, "ExitStatus"));
            Assert.IsType<TimeSpan>(Property(command, "Duration"));
            Assert.Equal(false, result.Output[1].BaseObject);
            Assert.Equal(server.KnownHostsLine(), File.ReadAllText(knownHosts).Trim());
        }

        [Fact]
        public void OneShotOnSeveralHostsWithAPinnedFingerprintFromGetSshHostKey()
        {
            var result = Run(@"$key = Get-SshHostKey -ComputerName 127.0.0.1 -Port $port -KeyType ssh-ed25519
                Invoke-SshCommand -ComputerName 127.0.0.1, localhost -Port $port -Credential $cred -HostKeyFingerprint $key.FingerprintSHA256 -Command 'echo hi' -ThrottleLimit 2");

            Assert.Empty(result.Errors);
            Assert.Equal(new[] { "127.0.0.1", "localhost" }, result.Output.Select(o => (string)Property(o, "ComputerName")!).OrderBy(n => n));
            Assert.All(result.Output, o => Assert.Equal("hi", Property(o, "Output")));
        }

        [Fact]
        public void AWrongPasswordIsAnAuthenticationError()
        {
            var result = Run("Connect-SshSession 127.0.0.1 -Port $port -Credential $cred -KnownHostsPath $kh", password: "wrong");

            Assert.Equal("AuthenticationFailed", EngineResult.ErrorId(result.SingleError));
            Assert.Equal(ErrorCategory.AuthenticationError, result.SingleError.CategoryInfo.Category);
        }

        [Fact]
        public void NonZeroExitIsAnErrorOnlyWhenAskedAndAHangIsATimeout()
        {
            var result = Run(@"$s = Connect-SshSession 127.0.0.1 -Port $port -Credential $cred -KnownHostsPath $kh
                Invoke-SshCommand -Session $s -Command 'exit 2' -ErrorOnNonZeroExit
                Invoke-SshCommand -Session $s -Command 'sleep 60' -Timeout 1
                Invoke-SshCommand -Session $s -Command 'echo alive' -Stream
                Disconnect-SshSession $s");

            Assert.Equal(new[] { "RemoteError", "OperationTimedOut" }, result.Errors.Select(EngineResult.ErrorId));
            Assert.Equal("NetFoundations.Core.Ssh.SshOutputLine", result.Output[0].TypeNames[0]);
            Assert.Equal("alive", Property(result.Output[0], "Line"));
            Assert.Equal("alive", Property(result.Output[1], "Output"));
        }

        [Fact]
        public void InsecureWarns()
        {
            var result = Run("$s = Connect-SshSession 127.0.0.1 -Port $port -Credential $cred -TrustPolicy Insecure; $s.HostKey.KeyType; Disconnect-SshSession $s", server.NewKnownHosts());

            Assert.Empty(result.Errors);
            Assert.Equal("ssh-ed25519", result.Output.Single().BaseObject);
            Assert.Contains("Insecure", Assert.Single(result.Warnings));
        }

        [Fact]
        public void SftpItemsPipeIntoDownloadAndRemove()
        {
            var remote = Path.Combine(server.FilesFolder, Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(remote);
            File.WriteAllText(Path.Combine(remote, "keep.txt"), "keep");
            File.WriteAllText(Path.Combine(remote, "get.log"), "got it");
            var local = Directory.CreateTempSubdirectory("nf-sftp-cmdlet-").FullName;
            try
            {
                var result = session.Run(@"$s = Connect-SshSession 127.0.0.1 -Port $port -Credential $cred -KnownHostsPath $kh
                    Get-SftpItem -Session $s -Path $remote -Filter *.log | Receive-SftpItem -Destination $local
                    Get-SftpItem -Session $s -Path $remote | Remove-SftpItem -WhatIf
                    Get-SftpItem -Session $s -Path ($remote + '/nope')
                    Disconnect-SshSession $s", new Dictionary<string, object?>
                {
                    ["port"] = server.Port, ["cred"] = server.PSCredential(), ["kh"] = server.NewKnownHosts(server.KnownHostsLine()),
                    ["remote"] = remote, ["local"] = local,
                });

                var error = result.SingleError;
                Assert.Equal("PathNotFound", EngineResult.ErrorId(error));
                Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
                var transfer = Assert.Single(result.Output);
                Assert.Equal("NetFoundations.Core.Ssh.SftpTransferResult", transfer.TypeNames[0]);
                Assert.Equal(6L, Property(transfer, "Length"));
                Assert.Equal("got it", File.ReadAllText(Path.Combine(local, "get.log")));
                Assert.True(File.Exists(Path.Combine(remote, "keep.txt")));
            }
            finally
            {
                Directory.Delete(local, true);
                Directory.Delete(remote, true);
            }
        }

        [Theory]
        [InlineData("Connect-SshSession")]
        [InlineData("Disconnect-SshSession")]
        [InlineData("Get-SshHostKey")]
        [InlineData("Invoke-SshCommand")]
        [InlineData("Get-SftpItem")]
        [InlineData("Receive-SftpItem")]
        [InlineData("Send-SftpItem")]
        [InlineData("Remove-SftpItem")]
        [InlineData("New-SftpDirectory")]
        [InlineData("Rename-SftpItem")]
        public void HelpHasASynopsisAndExamples(string cmdlet)
        {
            var result = session.Run($"$h = Get-Help {cmdlet} -Full; $h.Synopsis; @($h.examples.example).Count; @($h.parameters.parameter | Where-Object name -eq TranscriptPath).Count");

            Assert.Empty(result.Errors);
            Assert.False(string.IsNullOrWhiteSpace((string)result.Output[0].BaseObject));
            Assert.DoesNotContain(cmdlet + " ", (string)result.Output[0].BaseObject);
            Assert.True((int)result.Output[1].BaseObject >= 2);
            Assert.Equal(1, result.Output[2].BaseObject);
        }
    }
}
