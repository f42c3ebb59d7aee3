using System;
using System.Collections.Generic;
using System.Linq;

namespace NetFoundations.Core.Ssh
{
    /// <summary>Decides whether a server's host key is trusted, by the caller's policy. Never asks anyone.</summary>
    internal sealed class HostKeyTrust
    {
        private readonly SshConnectionOptions options;
        private readonly Transcript transcript;
        private readonly SshHostKey? required;

        /// <param name="required">When set (a second connection of one session), only this exact key is accepted.</param>
        public HostKeyTrust(SshConnectionOptions options, Transcript transcript, SshHostKey? required = null)
        {
            this.options = options;
            this.transcript = transcript;
            this.required = required;
            if (options.TrustPolicy == SshTrustPolicy.Pinned && string.IsNullOrWhiteSpace(options.HostKeyFingerprint))
                throw new ArgumentException("TrustPolicy Pinned needs a host key fingerprint (SHA256:…).", nameof(options));
            if (required == null && (options.TrustPolicy == SshTrustPolicy.Strict || options.TrustPolicy == SshTrustPolicy.TrustOnFirstUse))
                Known = KnownHostsFile.Read(options.KnownHostsPath).Find(options.ComputerName, options.Port);
        }

        /// <summary>The known_hosts lines for this host (Strict and TrustOnFirstUse only).</summary>
        public IReadOnlyList<KnownHostsEntry> Known { get; } = Array.Empty<KnownHostsEntry>();

        /// <summary>The key types to ask the server for: those known_hosts has for the host, as OpenSSH does.</summary>
        public IReadOnlyCollection<string> PreferredKeyTypes =>
            required != null ? new[] { required.KeyType } : Known.Where(k => !k.Revoked).Select(k => k.KeyType).Distinct().ToArray();

        public SshHostKey? AcceptedKey { get; private set; }

        /// <summary>Why the key was refused, when it was.</summary>
        public HostKeyRejectedException? Rejection { get; private set; }

        public bool Check(byte[] keyBlob)
        {
            var key = new SshHostKey(options.ComputerName, options.Port, keyBlob);
            transcript.Note($"host key {key.KeyType} {key.FingerprintSHA256}");
            Rejection = Decide(key);
            if (Rejection != null)
            {
                transcript.ClientError(Rejection.Message);
                return false;
            }
            AcceptedKey = key;
            return true;
        }

        private HostKeyRejectedException? Decide(SshHostKey key)
        {
            var target = options.Target;
            if (required != null)
                return key.SameKey(required.KeyType, required.PublicKey) ? null : Changed(key, required.FingerprintSHA256, "the key this session was opened with");

            switch (options.TrustPolicy)
            {
                case SshTrustPolicy.Insecure:
                    transcript.Note("host key accepted without a check (TrustPolicy Insecure)");
                    return null;
                case SshTrustPolicy.Pinned:
                    var pinned = NormalizeFingerprint(options.HostKeyFingerprint!);
                    return string.Equals(pinned, key.FingerprintSHA256, StringComparison.Ordinal)
                        ? null
                        : Changed(key, pinned, "the pinned fingerprint");
            }

            if (Known.Any(k => k.Revoked && key.SameKey(k.KeyType, k.PublicKey)))
                return new HostKeyRejectedException(
                    $"The host key of {target} ({key.KeyType} {key.FingerprintSHA256}) is marked @revoked in {options.KnownHostsPath}.", target);
            var match = Known.FirstOrDefault(k => !k.Revoked && key.SameKey(k.KeyType, k.PublicKey));
            if (match != null)
            {
                transcript.Note($"host key matches {options.KnownHostsPath} line {match.LineNumber}");
                return null;
            }
            var other = Known.FirstOrDefault(k => !k.Revoked && k.KeyType == key.KeyType) ?? Known.FirstOrDefault(k => !k.Revoked);
            if (other != null)
                return Changed(key, other.FingerprintSHA256, $"the key in {options.KnownHostsPath} line {other.LineNumber}");

            if (options.TrustPolicy == SshTrustPolicy.TrustOnFirstUse)
            {
                KnownHostsFile.Append(options.KnownHostsPath, key);
                transcript.Note($"new host: key recorded in {options.KnownHostsPath}");
                return null;
            }
            return new HostKeyRejectedException(
                $"The host {target} is not in {options.KnownHostsPath} (its key: {key.KeyType} {key.FingerprintSHA256}). " +
                $"Check the fingerprint with the server's owner, then trust it: add the KnownHostsLine of " +
                $"'Get-SshHostKey -ComputerName {options.ComputerName} -Port {options.Port}' to that file, " +
                $"or connect with -TrustPolicy Pinned -HostKeyFingerprint {key.FingerprintSHA256}, or with -TrustPolicy TrustOnFirstUse.",
                target);
        }

        private HostKeyRejectedException Changed(SshHostKey key, string expectedFingerprint, string expectedFrom) =>
            new HostKeyRejectedException(
                $"HOST KEY CHANGED for {options.Target}: the server offered {key.KeyType} {key.FingerprintSHA256}, " +
                $"but {expectedFrom} is {expectedFingerprint}. Someone may be intercepting the connection; nothing was sent.",
                options.Target);

        internal static string NormalizeFingerprint(string fingerprint)
        {
            var value = fingerprint.Trim().TrimEnd('=');
            return value.StartsWith("SHA256:", StringComparison.OrdinalIgnoreCase) ? "SHA256:" + value.Substring(7) : "SHA256:" + value;
        }
    }
}
