using System.Management.Automation;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    /// <summary>Moves (or with -Copy copies) messages to another folder; writes their summaries there.</summary>
    [Cmdlet(VerbsCommon.Move, "ImapMessage", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "Move-ImapMessage.md")]
    [OutputType(typeof(ImapMessageSummary))]
    public sealed class MoveImapMessageCommand : ImapMessageCmdlet
    {
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string Destination { get; set; } = string.Empty;

        [Parameter]
        public SwitchParameter Copy { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Describe(), (Copy ? "Copy to " : "Move to ") + Destination))
                return;
            var transcript = NewTranscript();
            Run(async ct =>
            {
                foreach (var summary in await Session.Connection().MoveAsync(Folder, Uid, Destination, Copy, transcript, ct).ConfigureAwait(false))
                    PostObject(summary);
            }, Timeout, Describe());
        }
    }
}
