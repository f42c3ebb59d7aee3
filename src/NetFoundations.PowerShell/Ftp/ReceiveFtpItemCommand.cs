using System;
using System.Management.Automation;
using NetFoundations.Core.Ftp;

namespace NetFoundations.PowerShell.Ftp
{
    /// <summary>Downloads a remote file; it takes its name only when complete and of the server's size.</summary>
    [Cmdlet(VerbsCommunications.Receive, "FtpItem", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "Receive-FtpItem.md")]
    [OutputType(typeof(FtpTransferResult))]
    public sealed class ReceiveFtpItemCommand : FtpCmdlet
    {
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
        [Parameter]
        public SwitchParameter Ascii { get; set; }

        /// <summary>Continue the partial file an interrupted download left (REST), reading no byte twice.</summary>
        [Parameter]
        public SwitchParameter Resume { get; set; }

        /// <summary>Seconds the whole transfer may take while it keeps moving; 0 lifts this bound (-TimeoutSeconds still ends a stalled transfer).</summary>
        [Parameter]
        [ValidateRange(0.0, 604800.0)]
        public double TotalTimeoutSeconds { get; set; } = 3600;

        protected override void ProcessRecord()
        {
            var local = GetUnresolvedProviderPathFromPSPath(Destination);
            if (!ShouldProcess(local, $"Download {Path} from {Session}"))
                return;
            var transcript = NewTranscript();
            var activity = $"Download from {Session}";
            var progress = ProgressReporter(activity);
            try
            {
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
