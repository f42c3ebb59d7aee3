using System.Management.Automation;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    /// <summary>Logs in to an IMAP server; the session object goes to the other IMAP cmdlets with -Session.</summary>
    [Cmdlet(VerbsCommunications.Connect, "Imap", HelpUri = HelpLinks.Base + "Connect-Imap.md")]
    [OutputType(typeof(ImapSession))]
    public sealed class ConnectImapCommand : MailCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ComputerName { get; set; } = string.Empty;

        [Parameter(Mandatory = true, Position = 1)]
        [Credential]
        public PSCredential Credential { get; set; } = null!;

        protected override void ProcessRecord()
        {
            var options = ServerOptions(ComputerName, Security == MailSecurity.Tls ? 993 : 143, Credential);
            var transcript = NewTranscript(RevealSecrets);
            Run(async ct => PostObject(await ImapConnection.ConnectAsync(options, transcript, ct).ConfigureAwait(false)), Timeout, options.Target);
        }
    }
}
