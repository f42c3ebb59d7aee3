using System;
using System.Management.Automation;
using NetFoundations.Core.Ssh;

namespace NetFoundations.PowerShell.Ssh
{
    /// <summary>Base of the SFTP cmdlets: a session (which SftpItems carry, so they pipe in) and transfer progress.</summary>
    public abstract class SftpCmdlet : NetworkCmdlet
    {
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public SshSession Session { get; set; } = null!;

        /// <summary>
        /// Seconds the server may keep the command waiting: for Get-, New-, Remove- and Rename-SftpItem the whole command;
        /// for a transfer (Receive-, Send-SftpItem) the longest time with no byte moved, which always holds.
        /// </summary>
        [Parameter]
        [ValidateRange(0.1, 604800.0)]
        public double TimeoutSeconds { get; set; } = 30;

        protected Action<SftpProgress> ProgressReporter(string activity)
        {
            var id = Math.Abs(activity.GetHashCode() % 1000) + 1;
            return progress => PostProgress(new ProgressRecord(id, activity,
                $"{Size(progress.BytesDone)} of {Size(progress.TotalBytes)} at {Size((long)progress.BytesPerSecond)}/s")
            {
                CurrentOperation = progress.File,
                PercentComplete = progress.TotalBytes > 0 ? (int)Math.Min(100, progress.BytesDone * 100 / progress.TotalBytes) : -1,
            });
        }

        private static string Size(long bytes) =>
            bytes >= 1 << 30 ? $"{bytes / (double)(1 << 30):0.0} GiB"
            : bytes >= 1 << 20 ? $"{bytes / (double)(1 << 20):0.0} MiB"
            : bytes >= 1 << 10 ? $"{bytes / 1024.0:0.0} KiB"
            : $"{bytes} B";
    }
}
