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

        /// <summary>Seconds the whole operation may take; 0 for no limit.</summary>
        [Parameter]
        [ValidateRange(0.0, 604800.0)]
        public double Timeout { get; set; }

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
