using System;

namespace NetFoundations.Core.Ftp
{
    public enum FtpItemType : long
    {
        File,
        Directory,
        Link,
    }

    /// <summary>A remote file, directory or link from a listing. Carries its Session and Path so it pipes into the next cmdlet.</summary>
    public sealed class FtpItem
    {
        public FtpItem(FtpSession session, string path, string name, FtpItemType type, long size, DateTime? modified,
            string? permissions, string? owner, string? group, string? linkTarget)
        {
            Session = session;
            Path = path;
            Name = name;
            Type = type;
            Size = size;
            Modified = modified;
            Permissions = permissions;
            Owner = owner;
            Group = group;
            LinkTarget = linkTarget;
        }

        public FtpSession Session { get; }
        public string ComputerName => Session.ComputerName;
        /// <summary>The full remote path.</summary>
        public string Path { get; }
        /// <summary>The full remote path (the same as Path).</summary>
        public string FullName => Path;
        public string Name { get; }
        public FtpItemType Type { get; }
        public bool IsDirectory => Type == FtpItemType.Directory;
        /// <summary>Bytes; -1 when the listing did not say.</summary>
        public long Size { get; }
        /// <summary>The last change, in UTC as the listing gives it (MLSD's modify fact; LIST's date, read as UTC); null when unknown.</summary>
        public DateTime? Modified { get; }
        /// <summary>Type and permissions as ls -l shows them (drwxr-xr-x), or MLSD's perm fact; null when the listing has none.</summary>
        public string? Permissions { get; }
        public string? Owner { get; }
        public string? Group { get; }
        /// <summary>Where a link points, when the listing says.</summary>
        public string? LinkTarget { get; }

        public override string ToString() => Path;
    }
}
