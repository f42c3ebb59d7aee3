using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Ssh;

namespace NetFoundations.Core.Tests.Ssh
{
    public sealed class SshSessionTests : IClassFixture<SshServer>
    {
        private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
        private readonly SshServer server;

        public SshSessionTests(SshServer server) => this.server = server;

        private static CancellationToken Token => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

        [Fact]
        public async Task HostKeysAndFingerprintsMatchOpenSsh()
        {
            var keys = await SshHostKeyScanner.GetAsync("127.0.0.1", null, server.Port, null, Bound, new Transcript(), Token);

            Assert.Equal(new[] { "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa" }, keys.Select(k => k.KeyType));
            foreach (var (key, file) in keys.Zip(new[] { "host_ed25519_key", "host_ecdsa_key", "host_rsa_key" }))
            {
                var keygen = SshServer.Exec("ssh-keygen", "-l", "-E", "sha256", "-f", Path.Combine(server.Folder, file + ".pub"));
                Assert.Equal(keygen.Output.Split(' ')[1], key.FingerprintSHA256);
                Assert.Equal(server.KnownHostsLine(file), key.KnownHostsLine);
            }
            var keyscan = SshServer.Exec("ssh-keyscan", "-p", server.Port.ToString(), "-t", "ed25519", "127.0.0.1");
            Assert.Contains(keys[0].KnownHostsLine, keyscan.Output);
        }

        [Fact]
        public async Task StrictRefusesAnUnknownHostAndSaysHowToTrustIt()
        {
            var options = server.Options(server.NewKnownHosts());

            var error = await Assert.ThrowsAsync<HostKeyRejectedException>(() => SshConnection.ConnectAsync(options, new Transcript(), Token));

            var fingerprint = SshServer.Exec("ssh-keygen", "-l", "-E", "sha256", "-f", Path.Combine(server.Folder, "host_ed25519_key.pub")).Output.Split(' ')[1];
            Assert.Contains(fingerprint, error.Message);
            Assert.Contains("Get-SshHostKey", error.Message);
            Assert.Contains("TrustOnFirstUse", error.Message);
        }

        [Fact]
        public async Task TrustOnFirstUseRecordsALineOpenSshAccepts()
        {
            var knownHosts = Path.Combine(server.Folder, $"tofu_{Guid.NewGuid():N}", "known_hosts");
            var options = server.Options(knownHosts);
            options.TrustPolicy = SshTrustPolicy.TrustOnFirstUse;

            using (var session = await SshConnection.ConnectAsync(options, new Transcript(), Token))
                Assert.Equal("ssh-ed25519", session.GetHostKey().KeyType);

            Assert.Equal(server.KnownHostsLine(), File.ReadAllText(knownHosts).Trim());
            var ssh = SshServer.Exec("ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", $"UserKnownHostsFile={knownHosts}",
                "-i", server.KeyFile, "-p", server.Port.ToString(), $"{server.UserName}@127.0.0.1", "echo trusted");
            Assert.Equal("trusted", ssh.Output.Trim());
            options.TrustPolicy = SshTrustPolicy.Strict;
            using (await SshConnection.ConnectAsync(options, new Transcript(), Token)) { }
        }

        [Theory]
        [InlineData(SshTrustPolicy.Strict)]
        [InlineData(SshTrustPolicy.TrustOnFirstUse)]
        public async Task AChangedKeyIsASecurityErrorNamingBothFingerprints(SshTrustPolicy policy)
        {
            var knownHosts = server.NewKnownHosts(server.KnownHostsLine("alt_host_key"));
            var options = server.Options(knownHosts);
            options.TrustPolicy = policy;
            var transcript = new Transcript();

            var error = await Assert.ThrowsAsync<HostKeyRejectedException>(() => SshConnection.ConnectAsync(options, transcript, Token));

            Assert.Contains("CHANGED", error.Message);
            Assert.Contains(Fingerprint("alt_host_key"), error.Message);
            Assert.Contains(Fingerprint("host_ed25519_key"), error.Message);
            Assert.DoesNotContain(transcript.Entries, e => e.Text.StartsWith("logged in", StringComparison.Ordinal));
            Assert.Single(File.ReadAllLines(knownHosts));
        }

        [Fact]
        public async Task TheTranscriptNamesWhatWasNegotiated()
        {
            var transcript = new Transcript();

            using (await SshConnection.ConnectAsync(server.Options(), transcript, Token)) { }

            Assert.Contains(transcript.Entries, e => e.Text.StartsWith("key exchange ", StringComparison.Ordinal) && e.Text.Contains(", cipher "));
        }

        [Fact]
        public async Task AesGcmComesFirstWithSshNetsBuildForDotNet()
        {
            // These tests run SSH.NET's net10.0 build, as PowerShell 7 runs its net8.0 build: AES-GCM through the runtime.
            var transcript = new Transcript();

            using (await SshConnection.ConnectAsync(server.Options(), transcript, Token)) { }

            Assert.Contains(transcript.Entries, e => e.Text.Contains(", cipher aes128-gcm@openssh.com, "));
        }

        [Fact]
        public async Task HashedKnownHostsEntriesAreUnderstood()
        {
            var knownHosts = server.NewKnownHosts("# a comment", "other.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIHQybFaw+2ABFpQ/TrhAzbf0r+ES9dJFE6l1BrQ56NH", server.KnownHostsLine());
            var hashed = SshServer.Exec("ssh-keygen", "-H", "-f", knownHosts);
            Assert.Equal(0, hashed.ExitCode);
            Assert.Contains("|1|", File.ReadAllText(knownHosts));

            using var session = await SshConnection.ConnectAsync(server.Options(knownHosts), new Transcript(), Token);

            Assert.True(session.IsConnected);
        }

        [Fact]
        public async Task PinnedAcceptsOnlyTheGivenFingerprint()
        {
            var options = server.Options(server.NewKnownHosts());
            options.TrustPolicy = SshTrustPolicy.Pinned;
            options.HostKeyFingerprint = Fingerprint("host_ed25519_key");
            using (await SshConnection.ConnectAsync(options, new Transcript(), Token)) { }

            options.HostKeyFingerprint = Fingerprint("alt_host_key");
            var error = await Assert.ThrowsAsync<HostKeyRejectedException>(() => SshConnection.ConnectAsync(options, new Transcript(), Token));
            Assert.Contains(Fingerprint("alt_host_key"), error.Message);
        }

        [Fact]
        public async Task WrongPasswordIsAnAuthenticationError()
        {
            var options = server.Options(credential: new NetworkCredential(server.UserName, "wrong"));
            var transcript = new Transcript();

            await Assert.ThrowsAsync<AuthenticationFailedException>(() => SshConnection.ConnectAsync(options, transcript, Token));

            Assert.DoesNotContain(transcript.Entries, e => e.Text.Contains("wrong"));
        }

        [Fact]
        public async Task KeyFilesLogInWithOrWithoutPassphrase()
        {
            var plain = server.Options(credential: new NetworkCredential(server.UserName, string.Empty));
            plain.KeyFile = server.KeyFile;
            using (var session = await SshConnection.ConnectAsync(plain, new Transcript(), Token))
                Assert.Equal(server.UserName, (await session.Connection().RunCommandAsync("id -un", Bound, null, new Transcript(), Token)).Output);

            var locked = server.Options(credential: new NetworkCredential(server.UserName, server.Passphrase));
            locked.KeyFile = server.PassphraseKeyFile;
            using (await SshConnection.ConnectAsync(locked, new Transcript(), Token)) { }

            var wrong = server.Options(credential: new NetworkCredential(server.UserName, "not the passphrase"));
            wrong.KeyFile = server.PassphraseKeyFile;
            await Assert.ThrowsAsync<AuthenticationFailedException>(() => SshConnection.ConnectAsync(wrong, new Transcript(), Token));
        }

        [Fact]
        public async Task ACommandGivesOutputErrorAndExitStatusAsData()
        {
            using var session = await SshConnection.ConnectAsync(server.Options(), new Transcript(), Token);

            var result = await session.Connection().RunCommandAsync("echo out; echo err >&2; printf 'é\\n'; exit 3", Bound, null, new Transcript(), Token);

            Assert.Equal("out\né", result.Output);
            Assert.Equal("err", result.Error);
            Assert.Equal(3, result.ExitStatus);
            Assert.False(result.Succeeded);
            Assert.Equal("127.0.0.1", result.ComputerName);
        }

        [Fact]
        public async Task CommandsOnManyTargetsRunOnSeparateChannelsAndStreamLines()
        {
            using var first = await SshConnection.ConnectAsync(server.Options(), new Transcript(), Token);
            using var second = await SshConnection.ConnectAsync(server.Options(), new Transcript(), Token);
            var results = new ConcurrentBag<SshCommandResult>();
            var lines = new ConcurrentBag<SshOutputLine>();
            var errors = new ConcurrentBag<Exception>();
            var targets = new[] { SshCommandTarget.Of(first), SshCommandTarget.Of(second), SshCommandTarget.Connect(server.Options()) };

            await SshCommandRunner.RunAsync(targets, new[] { "echo one; echo two", "exit 7" }, 2, Bound,
                results.Add, lines.Add, (_, e) => errors.Add(e), null, new Transcript(), Token);

            Assert.Empty(errors);
            Assert.Equal(6, results.Count);
            Assert.Equal(3, results.Count(r => r.ExitStatus == 7));
            Assert.Equal(3, lines.Count(l => l.Line == "two"));
        }

        [Fact]
        public async Task CommandsOfOneSessionRunAtTheSameTime()
        {
            using var session = await SshConnection.ConnectAsync(server.Options(), new Transcript(), Token);
            var flag = $"/tmp/nf-ssh-flag-{Guid.NewGuid():N}";
            var results = new ConcurrentBag<SshCommandResult>();

            // The first waits for a file only the second makes: in sequence it would give up.
            await SshCommandRunner.RunAsync(new[] { SshCommandTarget.Of(session) },
                new[] { $"for i in $(seq 200); do [ -e {flag} ] && break; sleep 0.1; done; [ -e {flag} ] && echo seen", $"touch {flag}" },
                1, Bound, results.Add, null, (_, e) => throw e, null, new Transcript(), Token);

            File.Delete(flag);
            Assert.Equal("seen", results.Single(r => r.Command.StartsWith("for", StringComparison.Ordinal)).Output);
        }

        [Fact]
        public async Task AHangingCommandTimesOut()
        {
            using var session = await SshConnection.ConnectAsync(server.Options(), new Transcript(), Token);

            await Assert.ThrowsAsync<NetworkTimeoutException>(() => session.Connection().RunCommandAsync("sleep 60", TimeSpan.FromSeconds(1), null, new Transcript(), Token));

            Assert.Equal("still usable", (await session.Connection().RunCommandAsync("echo still usable", Bound, null, new Transcript(), Token)).Output);
        }

        [Fact]
        public async Task CancellationEndsARunningCommand()
        {
            using var session = await SshConnection.ConnectAsync(server.Options(), new Transcript(), Token);
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.Connection().RunCommandAsync("sleep 60", Bound, null, new Transcript(), cancel.Token));
        }

        [Fact]
        public async Task ARefusedPortIsConnectionRefused()
        {
            var options = new SshConnectionOptions("127.0.0.1", ClosedPort(), server.Credential) { KnownHostsPath = server.NewKnownHosts() };

            await Assert.ThrowsAsync<ConnectionRefusedException>(() => SshConnection.ConnectAsync(options, new Transcript(), Token));
            await Assert.ThrowsAsync<ConnectionRefusedException>(() => SshHostKeyScanner.GetAsync("127.0.0.1", null, options.Port, null, Bound, new Transcript(), Token));
        }

        [Fact]
        public async Task AnUnresolvableNameIsANameResolutionError()
        {
            var options = new SshConnectionOptions(new string('x', 64) + ".invalid", 22, server.Credential) { KnownHostsPath = server.NewKnownHosts() };

            await Assert.ThrowsAsync<NameResolutionException>(() => SshConnection.ConnectAsync(options, new Transcript(), Token));
        }

        private string Fingerprint(string keyFile) =>
            SshServer.Exec("ssh-keygen", "-l", "-E", "sha256", "-f", Path.Combine(server.Folder, keyFile + ".pub")).Output.Split(' ')[1];

        private static int ClosedPort()
        {
            var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }
    }
}
