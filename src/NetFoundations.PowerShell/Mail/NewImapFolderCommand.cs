using System.Management.Automation;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    [Cmdlet(VerbsCommon.New, "ImapFolder", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "New-ImapFolder.md")]
    [OutputType(typeof(ImapFolderInfo))]
    public sealed class NewImapFolderCommand : ImapCmdlet
    {
        /// <summary>The folder's full name; levels separated by the server's delimiter (Get-ImapFolder shows it).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = string.Empty;

        protected override void ProcessRecord()
        {
            if (!ShouldProcess($"{Name} on {Session}", "Create folder"))
                return;
            var transcript = NewTranscript();
            Run(async ct => PostObject(await Session.Connection().CreateFolderAsync(Name, transcript, ct).ConfigureAwait(false)), Timeout, Name);
        }
    }
}
