using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core;
using NetFoundations.Core.Ftp;

namespace NetFoundations.PowerShell.Ftp
{
    /// <summary>
    /// The cmdlets that reach FTP servers by name (Connect-FtpSession, Test-FtpServer, and the item cmdlets' one-shot
    /// connection): the credential, the security choice, the opt-outs warned of and the CA bundle read before any
    /// connection, and the options built per host. The connection parameters are declared here and in ServerLoginCmdlet only.
    /// </summary>
    public abstract class FtpServerCmdlet : ServerLoginCmdlet
    {
        /// <summary>User name and password; without it the login is anonymous.</summary>
        /// <remarks>Virtual so that the item cmdlets can take it by name only: their position 1 is a path.</remarks>
        [Parameter(Position = 1)]
        [Credential]
        public virtual PSCredential? Credential { get; set; }

        [Parameter]
        public FtpSecurity Security { get; set; } = FtpSecurity.None;

        /// <summary>Active data connections: the server connects back to this machine (EPRT, else PORT).</summary>
        [Parameter]
        public SwitchParameter ActiveMode { get; set; }

        /// <summary>Whether this run sends the credential at all (Test-FtpServer stopping before the login does not).</summary>
        protected virtual bool SendsCredential => true;

        protected override void BeginProcessing() => PrepareConnections();

        /// <summary>Before any connection: the opt-outs warned of (once) and the CA bundle read (a bad one ends the command).</summary>
        protected void PrepareConnections()
        {
            WarnOptOuts(Credential != null && AllowUnencryptedAuthentication && Security == FtpSecurity.None && SendsCredential
                ? "-AllowUnencryptedAuthentication" : null);
            AuthorityPath();
        }

        /// <summary>How to connect to host and log in, from this command's parameters (Connect-FtpSession's and every one-shot connection's).</summary>
        protected FtpConnectionOptions ConnectionOptions(string host, IReadOnlyList<IPAddress>? addresses) =>
            new FtpConnectionOptions(host, Port == 0 ? FtpConnectionOptions.DefaultPort(Security) : Port)
            {
                Addresses = addresses,
                Credential = Credential?.GetNetworkCredential(),
                Security = Security,
                Active = ActiveMode,
                CertificateAuthorityPath = AuthorityPath(),
                SkipCertificateCheck = SkipCertificateCheck,
                AllowUnencryptedAuthentication = AllowUnencryptedAuthentication,
                Timeout = Timeout,
            };

        /// <summary>Runs the call once per host with its options (addresses resolved together), each bounded by -TimeoutSeconds.</summary>
        protected void ForEachServer(string[] hosts, Func<FtpConnectionOptions, Transcript, CancellationToken, Task> call)
        {
            var addresses = AddressesFor(hosts, out var valid);
            if (!valid)
                return;
            foreach (var host in hosts)
            {
                var options = ConnectionOptions(host, addresses);
                var transcript = NewTranscript(RevealSecrets);
                Run(cancel => call(options, transcript, cancel), Timeout, options.Target);
            }
        }
    }
}
