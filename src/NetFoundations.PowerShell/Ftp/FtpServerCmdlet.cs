using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core;
using NetFoundations.Core.Ftp;
using NetFoundations.Core.Tls;

namespace NetFoundations.PowerShell.Ftp
{
    /// <summary>
    /// The cmdlets that reach FTP servers by name (Connect-FtpSession, Test-FtpServer): their connection parameters,
    /// the warnings for the opt-outs and the CA bundle read once before any connection, and the options built per host.
    /// </summary>
    public abstract class FtpServerCmdlet : ConnectingCmdlet
    {
        /// <summary>The server's port; 0 (unset) takes 990 for implicit FTPS, else 21.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        /// <summary>User name and password; without it the login is anonymous.</summary>
        [Parameter(Position = 1)]
        [Credential]
        public PSCredential? Credential { get; set; }

        [Parameter]
        public FtpSecurity Security { get; set; } = FtpSecurity.None;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CertificateAuthorityPath { get; set; }

        [Parameter]
        public SwitchParameter SkipCertificateCheck { get; set; }

        [Parameter]
        public SwitchParameter AllowUnencryptedAuthentication { get; set; }

        /// <summary>Show the password in the transcript.</summary>
        [Parameter]
        public SwitchParameter RevealSecrets { get; set; }

        [Parameter]
        [ValidateRange(0.1, 3600.0)]
        public double TimeoutSeconds { get; set; } = FtpConnectionOptions.DefaultTimeout.TotalSeconds;

        private string? authorityPath;

        /// <summary>Whether this run sends the credential at all (Test-FtpServer stopping before the login does not).</summary>
        protected virtual bool SendsCredential => true;

        protected override void BeginProcessing()
        {
            if (SkipCertificateCheck)
                WriteWarning("-SkipCertificateCheck: the server's certificate is not verified; anyone in the path can read and change this conversation, credential included.");
            if (Credential != null && AllowUnencryptedAuthentication && Security == FtpSecurity.None && SendsCredential)
                WriteWarning("-AllowUnencryptedAuthentication: without TLS the credential crosses the network in clear; anyone in the path can read it.");
            if (CertificateAuthorityPath != null)
            {
                var path = GetUnresolvedProviderPathFromPSPath(CertificateAuthorityPath);
                // Read once here so that a missing or unreadable bundle ends the command with its path, before any connection.
                LoadFile(() => TlsPem.ReadCertificates(path), path);
                authorityPath = path;
            }
        }

        /// <summary>Runs the call once per host with its options (addresses resolved together), each bounded by -TimeoutSeconds.</summary>
        protected void ForEachServer(string[] hosts, Func<FtpConnectionOptions, Transcript, CancellationToken, Task> call)
        {
            var addresses = AddressesFor(hosts, out var valid);
            if (!valid)
                return;
            var port = Port == 0 ? FtpConnectionOptions.DefaultPort(Security) : Port;
            foreach (var host in hosts)
            {
                var options = new FtpConnectionOptions(host, port)
                {
                    Addresses = addresses,
                    Credential = Credential?.GetNetworkCredential(),
                    Security = Security,
                    CertificateAuthorityPath = authorityPath,
                    SkipCertificateCheck = SkipCertificateCheck,
                    AllowUnencryptedAuthentication = AllowUnencryptedAuthentication,
                    Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
                };
                var transcript = NewTranscript(RevealSecrets);
                Run(cancel => call(options, transcript, cancel), TimeSpan.FromSeconds(TimeoutSeconds), Endpoints.Format(host, port));
            }
        }
    }
}
