using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Tcp;

namespace NetFoundations.Core.Servers
{
    /// <summary>
    /// One connection's protocol, without its input and output: bytes received go in (into ReadSpace, then Received),
    /// answers to send come out. Requests are cut by the client's own frame reader (TcpFraming), each bounded by
    /// MaxRequestBytes. Every architecture drives it its own way — awaiting, blocking, or from an event loop — so they
    /// differ only in how they wait, never in what they say. Received answers at once, calling a handler where the
    /// service has one and waiting for it on the calling thread; ReceivedAsync awaits the handler instead, so an
    /// asynchronous architecture holds no thread while a handler works.
    /// </summary>
    internal sealed class ServerConnection
    {
        private const int ReadChunk = 64 * 1024;
        private static readonly byte[] LineFeed = { (byte)'\n' };
        private static readonly byte[] CarriageReturnLineFeed = { (byte)'\r', (byte)'\n' };

        private readonly TcpFraming framing;
        private readonly TcpService service;
        private readonly int maxRequestBytes;
        private readonly TimeSpan delay;
        private readonly FrameReader reader;
        private readonly byte[]? greeting;
        private byte[] buffer = new byte[4096];
        private int length;
        // Lines are answered with the line end the client used last; before it has sent one, the Internet's CR LF.
        private byte[] lineEnd = CarriageReturnLineFeed;

        private readonly CancellationToken stopping;

        /// <param name="stopping">Cancelled when the server stops; the service's handler is called with it.</param>
        public ServerConnection(TcpFraming framing, TcpService service, int maxRequestBytes, TimeSpan delay, byte[]? greeting, TcpServerPeer client,
            CancellationToken stopping)
        {
            this.stopping = stopping;
            this.framing = framing;
            this.service = service;
            this.maxRequestBytes = maxRequestBytes;
            this.delay = delay;
            this.greeting = greeting;
            Client = client;
            Peer = client.ToString();
            reader = framing.NewRequestReader();
        }

        /// <summary>The client, host:port, for error messages.</summary>
        public string Peer { get; }

        /// <summary>The client as the service's handler sees it.</summary>
        public TcpServerPeer Client { get; }

        /// <summary>
        /// True once a request that takes the whole stream (UntilClose) has been answered, or the handler asked to close:
        /// close after sending. Requests that came after it are not answered.
        /// </summary>
        public bool Finished { get; private set; }

        /// <summary>What the server says first, before the client has asked anything (an SMTP or POP greeting), framed as replies are; null for nothing.</summary>
        public byte[]? Greeting() => greeting == null ? null : Frame(greeting);

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
            var requests = Requests(count);
            var answers = new List<ServiceAnswer>(requests.Count);
            foreach (var request in requests)
            {
                if (Finished)
                    break;
                try
                {
                    answers.Add(Answer(service.Reply(request, Client, stopping)));
                }
                catch (Exception e) when (!(e is OperationCanceledException))
                {
                    Fail(answers, e);
                }
            }
            return answers;
        }

        /// <summary>As Received, awaiting the service's handler rather than blocking on it.</summary>
        public async Task<IReadOnlyList<ServiceAnswer>> ReceivedAsync(int count)
        {
            if (!service.Awaits)
                return Received(count);
            var requests = Requests(count);
            var answers = new List<ServiceAnswer>(requests.Count);
            foreach (var request in requests)
            {
                if (Finished)
                    break;
                try
                {
                    answers.Add(Answer(await service.ReplyAsync(request, Client, stopping).ConfigureAwait(false)));
                }
                catch (Exception e) when (!(e is OperationCanceledException))
                {
                    Fail(answers, e);
                }
            }
            return answers;
        }

        /// <summary>The client closed its sending side: the request that was the whole stream, or nothing; a request cut off is a fault.</summary>
        public IReadOnlyList<ServiceAnswer> Ended()
        {
            if (framing.Mode == TcpReceiveMode.UntilClose)
            {
                Finished = true;
                var request = Slice(0, length);
                return new[] { Answer(service.Reply(request, Client, stopping)) };
            }
            if (length > 0)
                throw new ProtocolViolationException($"{Peer} closed the connection inside a request ({length} bytes of it received).", Peer);
            return Array.Empty<ServiceAnswer>();
        }

        /// <summary>As Ended, awaiting the service's handler rather than blocking on it.</summary>
        public async Task<IReadOnlyList<ServiceAnswer>> EndedAsync()
        {
            if (!service.Awaits || framing.Mode != TcpReceiveMode.UntilClose)
                return Ended();
            Finished = true;
            var request = Slice(0, length);
            return new[] { Answer(await service.ReplyAsync(request, Client, stopping).ConfigureAwait(false)) };
        }

        /// <summary>A request the service failed on: the answers before it still go out, then the connection ends with the failure.</summary>
        private void Fail(List<ServiceAnswer> answers, Exception failure)
        {
            answers.Add(ServiceAnswer.Failed(failure));
            Finished = true;
        }

        /// <summary>The requests that count more bytes complete, cut from the buffer.</summary>
        private List<byte[]> Requests(int count)
        {
            length += count;
            var problem = reader.Advance(buffer, length, maxRequestBytes);
            if (problem != null)
                throw new ProtocolViolationException($"{Peer}: {problem}.", Peer);

            var requests = new List<byte[]>();
            if (framing.Mode == TcpReceiveMode.ByteCount)
            {
                if (reader.Done)
                    requests.Add(Slice(0, framing.Count));
            }
            else
            {
                requests.AddRange(reader.Frames);
            }
            var consumed = reader.Consumed;
            if (framing.Mode == TcpReceiveMode.Lines && consumed > 0)
                lineEnd = consumed >= 2 && buffer[consumed - 2] == (byte)'\r' ? CarriageReturnLineFeed : LineFeed;
            Buffer.BlockCopy(buffer, consumed, buffer, 0, length - consumed);
            length -= consumed;
            reader.Drop();
            if (length > maxRequestBytes)
                throw new ProtocolViolationException(
                    $"{Peer} sent a request longer than the {maxRequestBytes} bytes allowed (MaxRequestBytes).", Peer);
            return requests;
        }

        /// <summary>The replies to one request, each framed as the request came unless the service frames its own, as one send.</summary>
        private ServiceAnswer Answer(IReadOnlyList<byte[]> replies)
        {
            Client.RequestReceived();
            if (Client.CloseRequested)
                Finished = true;
            if (replies.Count == 0)
                return new ServiceAnswer(null, delay);
            if (replies.Count == 1)
                return new ServiceAnswer(service.FramesItsReplies ? replies[0] : Frame(replies[0]), delay);
            var framed = new List<byte[]>(replies.Count);
            var total = 0L;
            foreach (var reply in replies)
            {
                var bytes = service.FramesItsReplies ? reply : Frame(reply);
                framed.Add(bytes);
                total += bytes.Length;
            }
            if (total > int.MaxValue)
                throw new InvalidNetworkRequestException($"The replies to one request from {Peer} add up to more than 2 GiB.", Peer);
            var all = new byte[total];
            var offset = 0;
            foreach (var bytes in framed)
            {
                Buffer.BlockCopy(bytes, 0, all, offset, bytes.Length);
                offset += bytes.Length;
            }
            return new ServiceAnswer(all, delay);
        }

        /// <summary>A reply goes back framed as its request came.</summary>
        private byte[] Frame(byte[] payload)
        {
            switch (framing.Mode)
            {
                case TcpReceiveMode.Lines:
                    return Concat(payload, lineEnd);
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
