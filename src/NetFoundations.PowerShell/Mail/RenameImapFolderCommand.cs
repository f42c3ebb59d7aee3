using System.Management.Automation;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    [Cmdlet(VerbsCommon.Rename, "ImapFolder", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "Rename-ImapFolder.md")]
    [OutputType(typeof(ImapFolderInfo))]
    public sealed class RenameImapFolderCommand : ImapCmdlet
    {
        /// <summary>The folder's full name; binds FullName of piped folders.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string Name { get; set; } = string.Empty;

        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string NewName { get; set; } = string.Empty;

        protected override void ProcessRecord()
        {
            if (!ShouldProcess($"{Name} on {Session}", $"Rename to {NewName}"))
                return;
            var transcript = NewTranscript();
            Run(async ct => PostObject(await Session.Connection().RenameFolderAsync(Name, NewName, transcript, ct).ConfigureAwait(false)), Timeout, Name);
        }
    }
}
