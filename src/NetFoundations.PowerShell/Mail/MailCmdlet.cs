using System;
using System.Management.Automation;
using NetFoundations.Core.Mail;
using NetFoundations.Core.Tls;

namespace NetFoundations.PowerShell.Mail
{
    /// <summary>The connection parameters SMTP, IMAP and POP3 cmdlets share.</summary>
    public abstract class MailCmdlet : ConnectingCmdlet
    {
        /// <summary>The server's port; 0 (unset) takes the protocol's default.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        [Parameter]
        public MailSecurity Security { get; set; } = MailSecurity.Auto;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CertificateAuthorityPath { get; set; }

        [Parameter]
        public SwitchParameter SkipCertificateCheck { get; set; }

        [Parameter]
        [ValidateRange(0.1, 3600.0)]
        public double TimeoutSeconds { get; set; } = 30;

        /// <summary>Show AUTH secrets in the transcript.</summary>
        [Parameter]
        public SwitchParameter RevealSecrets { get; set; }

        [Parameter]
        public SwitchParameter AllowUnencryptedAuthentication { get; set; }

        private bool optOutsWarned;
        private string? authorityPath;

        protected TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

        protected MailServerOptions ServerOptions(string server, int defaultPort, PSCredential? credential)
        {
            if (!optOutsWarned)
            {
                optOutsWarned = true;
                if (SkipCertificateCheck)
                    WriteWarning("-SkipCertificateCheck: the server's certificate is not verified; anyone in the path can read and change this conversation, credential included.");
                if (credential != null && (AllowUnencryptedAuthentication || Security == MailSecurity.None))
                    WriteWarning((AllowUnencryptedAuthentication ? "-AllowUnencryptedAuthentication" : "-Security None") +
                        ": without TLS the credential crosses the network in clear; anyone in the path can read it.");
            }
            if (authorityPath == null && CertificateAuthorityPath != null)
            {
                var path = GetUnresolvedProviderPathFromPSPath(CertificateAuthorityPath);
                // Read once here so that a missing or unreadable bundle ends the command with its path, before any connection.
                LoadFile(() => TlsPem.ReadCertificates(path), path);
                authorityPath = path;
            }
            return new MailServerOptions(server, Port == 0 ? defaultPort : Port)
            {
                Addresses = AddressesFor(server),
                Security = Security,
                CertificateAuthorityPath = authorityPath,
                SkipCertificateCheck = SkipCertificateCheck,
                Credential = credential?.GetNetworkCredential(),
                AllowUnencryptedAuthentication = AllowUnencryptedAuthentication,
                Timeout = Timeout,
            };
        }
    }
}
