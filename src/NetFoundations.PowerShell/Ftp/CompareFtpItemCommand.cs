using System.Management.Automation;
using NetFoundations.Core.Ftp;

namespace NetFoundations.PowerShell.Ftp
{
    /// <summary>
    /// Compares a remote folder with a local one and writes each difference (Missing, Newer, SizeDiffers, Extra) with
    /// its reason: the plan of a mirror, which Sync-FtpItem carries out.
    /// </summary>
    [Cmdlet(VerbsData.Compare, "FtpItem", HelpUri = HelpLinks.Base + "Compare-FtpItem.md")]
    [OutputType(typeof(FtpDifference))]
    public sealed class CompareFtpItemCommand : FtpCmdlet
    {
        /// <summary>The remote folder.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>The local folder.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string LocalPath { get; set; } = string.Empty;

        /// <summary>Download: the remote folder is the source, the local one the destination; Upload: the other way.</summary>
        [Parameter]
        public FtpDirection Direction { get; set; } = FtpDirection.Download;

        protected override void ProcessRecord()
        {
            if (!UseSession())
                return;
            var local = GetUnresolvedProviderPathFromPSPath(LocalPath);
            var transcript = NewTranscript();
            Run(async cancel =>
                {
                    foreach (var difference in await FtpMirror.CompareAsync(Session.Connection(), Path, local, Direction, transcript, cancel))
                        PostObject(difference);
                },
                Seconds(TimeoutSeconds), Path);
        }
    }
}
