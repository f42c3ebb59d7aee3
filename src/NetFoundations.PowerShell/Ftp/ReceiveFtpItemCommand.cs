using System;
using System.Management.Automation;
using NetFoundations.Core.Ftp;

namespace NetFoundations.PowerShell.Ftp
{
    /// <summary>
    /// Downloads a remote file, or with -Recurse a whole remote folder (over -ThrottleLimit connections); each file
    /// takes its name only when complete and of the server's size.
    /// </summary>
    [Cmdlet(VerbsCommunications.Receive, "FtpItem", SupportsShouldProcess = true, DefaultParameterSetName = FileSet, HelpUri = HelpLinks.Base + "Receive-FtpItem.md")]
    [OutputType(typeof(FtpTransferResult))]
    [OutputType(typeof(FtpTreeResult), ParameterSetName = new[] { TreeSet })]
    public sealed class ReceiveFtpItemCommand : FtpCmdlet
    {
        private const string FileSet = "File";
        private const string TreeSet = "Tree";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>A local folder (the file keeps its name) or file path; default the current folder.</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; } = ".";

        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Moves the file as text (TYPE A), converting line endings; binary otherwise.</summary>
        [Parameter(ParameterSetName = FileSet)]
        public SwitchParameter Ascii { get; set; }

        /// <summary>Continue the partial file an interrupted download left (REST), reading no byte twice.</summary>
        [Parameter(ParameterSetName = FileSet)]
        public SwitchParameter Resume { get; set; }

        /// <summary>Path is a remote folder: everything below it is downloaded into the Destination folder (made when missing).</summary>
        [Parameter(Mandatory = true, ParameterSetName = TreeSet)]
        public SwitchParameter Recurse { get; set; }

        /// <summary>With -Recurse, how many FTP connections download at the same time (the session's and more like it).</summary>
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
            var local = GetUnresolvedProviderPathFromPSPath(Destination);
            if (!ShouldProcess(local, Recurse ? $"Download the tree {Path} from {Session}" : $"Download {Path} from {Session}"))
                return;
            var transcript = NewTranscript();
            var activity = $"Download from {Session}";
            var progress = ProgressReporter(activity);
            try
            {
                if (Recurse)
                {
                    var tree = TreeOptions(Force, ThrottleLimit, activity);
                    Run(async cancel => PostObject(await FtpTrees.DownloadAsync(Session.Connection(), Path, local, tree, transcript, cancel)),
                        Seconds(TotalTimeoutSeconds), Path);
                    return;
                }
                Run(async cancel => PostObject(await Session.Connection().DownloadAsync(Path, local, Force, Resume, TimeSpan.FromSeconds(TimeoutSeconds), progress, transcript, cancel, Ascii)),
                    Seconds(TotalTimeoutSeconds), Path);
            }
            finally
            {
                CompleteTransferProgress(activity);
            }
        }
    }
}
