using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core;
using NetFoundations.Core.Ftp;

namespace NetFoundations.PowerShell.Ftp
{
    /// <summary>
    /// The cmdlets that reach FTP servers by name (Connect-FtpSession, Test-FtpServer): the credential, the security
    /// choice, the opt-outs warned of and the CA bundle read before any connection, and the options built per host.
    /// </summary>
    public abstract class FtpServerCmdlet : ServerLoginCmdlet
    {
        /// <summary>User name and password; without it the login is anonymous.</summary>
        [Parameter(Position = 1)]
        [Credential]
        public PSCredential? Credential { get; set; }

        [Parameter]
        public FtpSecurity Security { get; set; } = FtpSecurity.None;

        /// <summary>Whether this run sends the credential at all (Test-FtpServer stopping before the login does not).</summary>
        protected virtual bool SendsCredential => true;

        protected override void BeginProcessing()
        {
            WarnOptOuts(Credential != null && AllowUnencryptedAuthentication && Security == FtpSecurity.None && SendsCredential
                ? "-AllowUnencryptedAuthentication" : null);
            AuthorityPath();
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
                    CertificateAuthorityPath = AuthorityPath(),
                    SkipCertificateCheck = SkipCertificateCheck,
                    AllowUnencryptedAuthentication = AllowUnencryptedAuthentication,
                    Timeout = Timeout,
                };
                var transcript = NewTranscript(RevealSecrets);
                Run(cancel => call(options, transcript, cancel), Timeout, Endpoints.Format(host, port));
            }
        }
    }
}
