using System;
using System.Collections.Generic;
using System.Net;
using System.Management.Automation;
using NetFoundations.Core;
using NetFoundations.Core.Ssh;

namespace NetFoundations.PowerShell.Ssh
{
    /// <summary>The parameters that open an SSH connection, shared by the cmdlets that connect.</summary>
    public abstract class SshConnectCmdlet : ConnectingCmdlet
    {
        protected const string ComputerNameSet = "ComputerName";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ComputerNameSet, ValueFromPipelineByPropertyName = true)]
        [Alias("HostName", "CN")]
        [ValidateNotNullOrEmpty]
        public string[] ComputerName { get; set; } = Array.Empty<string>();

        [Parameter(ParameterSetName = ComputerNameSet, ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; } = 22;

        /// <summary>User name and password; with -KeyFile, the password is the key's passphrase (empty for none).</summary>
        [Parameter(Mandatory = true, ParameterSetName = ComputerNameSet)]
        [Credential]
        [ValidateNotNull]
        public PSCredential Credential { get; set; } = PSCredential.Empty;

        [Parameter(ParameterSetName = ComputerNameSet)]
        [ValidateNotNullOrEmpty]
        public string? KeyFile { get; set; }

        [Parameter(ParameterSetName = ComputerNameSet)]
        public SshTrustPolicy TrustPolicy { get; set; } = SshTrustPolicy.Strict;

        [Parameter(ParameterSetName = ComputerNameSet)]
        [ValidateNotNullOrEmpty]
        public string? KnownHostsPath { get; set; }

        /// <summary>SHA256:… — implies -TrustPolicy Pinned.</summary>
        [Parameter(ParameterSetName = ComputerNameSet)]
        [ValidatePattern("^(SHA256:)?[A-Za-z0-9+/]{43}=?$")]
        public string? HostKeyFingerprint { get; set; }

        /// <summary>Seconds for the TCP connect, key exchange and login together.</summary>
        [Parameter(ParameterSetName = ComputerNameSet)]
        [ValidateRange(0.1, 3600.0)]
        public double ConnectTimeout { get; set; } = 30;

        /// <summary>Seconds between keep-alive messages; 0 for none.</summary>
        [Parameter(ParameterSetName = ComputerNameSet)]
        [ValidateRange(0.0, 86400.0)]
        public double KeepAliveInterval { get; set; }

        protected SshConnectionOptions ConnectionOptions(string computerName, IReadOnlyList<IPAddress>? addresses)
        {
            var policy = HostKeyFingerprint != null && !MyInvocation.BoundParameters.ContainsKey(nameof(TrustPolicy))
                ? SshTrustPolicy.Pinned
                : TrustPolicy;
            var options = new SshConnectionOptions(computerName, Port, Credential.GetNetworkCredential())
            {
                Addresses = addresses,
                KeyFile = KeyFile == null ? null : GetUnresolvedProviderPathFromPSPath(KeyFile),
                TrustPolicy = policy,
                HostKeyFingerprint = HostKeyFingerprint,
                ConnectTimeout = TimeSpan.FromSeconds(ConnectTimeout),
                KeepAliveInterval = TimeSpan.FromSeconds(KeepAliveInterval),
            };
            if (KnownHostsPath != null)
                options.KnownHostsPath = GetUnresolvedProviderPathFromPSPath(KnownHostsPath);
            return options;
        }

        protected void WarnIfInsecure()
        {
            if (TrustPolicy == SshTrustPolicy.Insecure)
                WriteWarning("TrustPolicy Insecure: the server's host key is not checked, so anyone in the path can pose as the server.");
        }
    }
}
