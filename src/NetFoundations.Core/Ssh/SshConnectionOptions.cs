using System;
using System.Collections.Generic;
using System.Net;

namespace NetFoundations.Core.Ssh
{
    /// <summary>Where and how to connect and log in. Secrets stay in the NetworkCredentials.</summary>
    public sealed class SshConnectionOptions
    {
        public SshConnectionOptions(string computerName, int port, NetworkCredential credential)
        {
            if (string.IsNullOrWhiteSpace(computerName))
                throw new ArgumentException("A host name or address is needed.", nameof(computerName));
            Endpoints.ValidatePort(port, nameof(port));
            if (credential == null || string.IsNullOrEmpty(credential.UserName))
                throw new ArgumentException("A user name is needed.", nameof(credential));
            ComputerName = computerName.Trim();
            Port = port;
            Credential = credential;
        }

        public string ComputerName { get; }
        public int Port { get; }
        /// <summary>Connect to these, in order, instead of resolving ComputerName, which stays the name shown and the name its host key is known by (Endpoints.AddressesAsync).</summary>
        public IReadOnlyList<IPAddress>? Addresses { get; set; }
        /// <summary>User name and password; with a KeyFile the password is the key's passphrase.</summary>
        public NetworkCredential Credential { get; }
        /// <summary>A private key file (OpenSSH, PEM or PuTTY format); the credential's password unlocks it.</summary>
        public string? KeyFile { get; set; }
        public SshTrustPolicy TrustPolicy { get; set; } = SshTrustPolicy.Strict;
        public string KnownHostsPath { get; set; } = KnownHostsFile.DefaultPath;
        /// <summary>SHA256:… for TrustPolicy Pinned.</summary>
        public string? HostKeyFingerprint { get; set; }
        public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(30);
        /// <summary>Bounds the TCP connect, the key exchange and the login.</summary>
        public TimeSpan ConnectTimeout { get; set; } = DefaultConnectTimeout;
        /// <summary>Sends a keep-alive this often; zero or negative for none.</summary>
        public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.Zero;

        public string Target => Endpoints.Format(ComputerName, Port);
    }
}
