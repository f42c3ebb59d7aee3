using System.Management.Automation;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    /// <summary>The connection parameters SMTP, IMAP and POP3 cmdlets share.</summary>
    public abstract class MailCmdlet : ServerLoginCmdlet
    {
        [Parameter]
        public MailSecurity Security { get; set; } = MailSecurity.Auto;

        protected MailServerOptions ServerOptions(string server, int defaultPort, PSCredential? credential)
        {
            WarnOptOuts(credential == null ? null
                : AllowUnencryptedAuthentication ? "-AllowUnencryptedAuthentication"
                : Security == MailSecurity.None ? "-Security None" : null);
            return new MailServerOptions(server, Port == 0 ? defaultPort : Port)
            {
                Addresses = AddressesFor(server),
                Security = Security,
                CertificateAuthorityPath = AuthorityPath(),
                SkipCertificateCheck = SkipCertificateCheck,
                Credential = credential?.GetNetworkCredential(),
                AllowUnencryptedAuthentication = AllowUnencryptedAuthentication,
                Timeout = Timeout,
            };
        }
    }
}
