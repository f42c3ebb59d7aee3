using System;
using System.Text;
using FluentFTP;

namespace NetFoundations.Core.Ftp
{
    /// <summary>
    /// Feeds FluentFTP's log into the module's transcript: its commands as sent (PASS masked unless the transcript
    /// reveals secrets), its replies as received, inside TLS once the control connection is encrypted. The transcript
    /// is the one of the command running now (a session serves one command at a time).
    /// </summary>
    internal sealed class FtpTranscriptLogger : IFtpLogger
    {
        private const string CommandPrefix = "Command:  ";
        private const string ResponsePrefix = "Response: ";
        private const string StatusPrefix = "Status:   ";

        public Transcript? Target { get; set; }

        /// <summary>Whether the control connection is encrypted now.</summary>
        public Func<bool> Secure { get; set; } = () => false;

        public void Log(FtpLogEntry entry)
        {
            var transcript = Target;
            var message = entry.Message;
            if (transcript == null || string.IsNullOrEmpty(message))
                return;
            var secure = Secure();
            if (message.StartsWith(CommandPrefix, StringComparison.Ordinal))
            {
                var line = message.Substring(CommandPrefix.Length).TrimEnd();
                var bytes = Encoding.UTF8.GetBytes(line + "\r\n");
                if (line.StartsWith("PASS", StringComparison.OrdinalIgnoreCase))
                    transcript.SentSecret(bytes, 0, bytes.Length, "PASS ****", secure);
                else
                    transcript.Sent(bytes, 0, bytes.Length, secure);
            }
            else if (message.StartsWith(ResponsePrefix, StringComparison.Ordinal))
            {
                // FluentFTP logs each line of a multi-line reply with the prefix again.
                var reply = message.Substring(ResponsePrefix.Length).TrimEnd().Replace("\n" + ResponsePrefix, "\r\n");
                var bytes = Encoding.UTF8.GetBytes(reply + "\r\n");
                transcript.Received(bytes, 0, bytes.Length, secure);
            }
            else if (entry.Severity != FtpTraceLevel.Verbose && !message.StartsWith(">", StringComparison.Ordinal))
            {
                // FluentFTP's own function traces (">  Connect(...)") say nothing about the wire; its status lines do.
                transcript.Note(message.StartsWith(StatusPrefix, StringComparison.Ordinal) ? message.Substring(StatusPrefix.Length).Trim() : message.Trim());
            }
        }
    }
}
