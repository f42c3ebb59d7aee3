using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;

namespace NetFoundations.Core.Mail
{
    /// <summary>One recipient's fate: the server's reply to RCPT TO.</summary>
    public sealed class SmtpRecipientResult
    {
        public SmtpRecipientResult(string address, bool accepted, int replyCode, string reply)
        {
            Address = address;
            Accepted = accepted;
            ReplyCode = replyCode;
            Reply = reply;
        }

        public string Address { get; }
        public bool Accepted { get; }
        /// <summary>The server refused it; false when the server was never asked (a message not sent).</summary>
        public bool Rejected => !Accepted && ReplyCode != 0;
        /// <summary>The server's reply to RCPT TO; 0 when it was never asked.</summary>
        public int ReplyCode { get; }
        public string Reply { get; }
    }

    /// <summary>What became of one message handed to an SMTP server.</summary>
    public sealed class SmtpSendResult
    {
        private readonly IReadOnlyList<TranscriptEntry> transcript;

        public SmtpSendResult(string? messageId, string subject, string server, int port, bool sent, IReadOnlyList<SmtpRecipientResult> recipients,
            string? finalReply, string? tlsProtocol, TimeSpan duration, IReadOnlyList<TranscriptEntry> transcript)
        {
            MessageId = messageId;
            Subject = subject;
            Server = server;
            Port = port;
            Sent = sent;
            // A collection, not an array, so that PowerShell's $result.Recipients.Address lists the addresses
            // (on an array it finds the array's own Address method).
            Recipients = new ReadOnlyCollection<SmtpRecipientResult>(recipients.ToList());
            FinalReply = finalReply;
            TlsProtocol = tlsProtocol;
            DurationMs = duration.TotalMilliseconds;
            this.transcript = transcript;
        }

        public string? MessageId { get; }
        public string Subject { get; }
        public string Server { get; }
        public int Port { get; }
        /// <summary>False when nothing was sent (-WhatIf).</summary>
        public bool Sent { get; }
        public IReadOnlyList<SmtpRecipientResult> Recipients { get; }
        public IReadOnlyList<string> AcceptedRecipients => Recipients.Where(r => r.Accepted).Select(r => r.Address).ToArray();
        /// <summary>The recipients the server refused; none when the message was not sent.</summary>
        public IReadOnlyList<string> RejectedRecipients => Recipients.Where(r => r.Rejected).Select(r => r.Address).ToArray();
        /// <summary>The server's reply to the end of DATA.</summary>
        public string? FinalReply { get; }
        /// <summary>Tls12, Tls13 … or null for plain text.</summary>
        public string? TlsProtocol { get; }
        public double DurationMs { get; }

        /// <summary>The conversation for this message; kept out of the properties so that a log of results stays small.</summary>
        public IReadOnlyList<TranscriptEntry> GetTranscript() => transcript;
    }
}
