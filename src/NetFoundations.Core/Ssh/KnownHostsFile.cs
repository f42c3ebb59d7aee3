using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace NetFoundations.Core.Ssh
{
    /// <summary>One key line of an OpenSSH known_hosts file.</summary>
    public sealed class KnownHostsEntry
    {
        internal KnownHostsEntry(string hosts, string keyType, string publicKey, bool revoked, int lineNumber)
        {
            Hosts = hosts;
            KeyType = keyType;
            PublicKey = publicKey;
            Revoked = revoked;
            LineNumber = lineNumber;
        }

        /// <summary>The host patterns, or a hashed name (|1|salt|hash).</summary>
        public string Hosts { get; }
        public string KeyType { get; }
        public string PublicKey { get; }
        public bool Revoked { get; }
        public int LineNumber { get; }
        public string FingerprintSHA256 => SshHostKey.Sha256Fingerprint(PublicKey);

        /// <summary>True when this line names host (as written by OpenSSH: host, or [host]:port off port 22).</summary>
        internal bool Matches(string hostPattern)
        {
            if (Hosts.StartsWith("|1|", StringComparison.Ordinal))
                return MatchesHashed(hostPattern);
            var matched = false;
            foreach (var pattern in Hosts.Split(','))
            {
                var negated = pattern.StartsWith("!", StringComparison.Ordinal);
                if (Wildcard.IsMatch(hostPattern, negated ? pattern.Substring(1) : pattern, ignoreCase: true))
                {
                    if (negated)
                        return false;
                    matched = true;
                }
            }
            return matched;
        }

        private bool MatchesHashed(string hostPattern)
        {
            var parts = Hosts.Split('|');
            if (parts.Length != 4)
                return false;
            try
            {
                using var hmac = new HMACSHA1(Convert.FromBase64String(parts[2]));
                var hash = hmac.ComputeHash(Encoding.ASCII.GetBytes(hostPattern));
                return Convert.ToBase64String(hash) == parts[3];
            }
            catch (FormatException)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// An OpenSSH known_hosts file: read (plain, wildcard and hashed host names, @revoked;
    /// @cert-authority lines are ignored) and appended to.
    /// </summary>
    public sealed class KnownHostsFile
    {
        private const int MaxLines = 100_000;
        private static readonly object AppendGate = new object();

        private KnownHostsFile(string path, IReadOnlyList<KnownHostsEntry> entries)
        {
            Path = path;
            Entries = entries;
        }

        public string Path { get; }
        public IReadOnlyList<KnownHostsEntry> Entries { get; }

        /// <summary>~/.ssh/known_hosts.</summary>
        public static string DefaultPath =>
            System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh", "known_hosts");

        /// <summary>Reads the file; a file that does not exist has no entries.</summary>
        public static KnownHostsFile Read(string path)
        {
            var entries = new List<KnownHostsEntry>();
            if (File.Exists(path))
            {
                var number = 0;
                foreach (var raw in File.ReadLines(path).Take(MaxLines))
                {
                    number++;
                    var entry = Parse(raw, number);
                    if (entry != null)
                        entries.Add(entry);
                }
            }
            return new KnownHostsFile(path, entries);
        }

        public IReadOnlyList<KnownHostsEntry> Find(string host, int port)
        {
            var pattern = SshHostKey.HostPattern(host, port);
            return Entries.Where(e => e.Matches(pattern)).ToList();
        }

        /// <summary>Appends a host's key as one line, creating the file (and its folder) if needed.</summary>
        public static void Append(string path, SshHostKey key)
        {
            lock (AppendGate)
            {
                var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
                if (!string.IsNullOrEmpty(folder))
                    Directory.CreateDirectory(folder);
                var needsNewLine = File.Exists(path) && new FileInfo(path).Length > 0 && !EndsWithNewLine(path);
                File.AppendAllText(path, (needsNewLine ? "\n" : string.Empty) + key.KnownHostsLine + "\n");
            }
        }

        private static bool EndsWithNewLine(string path)
        {
            using var stream = File.OpenRead(path);
            stream.Seek(-1, SeekOrigin.End);
            return stream.ReadByte() == '\n';
        }

        private static KnownHostsEntry? Parse(string line, int number)
        {
            var fields = line.Trim().Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || fields[0].StartsWith("#", StringComparison.Ordinal))
                return null;
            var revoked = false;
            if (fields[0].StartsWith("@", StringComparison.Ordinal))
            {
                if (fields[0] != "@revoked")
                    return null;
                revoked = true;
                fields = fields.Skip(1).ToArray();
            }
            if (fields.Length < 3)
                return null;
            return new KnownHostsEntry(fields[0], fields[1], fields[2], revoked, number);
        }
    }
}
