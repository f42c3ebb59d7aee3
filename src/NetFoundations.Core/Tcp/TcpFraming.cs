using System;
using System.Collections.Generic;

namespace NetFoundations.Core.Tcp
{
    public enum TcpReceiveMode
    {
        /// <summary>Receive nothing: send, then close.</summary>
        None,
        /// <summary>Frames end with a delimiter (the delimiter is not part of the frame).</summary>
        Delimiter,
        /// <summary>Lines end with \n; a \r before it is dropped too.</summary>
        Lines,
        /// <summary>Exactly this many bytes, one frame.</summary>
        ByteCount,
        /// <summary>Each frame is preceded by its length, 2 or 4 bytes big-endian (the book's blocks.py).</summary>
        LengthPrefix,
        /// <summary>Everything until the peer closes its side, one frame.</summary>
        UntilClose,
    }

    /// <summary>How a conversation cuts the received byte stream into frames, and when it stops receiving.</summary>
    public sealed class TcpFraming
    {
        private TcpFraming(TcpReceiveMode mode, int count, byte[]? delimiter, int prefixSize)
        {
            Mode = mode;
            Count = count;
            Delimiter = delimiter;
            PrefixSize = prefixSize;
        }

        public TcpReceiveMode Mode { get; }

        /// <summary>Frames (or lines, or bytes for ByteCount) to receive; 0 for LengthPrefix means until an empty frame or the end of the stream.</summary>
        public int Count { get; }

        public byte[]? Delimiter { get; }

        /// <summary>2 or 4 for LengthPrefix; messages sent are framed with the same prefix.</summary>
        public int PrefixSize { get; }

        public static TcpFraming None { get; } = new TcpFraming(TcpReceiveMode.None, 0, null, 0);

        public static TcpFraming UntilClose { get; } = new TcpFraming(TcpReceiveMode.UntilClose, 0, null, 0);

        public static TcpFraming Delimited(byte[] delimiter, int frameCount = 1)
        {
            if (delimiter == null || delimiter.Length == 0)
                throw new ArgumentException("A delimiter needs at least one byte.", nameof(delimiter));
            return new TcpFraming(TcpReceiveMode.Delimiter, Positive(frameCount, nameof(frameCount)), (byte[])delimiter.Clone(), 0);
        }

        public static TcpFraming Lines(int lineCount) =>
            new TcpFraming(TcpReceiveMode.Lines, Positive(lineCount, nameof(lineCount)), new[] { (byte)'\n' }, 0);

        public static TcpFraming Exactly(int byteCount) =>
            new TcpFraming(TcpReceiveMode.ByteCount, Positive(byteCount, nameof(byteCount)), null, 0);

        /// <param name="frameCount">Frames to receive; 0 receives until an empty frame or the end of the stream, as blocks.py.</param>
        public static TcpFraming LengthPrefixed(int prefixSize, int frameCount = 0)
        {
            if (prefixSize != 2 && prefixSize != 4)
                throw new ArgumentOutOfRangeException(nameof(prefixSize), prefixSize, "A length prefix is 2 or 4 bytes.");
            if (frameCount < 0)
                throw new ArgumentOutOfRangeException(nameof(frameCount), frameCount, "The frame count cannot be negative.");
            return new TcpFraming(TcpReceiveMode.LengthPrefix, frameCount, null, prefixSize);
        }

        private static int Positive(int value, string name) =>
            value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, "The count must be at least 1.");

        /// <summary>The largest message the length prefix can describe.</summary>
        internal long MaxPrefixedLength => PrefixSize == 2 ? ushort.MaxValue : int.MaxValue;

        internal byte[] Prefix(int length)
        {
            if (PrefixSize == 2)
                return new[] { (byte)(length >> 8), (byte)length };
            return new[] { (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length };
        }

        internal FrameReader NewReader() => new FrameReader(this, requests: false);

        /// <summary>A reader for a server: frame after frame, each one request, however many come (Count is not used).</summary>
        internal FrameReader NewRequestReader() => new FrameReader(this, requests: true);
    }

    /// <summary>
    /// Cuts the bytes received so far into frames, as a TcpFraming says. A client's reader stops at the framing's
    /// count, and its limit bounds everything received; a server's (requests) reads frames without end, each one a
    /// request, its limit bounds each frame, and the caller drops the bytes of the frames it took (Drop).
    /// </summary>
    internal sealed class FrameReader
    {
        private readonly TcpFraming framing;
        private readonly bool requests;
        private int frameStart;
        private int searchFrom;

        public FrameReader(TcpFraming framing, bool requests)
        {
            this.framing = framing;
            this.requests = requests;
        }

        public List<byte[]> Frames { get; } = new List<byte[]>();

        public bool Done { get; private set; }

        /// <summary>At most how many bytes the next read may take, so exact framings never read past their end.</summary>
        public int MaxRead(int received)
        {
            switch (framing.Mode)
            {
                case TcpReceiveMode.ByteCount:
                    return framing.Count - received;
                default:
                    return int.MaxValue;
            }
        }

        /// <summary>Takes the frames that data[0..length) completes; sets Done when the framing is satisfied.</summary>
        /// <returns>Null, or why the data is unacceptable.</returns>
        public string? Advance(byte[] data, int length, long maxReceiveBytes)
        {
            switch (framing.Mode)
            {
                case TcpReceiveMode.ByteCount:
                    Done = length == framing.Count;
                    return null;
                case TcpReceiveMode.Delimiter:
                case TcpReceiveMode.Lines:
                    AdvanceDelimited(data, length);
                    return null;
                case TcpReceiveMode.LengthPrefix:
                    return AdvancePrefixed(data, length, maxReceiveBytes);
                default:
                    return null;
            }
        }

        /// <summary>
        /// Receiving is over: Done, or the stream ended. received holds every byte; the whole-stream
        /// framings take it as their one frame without a copy. Returns null when that is a proper end, else why not.
        /// </summary>
        public string? Finish(byte[] received)
        {
            var length = received.Length;
            switch (framing.Mode)
            {
                case TcpReceiveMode.UntilClose:
                case TcpReceiveMode.ByteCount when Done:
                    Frames.Add(received);
                    return null;
                case TcpReceiveMode.ByteCount:
                    return $"the peer closed the connection after {length} of {framing.Count} bytes";
                case var _ when Done:
                    return null;
                case TcpReceiveMode.LengthPrefix when framing.Count == 0 && frameStart == length:
                    return null;
                case TcpReceiveMode.LengthPrefix when frameStart < length:
                    return $"the peer closed the connection inside a frame ({length - frameStart} bytes of it received) after {Frames.Count} whole frames";
                case TcpReceiveMode.Lines:
                    return $"the peer closed the connection after {Frames.Count} of {framing.Count} lines";
                default:
                    return $"the peer closed the connection after {Frames.Count} of {framing.Count} frames";
            }
        }

        /// <summary>The bytes at the front of the data that whole frames have used up.</summary>
        public int Consumed => framing.Mode == TcpReceiveMode.ByteCount ? (Done ? framing.Count : 0) : frameStart;

        /// <summary>
        /// A server's reader forgets the frames it has handed out: the caller took Frames (or, for an exact byte count,
        /// its Consumed bytes) and moved the bytes after Consumed to the front of its buffer.
        /// </summary>
        public void Drop()
        {
            var consumed = Consumed;
            searchFrom = Math.Max(0, searchFrom - consumed);
            frameStart = 0;
            Frames.Clear();
            Done = false;
        }

        private void AdvanceDelimited(byte[] data, int length)
        {
            var delimiter = framing.Delimiter!;
            while (!Done)
            {
                var at = IndexOf(data, Math.Max(searchFrom, frameStart), length, delimiter);
                if (at < 0)
                {
                    searchFrom = Math.Max(frameStart, length - delimiter.Length + 1);
                    return;
                }
                var end = at;
                if (framing.Mode == TcpReceiveMode.Lines && end > frameStart && data[end - 1] == (byte)'\r')
                    end--;
                Frames.Add(Slice(data, frameStart, end - frameStart));
                frameStart = searchFrom = at + delimiter.Length;
                Done = !requests && Frames.Count == framing.Count;
            }
        }

        private string? AdvancePrefixed(byte[] data, int length, long maxReceiveBytes)
        {
            var prefix = framing.PrefixSize;
            while (!Done && length - frameStart >= prefix)
            {
                long frameLength = 0;
                for (var i = 0; i < prefix; i++)
                    frameLength = (frameLength << 8) | data[frameStart + i];
                if (requests && prefix + frameLength > maxReceiveBytes)
                    return $"the peer announced a request of {frameLength} bytes, beyond the limit of {maxReceiveBytes} bytes";
                if (!requests && frameStart + prefix + frameLength > maxReceiveBytes)
                    return $"the peer announced a frame of {frameLength} bytes, beyond the limit of {maxReceiveBytes} bytes received";
                if (length - frameStart - prefix < frameLength)
                    return null;
                var frame = Slice(data, frameStart + prefix, (int)frameLength);
                frameStart += prefix + (int)frameLength;
                if (!requests && framing.Count == 0 && frameLength == 0)
                {
                    Done = true;
                    break;
                }
                Frames.Add(frame);
                Done = !requests && framing.Count > 0 && Frames.Count == framing.Count;
            }
            return null;
        }

        private static int IndexOf(byte[] data, int from, int length, byte[] pattern)
        {
            var first = pattern[0];
            for (var i = from; i <= length - pattern.Length; i++)
            {
                i = Array.IndexOf(data, first, i, length - pattern.Length + 1 - i);
                if (i < 0)
                    return -1;
                var match = true;
                for (var j = 1; j < pattern.Length && match; j++)
                    match = data[i + j] == pattern[j];
                if (match)
                    return i;
            }
            return -1;
        }

        private static byte[] Slice(byte[] data, int offset, int count)
        {
            var slice = new byte[count];
            Buffer.BlockCopy(data, offset, slice, 0, count);
            return slice;
        }
    }
}
