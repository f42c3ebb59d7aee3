using System;

namespace NetFoundations.Core.Mail
{
    /// <summary>One message of a POP3 mailbox: LIST and UIDL, and with headers (TOP n 0) its sender, date and subject.</summary>
    public sealed class Pop3MessageInfo
    {
        public Pop3MessageInfo(string computerName, int port, int number, string uid, long size, string? from, DateTimeOffset? date, string? subject)
        {
            ComputerName = computerName;
            Port = port;
            Number = number;
            Uid = uid;
            Size = size;
            From = from;
            Date = date;
            Subject = subject;
        }

        public string ComputerName { get; }
        public int Port { get; }
        /// <summary>The message number in the session that listed it (numbers change between sessions; UIDs do not).</summary>
        public int Number { get; }
        public string Uid { get; }
        public long Size { get; }
        public string? From { get; }
        public DateTimeOffset? Date { get; }
        public string? Subject { get; }
    }
}
