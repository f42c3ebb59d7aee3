using System;
using System.Net;
using NetFoundations.Core.Ssh;

namespace NetFoundations.Core.Tests.Ssh
{
    public sealed partial class SshServer
    {
        /// <summary>Options for this server; known_hosts defaults to a fresh file that trusts its ed25519 key.</summary>
        public SshConnectionOptions Options(string? knownHosts = null, NetworkCredential? credential = null) =>
            new SshConnectionOptions("127.0.0.1", Port, credential ?? Credential)
            {
                KnownHostsPath = knownHosts ?? NewKnownHosts(KnownHostsLine()),
                ConnectTimeout = TimeSpan.FromSeconds(20),
            };
    }
}
