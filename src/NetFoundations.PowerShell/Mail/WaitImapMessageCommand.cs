using System;
using System.Management.Automation;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    /// <summary>Waits for new mail with IDLE (NOOP polls where IDLE is not offered); writes the new messages' summaries.</summary>
    [Cmdlet(VerbsLifecycle.Wait, "ImapMessage", HelpUri = HelpLinks.Base + "Wait-ImapMessage.md")]
    [OutputType(typeof(ImapMessageSummary))]
    public sealed class WaitImapMessageCommand : ImapCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string Folder { get; set; } = "INBOX";

        /// <summary>How long to wait for new mail, in seconds; nothing is written when none arrives.</summary>
        [Parameter]
        [ValidateRange(0.1, 86400.0)]
        public double WaitSeconds { get; set; } = 60;

        [Parameter]
        [ValidateRange(1.0, 3600.0)]
        public double PollSeconds { get; set; } = 10;

        protected override void ProcessRecord()
        {
            var transcript = NewTranscript();
            var wait = TimeSpan.FromSeconds(WaitSeconds);
            Run(async ct =>
            {
                foreach (var summary in await Session.Connection().WaitForNewAsync(Folder, wait, TimeSpan.FromSeconds(PollSeconds), transcript, ct).ConfigureAwait(false))
                    PostObject(summary);
            }, wait + Timeout, $"{Folder} on {Session}");
        }
    }
}
