using System.IO;
using NetFoundations.Core.Ssh;

namespace NetFoundations.Core.Tests.Ssh
{
    public sealed class KnownHostsFileTests
    {
        private const string Key = "AAAAC3NzaC1lZDI1NTE5AAAAIIHQybFaw+2ABFpQ/TrhAzbf0r+ES9dJFE6l1BrQ56NH";

        private static KnownHostsFile Write(params string[] lines)
        {
            var path = Path.GetTempFileName();
            File.WriteAllLines(path, lines);
            try { return KnownHostsFile.Read(path); }
            finally { File.Delete(path); }
        }

        [Fact]
        public void PortsOtherThan22AreBracketed()
        {
            Assert.Equal("host.example", SshHostKey.HostPattern("Host.Example", 22));
            Assert.Equal("[127.0.0.1]:2222", SshHostKey.HostPattern("127.0.0.1", 2222));
            Assert.Equal("[::1]:2222", SshHostKey.HostPattern("[::1]", 2222));
        }

        [Fact]
        public void PatternsWildcardsAndNegationsMatchAsInOpenSsh()
        {
            var file = Write(
                "# comment",
                "",
                $"a.example,b.example ssh-ed25519 {Key}",
                $"*.lab.example,!secret.lab.example ssh-ed25519 {Key} comment",
                $"@cert-authority *.example ssh-ed25519 {Key}",
                $"[127.0.0.1]:2222 ssh-rsa {Key}");

            Assert.Single(file.Find("b.example", 22));
            Assert.Single(file.Find("x.lab.example", 22));
            Assert.Empty(file.Find("secret.lab.example", 22));
            Assert.Empty(file.Find("c.example", 22));
            Assert.Single(file.Find("127.0.0.1", 2222));
            Assert.Empty(file.Find("127.0.0.1", 22));
            Assert.Equal(6, file.Find("127.0.0.1", 2222)[0].LineNumber);
        }

        [Fact]
        public void HashedNamesAndRevokedKeysAreRead()
        {
            // |1|salt|HMAC-SHA1(salt, "[127.0.0.1]:2222"), as ssh-keygen -H writes it.
            using var hmac = new System.Security.Cryptography.HMACSHA1(new byte[20]);
            var hash = System.Convert.ToBase64String(hmac.ComputeHash(System.Text.Encoding.ASCII.GetBytes("[127.0.0.1]:2222")));
            var file = Write($"|1|{System.Convert.ToBase64String(new byte[20])}|{hash} ssh-ed25519 {Key}", $"@revoked other.example ssh-ed25519 {Key}");

            Assert.Single(file.Find("127.0.0.1", 2222));
            Assert.Empty(file.Find("127.0.0.1", 2223));
            Assert.True(Assert.Single(file.Find("other.example", 22)).Revoked);
        }

        [Fact]
        public void AMissingFileHasNoEntries()
        {
            Assert.Empty(KnownHostsFile.Read(Path.Combine(Path.GetTempPath(), "no-such-dir-nf", "known_hosts")).Entries);
        }
    }
}
