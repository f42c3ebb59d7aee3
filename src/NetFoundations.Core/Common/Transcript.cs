using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetFoundations.Core
{
    /// <summary>
    /// Records what crosses the network, in order, from any thread. Listeners (a file, a live
    /// verbose view) subscribe to EntryAdded and see every entry as it comes. Secrets are redacted
    /// unless RevealSecrets is set, also where the peer echoes them back.
    /// What the transcript keeps is bounded, so a peer that talks without end cannot fill memory:
    /// the first and the last entries (up to MaxKeptEntries and MaxKeptChars of text at each end)
    /// and, between them, one note saying how much was dropped.
    /// </summary>
    public sealed class Transcript
    {
        public const int MaxTextPerEntry = 4096;
        /// <summary>The most entries kept at the start and, again, at the end.</summary>
        public const int MaxKeptEntries = 1000;
        /// <summary>The most characters of entry text kept at the start and, again, at the end.</summary>
        public const int MaxKeptChars = 1 << 20;
        private const string MaskedText = "(secret not shown)";
        private readonly List<TranscriptEntry> head = new List<TranscriptEntry>();
        private readonly Queue<TranscriptEntry> tail = new Queue<TranscriptEntry>();
        private readonly List<byte[]> secrets = new List<byte[]>();
        private readonly object gate = new object();
        private long headChars, tailChars, droppedEntries, droppedBytes;
        private DateTimeOffset lastDropped;
        private byte[] receivedEnd = Array.Empty<byte>();

        public Transcript(bool revealSecrets = false)
        {
            RevealSecrets = revealSecrets;
        }

        public bool RevealSecrets { get; }

        public event Action<TranscriptEntry>? EntryAdded;

        /// <summary>The entries kept: the first ones, a note of what was dropped (if anything was), the last ones.</summary>
        public IReadOnlyList<TranscriptEntry> Entries
        {
            get
            {
                lock (gate)
                {
                    var kept = new List<TranscriptEntry>(head.Count + tail.Count + 1);
                    kept.AddRange(head);
                    if (droppedEntries > 0)
                        kept.Add(new TranscriptEntry(lastDropped, TranscriptDirection.Info, 0,
                            string.Format(CultureInfo.InvariantCulture, "{0:N0} entries ({1} on the wire) dropped: the transcript keeps only its start and its end",
                                droppedEntries, FormatSize(droppedBytes))));
                    kept.AddRange(tail);
                    return kept.ToArray();
                }
            }
        }

        public void Sent(byte[] data, int offset, int count, bool secure = false) =>
            Add(secure ? TranscriptDirection.SentSecure : TranscriptDirection.Sent, count, Describe(data, offset, count));

        /// <summary>Records received bytes; a secret registered by MaskEchoesOf is shown masked, also when its echo comes in pieces.</summary>
        public void Received(byte[] data, int offset, int count, bool secure = false) =>
            Add(secure ? TranscriptDirection.ReceivedSecure : TranscriptDirection.Received, count, DescribeReceived(data, offset, count));

        /// <summary>Records a send that holds a secret; the redacted text stands in for it unless secrets are revealed.</summary>
        public void SentSecret(byte[] data, int offset, int count, string redactedText, bool secure = false) =>
            Add(secure ? TranscriptDirection.SentSecure : TranscriptDirection.Sent, count,
                RevealSecrets ? Describe(data, offset, count) : redactedText);

        /// <summary>
        /// Masks a secret the user sent (a password typed at a prompt) wherever the peer sends it back, unless
        /// secrets are revealed. Where a received piece ends with the start of a secret, that start is masked
        /// too, as the rest may follow in the next piece: a few innocent characters may be masked, never the secret shown.
        /// </summary>
        public void MaskEchoesOf(string secret)
        {
            if (RevealSecrets || string.IsNullOrEmpty(secret))
                return;
            var bytes = Encoding.UTF8.GetBytes(secret);
            lock (gate)
            {
                if (!secrets.Exists(s => s.Length == bytes.Length && Matches(s, 0, bytes, bytes.Length)))
                    secrets.Add(bytes);
            }
        }

        public void Note(string text) => Add(TranscriptDirection.Info, 0, text);

        public void ClientError(string text) => Add(TranscriptDirection.ClientError, 0, text);

        private void Add(TranscriptDirection direction, int byteCount, string text)
        {
            var entry = new TranscriptEntry(DateTimeOffset.Now, direction, byteCount, text);
            lock (gate) { Keep(entry); }
            EntryAdded?.Invoke(entry);
        }

        /// <summary>Keeps the entry at the start while there is room there, else at the end, dropping the oldest entries of the end.</summary>
        private void Keep(TranscriptEntry entry)
        {
            if (tail.Count == 0 && droppedEntries == 0 && head.Count < MaxKeptEntries && headChars + entry.Text.Length <= MaxKeptChars)
            {
                head.Add(entry);
                headChars += entry.Text.Length;
                return;
            }
            tail.Enqueue(entry);
            tailChars += entry.Text.Length;
            while (tail.Count > 1 && (tail.Count > MaxKeptEntries || tailChars > MaxKeptChars))
            {
                var dropped = tail.Dequeue();
                tailChars -= dropped.Text.Length;
                droppedEntries++;
                droppedBytes += dropped.ByteCount;
                lastDropped = dropped.Time;
            }
        }

        private static string FormatSize(long bytes) =>
            bytes < 1 << 10 ? string.Format(CultureInfo.InvariantCulture, "{0} bytes", bytes)
            : bytes < 1 << 20 ? string.Format(CultureInfo.InvariantCulture, "{0:0.#} KiB", bytes / 1024.0)
            : bytes < 1 << 30 ? string.Format(CultureInfo.InvariantCulture, "{0:0.#} MiB", bytes / (1024.0 * 1024))
            : string.Format(CultureInfo.InvariantCulture, "{0:0.#} GiB", bytes / (1024.0 * 1024 * 1024));

        /// <summary>Describes received bytes with the registered secrets masked, across the boundaries between pieces.</summary>
        private string DescribeReceived(byte[] data, int offset, int count)
        {
            byte[][] masks;
            byte[] before;
            lock (gate)
            {
                if (secrets.Count == 0)
                    return Describe(data, offset, count);
                masks = secrets.ToArray();
                before = receivedEnd;
            }
            // Search the end of the previous piece joined to this one, so a secret cut in two is found; mark what lies in this piece.
            var joined = new byte[before.Length + count];
            Buffer.BlockCopy(before, 0, joined, 0, before.Length);
            Buffer.BlockCopy(data, offset, joined, before.Length, count);
            var masked = new bool[count];
            var longest = 0;
            foreach (var secret in masks)
            {
                longest = Math.Max(longest, secret.Length);
                for (var start = 0; start < joined.Length; start++)
                {
                    // A whole secret, or the start of one that reaches the end of this piece.
                    var length = Math.Min(secret.Length, joined.Length - start);
                    if (!Matches(joined, start, secret, length))
                        continue;
                    for (var i = Math.Max(start, before.Length); i < start + length; i++)
                        masked[i - before.Length] = true;
                }
            }
            var keep = Math.Min(longest - 1, joined.Length);
            var end = new byte[keep];
            Buffer.BlockCopy(joined, joined.Length - keep, end, 0, keep);
            lock (gate) { receivedEnd = end; }
            return DescribeMasked(data, offset, count, masked);
        }

        private static bool Matches(byte[] data, int start, byte[] secret, int length)
        {
            for (var i = 0; i < length; i++)
                if (data[start + i] != secret[i])
                    return false;
            return true;
        }

        /// <summary>Describes the bytes with each run of masked ones shown as one "(secret not shown)".</summary>
        private static string DescribeMasked(byte[] data, int offset, int count, bool[] masked)
        {
            var text = new StringBuilder();
            var shown = Math.Min(count, MaxTextPerEntry);
            var i = 0;
            while (i < shown)
            {
                var run = i;
                while (run < shown && masked[run] == masked[i])
                    run++;
                text.Append(masked[i] ? MaskedText : DescribeText(data, offset + i, run - i));
                i = run;
            }
            if (count > shown)
                text.Append($" ... ({count - shown} more bytes)");
            return text.ToString();
        }

        /// <summary>Shows bytes as text where they are text, with \r \n \t and \xNN for the rest; at most MaxTextPerEntry bytes.</summary>
        public static string Describe(byte[] data, int offset, int count)
        {
            var shown = Math.Min(count, MaxTextPerEntry);
            var text = DescribeText(data, offset, shown);
            return count > shown ? text + $" ... ({count - shown} more bytes)" : text;
        }

        private static string DescribeText(byte[] data, int offset, int count)
        {
            var text = new StringBuilder(count + 16);
            var decoded = Encoding.UTF8.GetString(data, offset, count);
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
            return text.ToString();
        }
    }
}
