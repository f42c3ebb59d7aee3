using System;
using System.Collections.Generic;
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
        public int ReplyCode { get; }
        public string Reply { get; }
    }

    /// <summary>What became of one message handed to an SMTP server.</summary>
    public sealed class SmtpSendResult
    {
        public SmtpSendResult(string? messageId, string subject, string server, int port, bool sent, IReadOnlyList<SmtpRecipientResult> recipients,
            string? finalReply, string? tlsProtocol, TimeSpan duration, IReadOnlyList<TranscriptEntry> transcript)
        {
            MessageId = messageId;
            Subject = subject;
            Server = server;
            Port = port;
            Sent = sent;
            Recipients = recipients;
            FinalReply = finalReply;
            TlsProtocol = tlsProtocol;
            Duration = duration;
            Transcript = transcript;
        }

        public string? MessageId { get; }
        public string Subject { get; }
        public string Server { get; }
        public int Port { get; }
        /// <summary>False when nothing was sent (-WhatIf).</summary>
        public bool Sent { get; }
        public IReadOnlyList<SmtpRecipientResult> Recipients { get; }
        public IReadOnlyList<string> AcceptedRecipients => Recipients.Where(r => r.Accepted).Select(r => r.Address).ToArray();
        public IReadOnlyList<string> RejectedRecipients => Recipients.Where(r => !r.Accepted).Select(r => r.Address).ToArray();
        /// <summary>The server's reply to the end of DATA.</summary>
        public string? FinalReply { get; }
        /// <summary>Tls12, Tls13 … or null for plain text.</summary>
        public string? TlsProtocol { get; }
        public TimeSpan Duration { get; }
        public IReadOnlyList<TranscriptEntry> Transcript { get; }
    }
}
