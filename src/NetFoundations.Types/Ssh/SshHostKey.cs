using System;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace NetFoundations.Core.Ssh
{
    /// <summary>A server's public host key with the fingerprints OpenSSH shows for it.</summary>
    public sealed class SshHostKey
    {
        public SshHostKey(string computerName, int port, byte[] keyBlob)
        {
            ComputerName = computerName;
            Port = port;
            KeyType = ReadKeyType(keyBlob);
            PublicKey = Convert.ToBase64String(keyBlob);
            using (var sha = SHA256.Create())
                FingerprintSHA256 = "SHA256:" + Convert.ToBase64String(sha.ComputeHash(keyBlob)).TrimEnd('=');
            using (var md5 = MD5.Create())
                FingerprintMD5 = "MD5:" + string.Join(":", md5.ComputeHash(keyBlob).Select(b => b.ToString("x2")));
        }

        public string ComputerName { get; }
        public int Port { get; }
        /// <summary>The key's type as known_hosts writes it: ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa …</summary>
        public string KeyType { get; }
        /// <summary>SHA256:… as ssh-keygen -l and ssh show it.</summary>
        public string FingerprintSHA256 { get; }
        public string FingerprintMD5 { get; }
        /// <summary>The key blob in base64, as in known_hosts and authorized_keys.</summary>
        public string PublicKey { get; }
        /// <summary>The line to add to known_hosts for this host and port.</summary>
        public string KnownHostsLine => $"{HostPattern(ComputerName, Port)} {KeyType} {PublicKey}";

        /// <summary>How OpenSSH names a host in known_hosts: the name, or [name]:port when the port is not 22.</summary>
        internal static string HostPattern(string host, int port)
        {
            host = host.Trim().TrimStart('[').TrimEnd(']');
            return port == 22 ? host.ToLowerInvariant() : $"[{host.ToLowerInvariant()}]:{port}";
        }

        internal bool SameKey(string keyType, string publicKey) =>
            string.Equals(KeyType, keyType, StringComparison.Ordinal) && string.Equals(PublicKey, publicKey, StringComparison.Ordinal);

        /// <summary>A fingerprint in OpenSSH's form for any base64 key blob.</summary>
        internal static string Sha256Fingerprint(string publicKey)
        {
            using var sha = SHA256.Create();
            return "SHA256:" + Convert.ToBase64String(sha.ComputeHash(Convert.FromBase64String(publicKey))).TrimEnd('=');
        }

        /// <summary>An SSH public key blob starts with its type as an SSH string (uint32 length, bytes).</summary>
        private static string ReadKeyType(byte[] blob)
        {
            if (blob.Length < 4)
                throw new ProtocolViolationException("The server's host key is too short to hold a key type.", null);
            var length = (blob[0] << 24) | (blob[1] << 16) | (blob[2] << 8) | blob[3];
            if (length <= 0 || length > 64 || 4 + length > blob.Length)
                throw new ProtocolViolationException("The server's host key has a malformed key type.", null);
            return Encoding.ASCII.GetString(blob, 4, length);
        }

        public override string ToString() => $"{Endpoints.Format(ComputerName, Port)} {KeyType} {FingerprintSHA256}";
    }
}
