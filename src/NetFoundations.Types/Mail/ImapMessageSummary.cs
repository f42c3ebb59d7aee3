using System;
using System.Collections.Generic;

namespace NetFoundations.Core.Mail
{
    /// <summary>One message as IMAP describes it (ENVELOPE, FLAGS, RFC822.SIZE, INTERNALDATE, BODYSTRUCTURE), fetched without marking it seen.</summary>
    public sealed class ImapMessageSummary
    {
        public ImapMessageSummary(ImapSession session, string folder, uint uid, uint uidValidity, int index, DateTimeOffset? date,
            DateTimeOffset? internalDate, string from, IReadOnlyList<string> to, string subject, long size, IReadOnlyList<string> flags,
            string? messageId, IReadOnlyList<string> attachmentNames)
        {
            Session = session;
            Folder = folder;
            Uid = uid;
            UidValidity = uidValidity;
            Index = index;
            Date = date;
            InternalDate = internalDate;
            From = from;
            To = to;
            Subject = subject;
            Size = size;
            Flags = flags;
            MessageId = messageId;
            AttachmentNames = attachmentNames;
        }

        /// <summary>The session it came from: binds -Session of the cmdlets it is piped into.</summary>
        public ImapSession Session { get; }
        public string Folder { get; }
        public uint Uid { get; }
        public uint UidValidity { get; }
        public int Index { get; }
        public DateTimeOffset? Date { get; }
        public DateTimeOffset? InternalDate { get; }
        public string From { get; }
        public IReadOnlyList<string> To { get; }
        public string Subject { get; }
        public long Size { get; }
        /// <summary>Seen, Answered, Flagged, Deleted, Draft and keywords.</summary>
        public IReadOnlyList<string> Flags { get; }
        public string? MessageId { get; }
        public IReadOnlyList<string> AttachmentNames { get; }
    }
}
