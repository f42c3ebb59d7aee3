using System.Management.Automation;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    [Cmdlet(VerbsCommon.Get, "ImapFolder", HelpUri = HelpLinks.Base + "Get-ImapFolder.md")]
    [OutputType(typeof(ImapFolderInfo))]
    public sealed class GetImapFolderCommand : ImapCmdlet
    {
        /// <summary>Folder names (FullName) to list, as a wildcard.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string? Name { get; set; }

        protected override void ProcessRecord()
        {
            var transcript = NewTranscript();
            Run(async ct =>
            {
                foreach (var folder in await Session.Connection().GetFoldersAsync(Name, transcript, ct).ConfigureAwait(false))
                    PostObject(folder);
            }, Timeout, Session.ToString());
        }
    }
}
