using System;
using System.Collections.Generic;
using NetFoundations.Core.Tcp;

namespace NetFoundations.Core.Servers
{
    /// <summary>
    /// One connection's protocol, without its input and output: bytes received go in (into ReadSpace, then Received),
    /// answers to send come out. Requests are cut by the client's own frame reader (TcpFraming), each bounded by
    /// MaxRequestBytes. Every architecture drives it its own way — awaiting, blocking, or from an event loop — so they
    /// differ only in how they wait, never in what they say.
    /// </summary>
    internal sealed class ServerConnection
    {
        private const int ReadChunk = 64 * 1024;
        private static readonly byte[] LineEnd = { (byte)'\n' };

        private readonly TcpFraming framing;
        private readonly TcpService service;
        private readonly int maxRequestBytes;
        private readonly TimeSpan delay;
        private readonly FrameReader reader;
        private byte[] buffer = new byte[4096];
        private int length;

        public ServerConnection(TcpFraming framing, TcpService service, int maxRequestBytes, TimeSpan delay, string peer)
        {
            this.framing = framing;
            this.service = service;
            this.maxRequestBytes = maxRequestBytes;
            this.delay = delay;
            Peer = peer;
            reader = framing.NewRequestReader();
        }

        /// <summary>The client, host:port, for error messages.</summary>
        public string Peer { get; }

        /// <summary>True once a request that takes the whole stream (UntilClose) has been answered: close after sending.</summary>
        public bool Finished { get; private set; }

        /// <summary>
        /// Where the next read goes: never more than one byte beyond the request limit (enough to know a request went
        /// past it), never past an exact byte count.
        /// </summary>
        public ArraySegment<byte> ReadSpace()
        {
            var want = (int)Math.Min(Math.Min((long)maxRequestBytes + 1 - length, reader.MaxRead(length)), ReadChunk);
            if (buffer.Length - length < want)
                Array.Resize(ref buffer, (int)Math.Min(Math.Max((long)buffer.Length * 2, length + want), (long)maxRequestBytes + 1));
            return new ArraySegment<byte>(buffer, length, want);
        }

        /// <summary>Takes count bytes just read into ReadSpace; returns the answers to the requests they complete.</summary>
        public IReadOnlyList<ServiceAnswer> Received(int count)
        {
            length += count;
            var problem = reader.Advance(buffer, length, maxRequestBytes);
            if (problem != null)
                throw new ProtocolViolationException($"{Peer}: {problem}.", Peer);

            var answers = new List<ServiceAnswer>();
            if (framing.Mode == TcpReceiveMode.ByteCount)
            {
                if (reader.Done)
                    answers.Add(Answer(Slice(0, framing.Count)));
            }
            else
            {
                foreach (var request in reader.Frames)
                    answers.Add(Answer(request));
            }
            var consumed = reader.Consumed;
            Buffer.BlockCopy(buffer, consumed, buffer, 0, length - consumed);
            length -= consumed;
            reader.Drop();
            if (length > maxRequestBytes)
                throw new ProtocolViolationException(
                    $"{Peer} sent a request longer than the {maxRequestBytes} bytes allowed (MaxRequestBytes).", Peer);
            return answers;
        }

        /// <summary>The client closed its sending side: the request that was the whole stream, or nothing; a request cut off is a fault.</summary>
        public IReadOnlyList<ServiceAnswer> Ended()
        {
            if (framing.Mode == TcpReceiveMode.UntilClose)
            {
                Finished = true;
                return new[] { Answer(Slice(0, length)) };
            }
            if (length > 0)
                throw new ProtocolViolationException($"{Peer} closed the connection inside a request ({length} bytes of it received).", Peer);
            return Array.Empty<ServiceAnswer>();
        }

        private ServiceAnswer Answer(byte[] request)
        {
            var reply = service.Reply(request);
            return new ServiceAnswer(reply == null || service.FramesItsReplies ? reply : Frame(reply), delay);
        }

        /// <summary>A reply goes back framed as its request came.</summary>
        private byte[] Frame(byte[] payload)
        {
            switch (framing.Mode)
            {
                case TcpReceiveMode.Lines:
                    return Concat(payload, LineEnd);
                case TcpReceiveMode.Delimiter:
                    return Concat(payload, framing.Delimiter!);
                case TcpReceiveMode.LengthPrefix:
                    return Concat(framing.Prefix(payload.Length), payload);
                default:
                    return payload;
            }
        }

        private static byte[] Concat(byte[] first, byte[] second)
        {
            var both = new byte[first.Length + second.Length];
            Buffer.BlockCopy(first, 0, both, 0, first.Length);
            Buffer.BlockCopy(second, 0, both, first.Length, second.Length);
            return both;
        }

        private byte[] Slice(int offset, int count)
        {
            var slice = new byte[count];
            Buffer.BlockCopy(buffer, offset, slice, 0, count);
            return slice;
        }
    }
}
