using System;
using System.Collections.Generic;
using System.Text;

namespace NetFoundations.Core
{
    public enum TranscriptDirection
    {
        Sent,
        Received,
        SentSecure,
        ReceivedSecure,
        Info,
        ClientError,
    }

    /// <summary>One step of a conversation on the wire.</summary>
    public sealed class TranscriptEntry
    {
        public TranscriptEntry(DateTimeOffset time, TranscriptDirection direction, int byteCount, string text)
        {
            Time = time;
            Direction = direction;
            ByteCount = byteCount;
            Text = text;
        }

        public DateTimeOffset Time { get; }
        public TranscriptDirection Direction { get; }
        public int ByteCount { get; }
        public string Text { get; }

        /// <summary>swaks's markers: -> sent, &lt;- received, ~> and &lt;~ inside TLS, *** client error, == note.</summary>
        public string Marker => Direction switch
        {
            TranscriptDirection.Sent => "->",
            TranscriptDirection.Received => "<-",
            TranscriptDirection.SentSecure => "~>",
            TranscriptDirection.ReceivedSecure => "<~",
            TranscriptDirection.ClientError => "***",
            _ => "==",
        };

        public override string ToString()
        {
            var size = Direction == TranscriptDirection.Info || Direction == TranscriptDirection.ClientError
                ? string.Empty
                : $" [{ByteCount} bytes]";
            return $"{Time:HH:mm:ss.fff} {Marker}{size} {Text}";
        }
    }

    /// <summary>
    /// Records what crosses the network, in order, from any thread. Listeners (a file, a live
    /// verbose view) subscribe to EntryAdded. Secrets are redacted unless RevealSecrets is set.
    /// </summary>
    public sealed class Transcript
    {
        public const int MaxTextPerEntry = 4096;
        private readonly List<TranscriptEntry> entries = new List<TranscriptEntry>();
        private readonly object gate = new object();

        public Transcript(bool revealSecrets = false)
        {
            RevealSecrets = revealSecrets;
        }

        public bool RevealSecrets { get; }

        public event Action<TranscriptEntry>? EntryAdded;

        public IReadOnlyList<TranscriptEntry> Entries
        {
            get { lock (gate) { return entries.ToArray(); } }
        }

        public void Sent(byte[] data, int offset, int count, bool secure = false) =>
            Add(secure ? TranscriptDirection.SentSecure : TranscriptDirection.Sent, count, Describe(data, offset, count));

        public void Received(byte[] data, int offset, int count, bool secure = false) =>
            Add(secure ? TranscriptDirection.ReceivedSecure : TranscriptDirection.Received, count, Describe(data, offset, count));

        /// <summary>Records a send that holds a secret; the redacted text stands in for it unless secrets are revealed.</summary>
        public void SentSecret(byte[] data, int offset, int count, string redactedText, bool secure = false) =>
            Add(secure ? TranscriptDirection.SentSecure : TranscriptDirection.Sent, count,
                RevealSecrets ? Describe(data, offset, count) : redactedText);

        public void Note(string text) => Add(TranscriptDirection.Info, 0, text);

        public void ClientError(string text) => Add(TranscriptDirection.ClientError, 0, text);

        private void Add(TranscriptDirection direction, int byteCount, string text)
        {
            var entry = new TranscriptEntry(DateTimeOffset.Now, direction, byteCount, text);
            lock (gate) { entries.Add(entry); }
            EntryAdded?.Invoke(entry);
        }

        /// <summary>Shows bytes as text where they are text, with \r \n \t and \xNN for the rest.</summary>
        public static string Describe(byte[] data, int offset, int count)
        {
            var shown = Math.Min(count, MaxTextPerEntry);
            var text = new StringBuilder(shown + 16);
            var decoded = Encoding.UTF8.GetString(data, offset, shown);
            foreach (var c in decoded)
            {
                switch (c)
                {
                    case '\r': text.Append("\\r"); break;
                    case '\n': text.Append("\\n"); break;
                    case '\t': text.Append("\\t"); break;
                    case '\\': text.Append("\\\\"); break;
                    default:
                        if (c < 0x20 || c == 0x7f || c == '\uFFFD')
                            text.Append(c == '\uFFFD' ? "\\x??" : $"\\x{(int)c:X2}");
                        else
                            text.Append(c);
                        break;
                }
            }
            if (count > shown)
                text.Append($" ... ({count - shown} more bytes)");
            return text.ToString();
        }
    }
}
