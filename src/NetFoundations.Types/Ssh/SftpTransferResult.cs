using System;

namespace NetFoundations.Core.Ssh
{
    public enum SftpDirection : long
    {
        Download,
        Upload,
    }

    /// <summary>One finished transfer of a file or a directory tree.</summary>
    public sealed class SftpTransferResult
    {
        public SftpTransferResult(string computerName, SftpDirection direction, string remotePath, string localPath, int files, long length, TimeSpan duration)
        {
            ComputerName = computerName;
            Direction = direction;
            RemotePath = remotePath;
            LocalPath = localPath;
            Files = files;
            Length = length;
            DurationMs = duration.TotalMilliseconds;
        }

        public string ComputerName { get; }
        public SftpDirection Direction { get; }
        public string RemotePath { get; }
        public string LocalPath { get; }
        public int Files { get; }
        /// <summary>Bytes transferred.</summary>
        public long Length { get; }
        public double DurationMs { get; }
        public double BytesPerSecond => DurationMs > 0 ? Length / (DurationMs / 1000) : 0;
        /// <summary>Where the result binds into the next cmdlet by property name (the side the data went to).</summary>
        public string Path => Direction == SftpDirection.Download ? LocalPath : RemotePath;
    }

    /// <summary>How far a transfer is.</summary>
    public sealed class SftpProgress
    {
        public SftpProgress(SftpDirection direction, string file, long bytesDone, long totalBytes, TimeSpan elapsed)
        {
            Direction = direction;
            File = file;
            BytesDone = bytesDone;
            TotalBytes = totalBytes;
            Elapsed = elapsed;
        }

        public SftpDirection Direction { get; }
        public string File { get; }
        public long BytesDone { get; }
        /// <summary>Bytes of the whole transfer (every file of a directory).</summary>
        public long TotalBytes { get; }
        public TimeSpan Elapsed { get; }
        public double BytesPerSecond => Elapsed.TotalSeconds > 0 ? BytesDone / Elapsed.TotalSeconds : 0;
    }
}
