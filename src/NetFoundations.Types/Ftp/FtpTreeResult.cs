using System;
using System.Collections.Generic;

namespace NetFoundations.Core.Ftp
{
    /// <summary>
    /// The summary of a tree transfer (Receive-FtpItem -Recurse, Send-FtpItem -Recurse) or a mirror (Sync-FtpItem),
    /// written after the per-file results.
    /// </summary>
    public sealed class FtpTreeResult
    {
        internal FtpTreeResult(string computerName, FtpDirection direction, string remotePath, string localPath)
        {
            ComputerName = computerName;
            Direction = direction;
            RemotePath = remotePath;
            LocalPath = localPath;
        }

        public string ComputerName { get; }
        public FtpDirection Direction { get; }
        /// <summary>The remote folder the tree is in.</summary>
        public string RemotePath { get; }
        /// <summary>The local folder the tree is in.</summary>
        public string LocalPath { get; }
        /// <summary>The files the tree or plan held.</summary>
        public int Files { get; internal set; }
        /// <summary>The files transferred and verified.</summary>
        public int Transferred { get; internal set; }
        /// <summary>The files that failed (each also written as an error), or were left when every connection was lost.</summary>
        public int Failed { get; internal set; }
        /// <summary>The extra files a mirror deleted (-DeleteExtra).</summary>
        public int Deleted { get; internal set; }
        /// <summary>Folders made on the destination side.</summary>
        public int FoldersCreated { get; internal set; }
        /// <summary>Bytes that crossed the data connections.</summary>
        public long BytesTransferred { get; internal set; }
        /// <summary>The FTP connections that moved files at the same time (-ThrottleLimit).</summary>
        public int Connections { get; internal set; }
        public double DurationMs { get; internal set; }
        public double BytesPerSecond => DurationMs > 0 ? BytesTransferred / (DurationMs / 1000) : 0;
        public double FilesPerSecond => DurationMs > 0 ? Transferred / (DurationMs / 1000) : 0;
        /// <summary>True when every file was transferred (and every extra deleted) without an error.</summary>
        public bool Succeeded => Failed == 0;
    }

    /// <summary>Why a file differs between the source and the destination of a mirror.</summary>
    public enum FtpDifferenceReason : long
    {
        /// <summary>The source has it, the destination does not.</summary>
        Missing,
        /// <summary>Both have it with the same size, but the source's copy is newer.</summary>
        Newer,
        /// <summary>Both have it, in different sizes.</summary>
        SizeDiffers,
        /// <summary>The destination has it, the source does not (deleted only with -DeleteExtra).</summary>
        Extra,
    }

    /// <summary>What Sync-FtpItem does about a difference.</summary>
    public enum FtpMirrorAction : long
    {
        Download,
        Upload,
        /// <summary>Delete the destination's extra file (only with -DeleteExtra).</summary>
        Delete,
    }

    /// <summary>
    /// One difference between a local folder and a remote folder, as Compare-FtpItem finds it: a step of a mirror's
    /// plan, which Sync-FtpItem takes from the pipeline. Carries its Session, so the plan pipes on its own.
    /// </summary>
    public sealed class FtpDifference
    {
        internal FtpDifference(FtpSession session, FtpDirection direction, string relativePath, FtpDifferenceReason reason, string remotePath,
            string localPath, string remoteRoot, string localRoot)
        {
            Session = session;
            Direction = direction;
            RelativePath = relativePath;
            Reason = reason;
            RemotePath = remotePath;
            LocalPath = localPath;
            RemoteRoot = remoteRoot;
            LocalRoot = localRoot;
        }

        public FtpSession Session { get; }
        public string ComputerName => Session.ComputerName;
        /// <summary>Download: the remote folder is the source; Upload: the local folder is.</summary>
        public FtpDirection Direction { get; }
        /// <summary>The file's path below both folders, with / between its parts.</summary>
        public string RelativePath { get; }
        public FtpDifferenceReason Reason { get; }
        public FtpMirrorAction Action => Reason == FtpDifferenceReason.Extra ? FtpMirrorAction.Delete
            : Direction == FtpDirection.Download ? FtpMirrorAction.Download : FtpMirrorAction.Upload;
        public string RemotePath { get; }
        public string LocalPath { get; }
        /// <summary>The source's size in bytes; -1 when the source has no such file (Extra) or its listing did not say.</summary>
        public long SourceSize { get; internal set; } = -1;
        /// <summary>The destination's size in bytes; -1 when it has no such file (Missing).</summary>
        public long DestinationSize { get; internal set; } = -1;
        /// <summary>The source's last change (UTC), when known.</summary>
        public DateTime? SourceModified { get; internal set; }
        /// <summary>The destination's last change (UTC), when known.</summary>
        public DateTime? DestinationModified { get; internal set; }
        /// <summary>In words: what differs, with both sides' sizes or times.</summary>
        public string Detail { get; internal set; } = string.Empty;
        /// <summary>The remote folder compared.</summary>
        public string RemoteRoot { get; }
        /// <summary>The local folder compared.</summary>
        public string LocalRoot { get; }
        /// <summary>The files the source listing held when compared (Sync-FtpItem deletes nothing when it held none).</summary>
        public int SourceFiles { get; internal set; }
        /// <summary>The files the destination listing held when compared (the base of -MaximumDeletePercent).</summary>
        public int DestinationFiles { get; internal set; }

        public override string ToString() => $"{Reason} {RelativePath}";
    }
}
