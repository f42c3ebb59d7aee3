using System;

namespace NetFoundations.Core.Ssh
{
    /// <summary>A remote file or directory. Carries its Session and Path so it pipes into download, remove and rename.</summary>
    public sealed class SftpItem
    {
        public SftpItem(SshSession session, string path, string name, long length, bool isDirectory, bool isSymbolicLink,
            DateTime lastWriteTime, string mode, int userId, int groupId)
        {
            Session = session;
            Path = path;
            Name = name;
            Length = length;
            IsDirectory = isDirectory;
            IsSymbolicLink = isSymbolicLink;
            LastWriteTime = lastWriteTime;
            Mode = mode;
            UserId = userId;
            GroupId = groupId;
        }

        public SshSession Session { get; }
        public string ComputerName => Session.ComputerName;
        /// <summary>The full remote path.</summary>
        public string Path { get; }
        public string Name { get; }
        public long Length { get; }
        public bool IsDirectory { get; }
        public bool IsSymbolicLink { get; }
        public DateTime LastWriteTime { get; }
        /// <summary>Type and permissions as ls -l shows them: drwxr-xr-x.</summary>
        public string Mode { get; }
        public int UserId { get; }
        public int GroupId { get; }

        public override string ToString() => Path;
    }

}
