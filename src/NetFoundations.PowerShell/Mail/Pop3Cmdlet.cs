using System.Management.Automation;

namespace NetFoundations.PowerShell.Mail
{
    /// <summary>Where the POP3 mailbox is: bound by property name from the messages Get-Pop3Message writes.</summary>
    public abstract class Pop3Cmdlet : MailCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ComputerName { get; set; } = string.Empty;

        [Parameter(Mandatory = true, Position = 1)]
        [Credential]
        public PSCredential Credential { get; set; } = null!;

        /// <summary>Log in with APOP only; a server that does not offer it is an error.</summary>
        [Parameter]
        public SwitchParameter Apop { get; set; }

        protected Core.Mail.MailServerOptions Pop3Options()
        {
            var options = ServerOptions(ComputerName, Security == Core.Mail.MailSecurity.Tls ? 995 : 110, Credential);
            options.RequireApop = Apop;
            return options;
        }
    }
}
