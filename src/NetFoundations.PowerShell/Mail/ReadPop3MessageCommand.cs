using System.Management.Automation;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    /// <summary>Retrieves POP3 messages (RETR) by UID as parsed messages.</summary>
    [Cmdlet(VerbsCommunications.Read, "Pop3Message", HelpUri = HelpLinks.Base + "Read-Pop3Message.md")]
    [OutputType(typeof(MailMessage))]
    public sealed class ReadPop3MessageCommand : Pop3Cmdlet
    {
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] Uid { get; set; } = new string[0];

        protected override void ProcessRecord()
        {
            var options = Pop3Options();
            var transcript = NewTranscript(RevealSecrets);
            Run(async ct =>
            {
                foreach (var message in await Pop3Mailbox.RetrieveAsync(options, Uid, transcript, ct).ConfigureAwait(false))
                    PostObject(message);
            }, Timeout, options.Target);
        }
    }
}
