using System.Management.Automation;
using NetFoundations.Core.Ftp;

namespace NetFoundations.PowerShell.Ftp
{
    /// <summary>Renames or moves a remote file or directory; an existing target is never replaced.</summary>
    [Cmdlet(VerbsCommon.Rename, "FtpItem", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpLinks.Base + "Rename-FtpItem.md")]
    [OutputType(typeof(FtpItem))]
    public sealed class RenameFtpItemCommand : FtpCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>A new name in the same directory, or a full path (with a /).</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string NewName { get; set; } = string.Empty;

        protected override void ProcessRecord()
        {
            if (!UseSession())
                return;
            var newPath = NewName.Contains("/") ? NewName : SiblingOf(Path, NewName);
            if (!ShouldProcess($"{Session}:{Path}", $"Rename to {newPath}"))
                return;
            var transcript = NewTranscript();
            Run(async cancel => PostObject(await Session.Connection().RenameAsync(Path, newPath, transcript, cancel)), Seconds(TimeoutSeconds), Path);
        }

        private static string SiblingOf(string path, string name)
        {
            var slash = path.TrimEnd('/').LastIndexOf('/');
            return slash < 0 ? name : path.Substring(0, slash + 1) + name;
        }
    }
}
