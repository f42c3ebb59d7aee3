using System;

namespace NetFoundations.Core
{
    public enum TranscriptDirection : long
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
}
