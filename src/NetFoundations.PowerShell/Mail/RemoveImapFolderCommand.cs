using System.Management.Automation;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    [Cmdlet(VerbsCommon.Remove, "ImapFolder", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, HelpUri = HelpLinks.Base + "Remove-ImapFolder.md")]
    [OutputType(typeof(void))]
    public sealed class RemoveImapFolderCommand : ImapCmdlet
    {
        /// <summary>The folder's full name; binds FullName of piped folders.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string Name { get; set; } = string.Empty;

        protected override void ProcessRecord()
        {
            if (!ShouldProcess($"{Name} on {Session}", "Delete folder and its messages"))
                return;
            var transcript = NewTranscript();
            Run(ct => Session.Connection().DeleteFolderAsync(Name, transcript, ct), Timeout, Name);
        }
    }
}
