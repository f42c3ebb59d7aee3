using System;
using System.Collections.Generic;

namespace NetFoundations.Core.Ssh
{
    /// <summary>What a session asks of its connection, which Core holds (SshConnection, with SSH.NET's client).</summary>
    internal interface ISshSessionHandle
    {
        bool IsConnected { get; }
        IReadOnlyList<SshTunnel> Tunnels { get; }
        void Disconnect();
    }

    /// <summary>
    /// A logged-in SSH connection as users see it. Its work (commands, SFTP, tunnels, shells) is done by the
    /// connection behind it in Core, reached by session.Connection().
    /// </summary>
    public sealed class SshSession : IDisposable
    {
        internal SshSession(string computerName, int port, string userName, SshHostKey hostKey, string serverVersion, ISshSessionHandle handle)
        {
            ComputerName = computerName;
            Port = port;
            UserName = userName;
            this.hostKey = hostKey;
            ServerVersion = serverVersion;
            ConnectedAt = DateTimeOffset.Now;
            Handle = handle;
        }

        public string ComputerName { get; }
        public int Port { get; }
        public string UserName { get; }
        /// <summary>The server's host-key type (ssh-ed25519 …); the key itself is GetHostKey().</summary>
        public string HostKeyType => hostKey.KeyType;
        /// <summary>The host key's SHA256 fingerprint, as ssh-keygen -l shows it.</summary>
        public string HostKeyFingerprint => hostKey.FingerprintSHA256;
        public string ServerVersion { get; }
        public DateTimeOffset ConnectedAt { get; }
        public bool IsConnected => Handle.IsConnected;
        internal ISshSessionHandle Handle { get; }

        // The host key and the tunnels are methods, not properties: items and tunnels carry their session, and a
        // session's record must stay flat for them to convert to JSON at the default depth (the tunnels point back).
        private readonly SshHostKey hostKey;

        /// <summary>The host key the server proved it holds when the session was set up.</summary>
        public SshHostKey GetHostKey() => hostKey;

        /// <summary>The tunnels started on this session and not removed, oldest first.</summary>
        public IReadOnlyList<SshTunnel> GetTunnels() => Handle.Tunnels;

        public override string ToString() => $"{UserName}@{Endpoints.Format(ComputerName, Port)}";

        /// <summary>Stops the session's tunnels, then closes its SFTP connection and the session.</summary>
        public void Disconnect() => Handle.Disconnect();

        public void Dispose() => Disconnect();
    }
}
