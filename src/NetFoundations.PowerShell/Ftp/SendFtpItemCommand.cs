using System;
using System.Management.Automation;
using NetFoundations.Core.Ftp;

namespace NetFoundations.PowerShell.Ftp
{
    /// <summary>
    /// Uploads a local file, or with -Recurse a whole local folder (over -ThrottleLimit connections); each remote file
    /// appears under its name only when complete.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "FtpItem", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = FileSet, HelpUri = HelpLinks.Base + "Send-FtpItem.md")]
    [OutputType(typeof(FtpTransferResult))]
    [OutputType(typeof(FtpTreeResult), ParameterSetName = new[] { TreeSet })]
    public sealed class SendFtpItemCommand : FtpCmdlet
    {
        private const string FileSet = "File";
        private const string TreeSet = "Tree";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>A remote directory (the file keeps its name) or file path.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; } = string.Empty;

        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Moves the file as text (TYPE A), converting line endings; binary otherwise.</summary>
        [Parameter(ParameterSetName = FileSet)]
        public SwitchParameter Ascii { get; set; }

        /// <summary>Path is a local folder: everything below it is uploaded into the Destination folder (made when missing).</summary>
        [Parameter(Mandatory = true, ParameterSetName = TreeSet)]
        public SwitchParameter Recurse { get; set; }

        /// <summary>With -Recurse, how many FTP connections upload at the same time (the session's and more like it).</summary>
        [Parameter(ParameterSetName = TreeSet)]
        [ValidateRange(1, FtpTrees.MaxThrottleLimit)]
        public int ThrottleLimit { get; set; } = 1;

        /// <summary>Seconds the whole transfer may take while it keeps moving; 0 lifts this bound (-TimeoutSeconds still ends a stalled transfer).</summary>
        [Parameter]
        [ValidateRange(0.0, 604800.0)]
        public double TotalTimeoutSeconds { get; set; } = 3600;

        protected override void ProcessRecord()
        {
            if (!UseSession())
                return;
            var local = GetUnresolvedProviderPathFromPSPath(Path);
            if (!ShouldProcess($"{Session}:{Destination}", Recurse ? $"Upload the tree {local}" : $"Upload {local}"))
                return;
            var transcript = NewTranscript();
            var activity = $"Upload to {Session}";
            var progress = ProgressReporter(activity);
            try
            {
                if (Recurse)
                {
                    var tree = TreeOptions(Force, ThrottleLimit, activity);
                    Run(async cancel => PostObject(await FtpTrees.UploadAsync(Session.Connection(), local, Destination, tree, transcript, cancel)),
                        Seconds(TotalTimeoutSeconds), local);
                    return;
                }
                Run(async cancel => PostObject(await Session.Connection().UploadAsync(local, Destination, Force, TimeSpan.FromSeconds(TimeoutSeconds), progress, transcript, cancel, Ascii)),
                    Seconds(TotalTimeoutSeconds), local);
            }
            finally
            {
                CompleteTransferProgress(activity);
            }
        }
    }
}
