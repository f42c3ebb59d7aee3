using System;

namespace NetFoundations.Core.Ftp
{
    public enum FtpDirection : long
    {
        Download,
        Upload,
    }

    /// <summary>One finished transfer of a file.</summary>
    public sealed class FtpTransferResult
    {
        public FtpTransferResult(string computerName, FtpDirection direction, string remotePath, string localPath, long length,
            long bytesTransferred, long resumedFrom, TimeSpan duration, string verifiedBy = "Size")
        {
            VerifiedBy = verifiedBy;
            ComputerName = computerName;
            Direction = direction;
            RemotePath = remotePath;
            LocalPath = localPath;
            Length = length;
            BytesTransferred = bytesTransferred;
            ResumedFrom = resumedFrom;
            DurationMs = duration.TotalMilliseconds;
        }

        public string ComputerName { get; }
        public FtpDirection Direction { get; }
        public string RemotePath { get; }
        public string LocalPath { get; }
        /// <summary>The file's size, checked against the other side's.</summary>
        public long Length { get; }
        /// <summary>Bytes that crossed the data connection: Length less ResumedFrom.</summary>
        public long BytesTransferred { get; }
        /// <summary>Where a resumed download started (the bytes already in the partial file); 0 for a whole transfer.</summary>
        public long ResumedFrom { get; }
        public double DurationMs { get; }
        public double BytesPerSecond => DurationMs > 0 ? BytesTransferred / (DurationMs / 1000) : 0;
        /// <summary>
        /// What showed the copy whole: "Size" (the other side's size), "Size, SHA-256" (and the hash the server computed:
        /// SHA-256, SHA-1, MD5 or CRC32, where it offers HASH, XSHA256, XSHA1, XMD5 or XCRC), or "Reply" for an ASCII
        /// transfer, whose sizes differ by design (the server's completion reply).
        /// </summary>
        public string VerifiedBy { get; }
        /// <summary>Where the result binds into the next cmdlet by property name (the side the data went to).</summary>
        public string Path => Direction == FtpDirection.Download ? LocalPath : RemotePath;
    }

    /// <summary>How far a transfer is.</summary>
    public sealed class FtpProgress
    {
        public FtpProgress(FtpDirection direction, string file, long bytesDone, long totalBytes, TimeSpan elapsed, int filesDone = 0, int filesTotal = 0)
        {
            FilesDone = filesDone;
            FilesTotal = filesTotal;
            Direction = direction;
            File = file;
            BytesDone = bytesDone;
            TotalBytes = totalBytes;
            Elapsed = elapsed;
        }

        public FtpDirection Direction { get; }
        public string File { get; }
        /// <summary>Bytes moved in this run (a resumed download counts from where it resumed).</summary>
        public long BytesDone { get; }
        /// <summary>Bytes this run moves in all; -1 when unknown.</summary>
        public long TotalBytes { get; }
        public TimeSpan Elapsed { get; }
        /// <summary>For a tree: the files finished so far (transferred or failed).</summary>
        public int FilesDone { get; }
        /// <summary>For a tree: the files it holds; 0 for a single file.</summary>
        public int FilesTotal { get; }
        public double BytesPerSecond => Elapsed.TotalSeconds > 0 ? BytesDone / Elapsed.TotalSeconds : 0;
    }
}
