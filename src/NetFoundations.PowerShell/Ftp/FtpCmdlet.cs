using System;
using System.Management.Automation;
using NetFoundations.Core.Ftp;

namespace NetFoundations.PowerShell.Ftp
{
    /// <summary>Base of the FTP cmdlets that work on a session (which listing entries carry, so they pipe in).</summary>
    public abstract class FtpCmdlet : NetworkCmdlet
    {
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public FtpSession Session { get; set; } = null!;

        /// <summary>
        /// Seconds the server may keep the command waiting: for Get-FtpChildItem, New-FtpDirectory, Remove- and
        /// Rename-FtpItem the whole command; for a transfer (Receive-, Send-FtpItem) the longest time with no byte moved.
        /// </summary>
        [Parameter]
        [ValidateRange(0.1, 604800.0)]
        public double TimeoutSeconds { get; set; } = 30;

        protected Action<FtpProgress> ProgressReporter(string activity)
        {
            var id = Math.Abs(activity.GetHashCode() % 1000) + 1;
            return progress =>
            {
                var rate = progress.BytesPerSecond;
                var left = progress.TotalBytes > progress.BytesDone && rate > 0 ? (int)((progress.TotalBytes - progress.BytesDone) / rate) : -1;
                var files = progress.FilesTotal > 0 ? $"{progress.FilesDone} of {progress.FilesTotal} files, " : string.Empty;
                PostProgress(new ProgressRecord(id, activity,
                    $"{files}{Size(progress.BytesDone)} of {Size(progress.TotalBytes)} at {Size((long)rate)}/s")
                {
                    CurrentOperation = progress.File,
                    PercentComplete = progress.TotalBytes > 0 ? (int)Math.Min(100, progress.BytesDone * 100 / progress.TotalBytes) : -1,
                    SecondsRemaining = left,
                });
            };
        }

        /// <summary>
        /// How a tree transfer or mirror reports: each file's result and error as it comes (the others go on), the
        /// whole tree's progress under activity.
        /// </summary>
        protected FtpTreeOptions TreeOptions(bool force, int throttleLimit, string activity) => new FtpTreeOptions
        {
            Force = force,
            ThrottleLimit = throttleLimit,
            NoProgressTimeout = TimeSpan.FromSeconds(TimeoutSeconds),
            OnProgress = ProgressReporter(activity),
            OnFile = PostGathered,   // thousands of small files: one wake-up of the pipeline thread for many results
            OnError = (error, path) => Post(() => WriteError(ErrorMapping.ToErrorRecord(error, path))),
        };

        /// <summary>Ends the progress bar of a transfer, whatever its outcome.</summary>
        protected void CompleteTransferProgress(string activity)
        {
            var id = Math.Abs(activity.GetHashCode() % 1000) + 1;
            WriteProgress(new ProgressRecord(id, activity, "Done") { RecordType = ProgressRecordType.Completed });
        }

        private static string Size(long bytes) =>
            bytes >= 1 << 30 ? $"{bytes / (double)(1 << 30):0.0} GiB"
            : bytes >= 1 << 20 ? $"{bytes / (double)(1 << 20):0.0} MiB"
            : bytes >= 1 << 10 ? $"{bytes / 1024.0:0.0} KiB"
            : $"{bytes} B";
    }
}
