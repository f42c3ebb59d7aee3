using System;

namespace NetFoundations.Core.Mail
{
    /// <summary>The system flags a cmdlet can set or clear; keywords are passed as text.</summary>
    [Flags]
    public enum ImapFlag : long { None = 0, Seen = 1, Answered = 2, Flagged = 4, Deleted = 8, Draft = 16 }
}
