using System;
using System.Management.Automation;
using NetFoundations.Core.Ssh;

namespace NetFoundations.PowerShell.Ssh
{
    /// <summary>Downloads a remote file or directory; a file is complete under its name or not there at all.</summary>
    [Cmdlet(VerbsCommunications.Receive, "SftpItem", HelpUri = HelpLinks.Base + "Receive-SftpItem.md", SupportsShouldProcess = true)]
    [OutputType(typeof(SftpTransferResult))]
    public sealed class ReceiveSftpItemCommand : SftpCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>A local folder (the item keeps its name) or file path; default the current folder.</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; } = ".";

        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Seconds the whole transfer may take while it keeps moving; 0 lifts this bound (-TimeoutSeconds still ends a stalled transfer).</summary>
        [Parameter]
        [ValidateRange(0.0, 604800.0)]
        public double TotalTimeoutSeconds { get; set; } = 3600;

        protected override void ProcessRecord()
        {
            var local = GetUnresolvedProviderPathFromPSPath(Destination);
            // Asked before the server is: -WhatIf names the download without listing what a directory holds.
            if (!ShouldProcess(local, $"Download {Path} from {Session}"))
                return;
            var transcript = NewTranscript();
            var progress = ProgressReporter($"Download from {Session}");
            Run(async cancel => PostObject(await Session.Connection().DownloadAsync(Path, local, Force, TimeSpan.FromSeconds(TimeoutSeconds), progress, transcript, cancel)),
                Seconds(TotalTimeoutSeconds), Path);
        }
    }
}
