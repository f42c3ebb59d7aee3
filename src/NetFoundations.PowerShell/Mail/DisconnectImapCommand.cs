using System.Management.Automation;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    [Cmdlet(VerbsCommunications.Disconnect, "Imap", HelpUri = HelpLinks.Base + "Disconnect-Imap.md")]
    [OutputType(typeof(ImapSession))]
    public sealed class DisconnectImapCommand : ImapCmdlet
    {
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var transcript = NewTranscript();
            if (Run(ct => Session.Connection().DisconnectAsync(transcript, ct), Timeout, Session.ToString()) && PassThru)
                WriteObject(Session);
        }
    }
}
