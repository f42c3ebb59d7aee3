using System;
using System.Management.Automation;
using NetFoundations.Core.Ftp;

namespace NetFoundations.PowerShell.Ftp
{
    /// <summary>Uploads a local file; the remote file appears under its name only when complete.</summary>
    [Cmdlet(VerbsCommunications.Send, "FtpItem", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, HelpUri = HelpLinks.Base + "Send-FtpItem.md")]
    [OutputType(typeof(FtpTransferResult))]
    public sealed class SendFtpItemCommand : FtpCmdlet
    {
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
        [Parameter]
        public SwitchParameter Ascii { get; set; }

        /// <summary>Seconds the whole transfer may take while it keeps moving; 0 lifts this bound (-TimeoutSeconds still ends a stalled transfer).</summary>
        [Parameter]
        [ValidateRange(0.0, 604800.0)]
        public double TotalTimeoutSeconds { get; set; } = 3600;

        protected override void ProcessRecord()
        {
            var local = GetUnresolvedProviderPathFromPSPath(Path);
            if (!ShouldProcess($"{Session}:{Destination}", $"Upload {local}"))
                return;
            var transcript = NewTranscript();
            var activity = $"Upload to {Session}";
            var progress = ProgressReporter(activity);
            try
            {
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
