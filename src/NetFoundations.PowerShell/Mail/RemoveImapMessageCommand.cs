using System.Management.Automation;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    /// <summary>Deletes messages: \Deleted, then expunge (UID EXPUNGE where offered).</summary>
    [Cmdlet(VerbsCommon.Remove, "ImapMessage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, HelpUri = HelpLinks.Base + "Remove-ImapMessage.md")]
    [OutputType(typeof(void))]
    public sealed class RemoveImapMessageCommand : ImapMessageCmdlet
    {
        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Describe(), "Delete and expunge"))
                return;
            var transcript = NewTranscript();
            Run(ct => Session.Connection().DeleteAsync(Folder, Uid, transcript, ct), Timeout, Describe());
        }
    }
}
