using System;
using System.Collections.Generic;

namespace NetFoundations.Core.Mail
{
    /// <summary>An IMAP folder with its attributes and STATUS counts, and the session it was found in (so that it pipes on).</summary>
    public sealed class ImapFolderInfo
    {
        public ImapFolderInfo(ImapSession session, string name, string fullName, char delimiter, IReadOnlyList<string> attributes, string? specialUse,
            int count, int unseen, int recent, uint uidValidity, uint? uidNext)
        {
            Session = session;
            Name = name;
            FullName = fullName;
            Delimiter = delimiter;
            Attributes = attributes;
            SpecialUse = specialUse;
            Count = count;
            Unseen = unseen;
            Recent = recent;
            UidValidity = uidValidity;
            UidNext = uidNext;
        }

        public ImapSession Session { get; }
        public string Name { get; }
        /// <summary>The folder's path, with Delimiter between levels; what -Folder takes.</summary>
        public string FullName { get; }
        public char Delimiter { get; }
        public IReadOnlyList<string> Attributes { get; }
        /// <summary>Sent, Drafts, Trash, Junk, Archive, All, Flagged (RFC 6154), or null.</summary>
        public string? SpecialUse { get; }
        public int Count { get; }
        public int Unseen { get; }
        public int Recent { get; }
        public uint UidValidity { get; }
        public uint? UidNext { get; }
    }
}
