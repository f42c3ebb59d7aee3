using System.Management.Automation;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    /// <summary>Deletes POP3 messages by UID: DELE, committed by QUIT.</summary>
    [Cmdlet(VerbsCommon.Remove, "Pop3Message", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, HelpUri = HelpLinks.Base + "Remove-Pop3Message.md")]
    [OutputType(typeof(void))]
    public sealed class RemovePop3MessageCommand : Pop3Cmdlet
    {
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] Uid { get; set; } = new string[0];

        protected override void ProcessRecord()
        {
            var options = Pop3Options();
            if (!ShouldProcess($"UID {string.Join(",", Uid)} on {options.Target}", "Delete"))
                return;
            var transcript = NewTranscript(RevealSecrets);
            Run(ct => Pop3Mailbox.DeleteAsync(options, Uid, transcript, ct), Timeout, options.Target);
        }
    }
}
