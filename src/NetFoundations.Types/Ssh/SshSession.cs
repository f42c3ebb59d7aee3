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
            HostKey = hostKey;
            ServerVersion = serverVersion;
            ConnectedAt = DateTimeOffset.Now;
            Handle = handle;
        }

        public string ComputerName { get; }
        public int Port { get; }
        public string UserName { get; }
        public SshHostKey HostKey { get; }
        public string ServerVersion { get; }
        public DateTimeOffset ConnectedAt { get; }
        public bool IsConnected => Handle.IsConnected;
        /// <summary>The tunnels started on this session and not removed, oldest first.</summary>
        public IReadOnlyList<SshTunnel> Tunnels => Handle.Tunnels;
        internal ISshSessionHandle Handle { get; }

        public override string ToString() => $"{UserName}@{Endpoints.Format(ComputerName, Port)}";

        /// <summary>Stops the session's tunnels, then closes its SFTP connection and the session.</summary>
        public void Disconnect() => Handle.Disconnect();

        public void Dispose() => Disconnect();
    }
}
