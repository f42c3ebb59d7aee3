using System.Management.Automation;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    [Cmdlet(VerbsCommon.Set, "ImapMessageFlag", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "Set-ImapMessageFlag.md")]
    [OutputType(typeof(ImapMessageSummary))]
    public sealed class SetImapMessageFlagCommand : ImapMessageCmdlet
    {
        [Parameter] public ImapFlag Add { get; set; }
        [Parameter] public ImapFlag Remove { get; set; }
        [Parameter] public string[] AddKeyword { get; set; } = new string[0];
        [Parameter] public string[] RemoveKeyword { get; set; } = new string[0];

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Describe(), $"Add {Add} {string.Join(" ", AddKeyword)}; remove {Remove} {string.Join(" ", RemoveKeyword)}"))
                return;
            var transcript = NewTranscript();
            Run(async ct =>
            {
                foreach (var summary in await Session.Connection().SetFlagsAsync(Folder, Uid, Add, AddKeyword, Remove, RemoveKeyword, transcript, ct).ConfigureAwait(false))
                    PostObject(summary);
            }, Timeout, Describe());
        }
    }
}
