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

        /// <summary>Seconds between keep-alive messages; 0 for none.</summary>
        [Parameter(ParameterSetName = ComputerNameSet)]
        [ValidateRange(0.0, 86400.0)]
        public double KeepAliveInterval { get; set; }

        /// <param name="addresses">Where to connect (from a piped record), or null to resolve the name.</param>
        /// <param name="connectTimeout">Bounds the TCP connect, key exchange and login together, and later each reply the session waits for.</param>
        protected SshConnectionOptions ConnectionOptions(string computerName, IReadOnlyList<IPAddress>? addresses, TimeSpan connectTimeout)
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
                ConnectTimeout = connectTimeout,
                KeepAliveInterval = TimeSpan.FromSeconds(KeepAliveInterval),
            };
            if (KnownHostsPath != null)
                options.KnownHostsPath = GetUnresolvedProviderPathFromPSPath(KnownHostsPath);
            return options;
        }

        /// <summary>
        /// The connect bound of a cmdlet that connects and then runs something bounded by -TimeoutSeconds: that, but at
        /// most the 30 s Connect-SshSession waits by default (a longer connect wait needs Connect-SshSession -TimeoutSeconds).
        /// </summary>
        protected static TimeSpan ConnectBound(double timeoutSeconds) =>
            TimeSpan.FromSeconds(Math.Min(timeoutSeconds, SshConnectionOptions.DefaultConnectTimeout.TotalSeconds));

        protected void WarnIfInsecure()
        {
            if (TrustPolicy == SshTrustPolicy.Insecure)
                WriteWarning("TrustPolicy Insecure: the server's host key is not checked, so anyone in the path can pose as the server.");
        }
    }
}
