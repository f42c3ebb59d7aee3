using System.Management.Automation;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    /// <summary>Lists a POP3 mailbox: number, UID and size, and with -Headers sender, date and subject (TOP n 0).</summary>
    [Cmdlet(VerbsCommon.Get, "Pop3Message", HelpUri = HelpLinks.Base + "Get-Pop3Message.md")]
    [OutputType(typeof(Pop3MessageInfo))]
    public sealed class GetPop3MessageCommand : Pop3Cmdlet
    {
        [Parameter]
        public SwitchParameter Headers { get; set; }

        protected override void ProcessRecord()
        {
            var options = Pop3Options();
            var transcript = NewTranscript(RevealSecrets);
            Run(async ct =>
            {
                foreach (var message in await Pop3Mailbox.ListAsync(options, Headers, transcript, ct).ConfigureAwait(false))
                    PostObject(message);
            }, Timeout, options.Target);
        }
    }
}
