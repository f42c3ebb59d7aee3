using System;
using System.Management.Automation;

namespace NetFoundations.PowerShell
{
    /// <summary>
    /// Base of the cmdlets that log in to a server by name over a protocol with optional TLS (mail, FTP): the
    /// connection parameters they share, the CA bundle read once, and the opt-outs' warnings given once per command.
    /// The Security parameter stays with each protocol: its choices differ.
    /// </summary>
    public abstract class ServerLoginCmdlet : ConnectingCmdlet
    {
        /// <summary>The server's port; 0 (unset) takes the protocol's default for the chosen security.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CertificateAuthorityPath { get; set; }

        [Parameter]
        public SwitchParameter SkipCertificateCheck { get; set; }

        [Parameter]
        public SwitchParameter AllowUnencryptedAuthentication { get; set; }

        /// <summary>Show the login's secrets in the transcript.</summary>
        [Parameter]
        public SwitchParameter RevealSecrets { get; set; }

        /// <summary>Virtual so that a cmdlet whose timeout bounds more than a login (an FTP transfer's stall) can widen its range.</summary>
        [Parameter]
        [ValidateRange(0.1, 3600.0)]
        public virtual double TimeoutSeconds { get; set; } = 30;

        private bool optOutsWarned;
        private bool authorityRead;
        private string? authorityPath;

        protected TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

        /// <summary>The resolved -CertificateAuthorityPath, read once (a bad bundle ends the command with its path).</summary>
        protected string? AuthorityPath()
        {
            if (!authorityRead && CertificateAuthorityPath != null)
                ReadAuthorityBundle(CertificateAuthorityPath, out authorityPath);
            authorityRead = true;
            return authorityPath;
        }

        /// <summary>
        /// Warns, once per command, of -SkipCertificateCheck, and of a credential sent in clear when clearOptOut names the
        /// opt-out that allows it (null when the credential is not sent in clear).
        /// </summary>
        protected void WarnOptOuts(string? clearOptOut)
        {
            if (optOutsWarned)
                return;
            optOutsWarned = true;
            if (SkipCertificateCheck)
                WarnCertificateNotVerified("this conversation", credentialIncluded: true);
            if (clearOptOut != null)
                WarnCredentialInClear(clearOptOut);
        }
    }
}
