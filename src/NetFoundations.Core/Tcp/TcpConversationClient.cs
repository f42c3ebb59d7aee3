using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Tls;

namespace NetFoundations.Core.Tcp
{
    /// <summary>
    /// One TCP conversation: connect, send the messages while receiving the reply, then close.
    /// Sending and receiving run at the same time, so a peer that answers while it reads never
    /// deadlocks with us however large the payloads (the book's tcp_deadlock.py).
    /// With request.Tls the connection is first upgraded to TLS with verification (the book's safe_tls client).
    /// </summary>
    public static class TcpConversationClient
    {
        private const int SendChunk = 256 * 1024;
        private const int ReceiveChunk = 256 * 1024;

        public static async Task<TcpConversation> InvokeAsync(TcpConversationRequest request, Transcript transcript,
            Action<TcpTransferStatus>? progress, CancellationToken cancellationToken)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            if (transcript == null) throw new ArgumentNullException(nameof(transcript));
            var target = Endpoints.Format(request.ComputerName, request.Port);
            var framing = request.Framing;
            var toSend = request.Messages.Sum(m => (long)m.Length + framing.PrefixSize);
            if (framing.Mode == TcpReceiveMode.LengthPrefix && request.Messages.Any(m => m.Length > framing.MaxPrefixedLength))
                throw new InvalidNetworkRequestException(
                    $"A message longer than {framing.MaxPrefixedLength} bytes does not fit a {framing.PrefixSize}-byte length prefix.", target);

            var clock = Stopwatch.StartNew();
            var socket = await TcpConnector.ConnectAsync(request.ComputerName, request.Addresses, request.Port, request.Timeout, cancellationToken, transcript)
                .ConfigureAwait(false);
            var connectTime = clock.Elapsed;
            var remote = (IPEndPoint)socket.RemoteEndPoint;
            var local = (IPEndPoint)socket.LocalEndPoint;
            transcript.Note($"Connected to {Endpoints.Format(remote.Address.ToString(), remote.Port)} from {Endpoints.Format(local.Address.ToString(), local.Port)}");

            Stream stream = new NetworkStream(socket, ownsSocket: true);
            TlsSessionInfo? tls = null;
            if (request.Tls != null)
            {
                // Bounded by the timeout and cancellable on its own; closes the connection when it fails.
                var connection = await TlsUpgrade.AuthenticateAsync(stream, request.ComputerName, request.Tls, request.Timeout, transcript, cancellationToken)
                    .ConfigureAwait(false);
                stream = connection.Stream;
                tls = connection.Session;
            }

            var exchange = new Exchange(socket, stream, tls != null, request, transcript, clock, target);
            using (var watchdog = new Watchdog(socket, request.Timeout, () => progress?.Invoke(exchange.Status(toSend))))
            using (cancellationToken.Register(socket.Dispose))
            {
                exchange.Watchdog = watchdog;
                try
                {
                    await Task.WhenAll(exchange.Guard(exchange.SendAsync), exchange.Guard(exchange.ReceiveAsync)).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        TcpConnector.NoteFailure(transcript, $"The conversation with {target} ({exchange.Sent} bytes sent, {exchange.ReceivedCount} received)",
                            new OperationCanceledException(cancellationToken), clock.Elapsed);
                        cancellationToken.ThrowIfCancellationRequested();
                    }
                    var error = watchdog.Fired
                        ? new NetworkTimeoutException($"{target} neither sent nor accepted anything for {request.Timeout.TotalSeconds:0.###} s.", target)
                        : SocketErrors.OfConnection(exchange.FirstError!, target);
                    transcript.ClientError(error.Message);
                    throw error;
                }
                finally
                {
                    stream.Dispose();
                }
            }

            transcript.Note($"Closed after {exchange.Sent} bytes sent and {exchange.ReceivedCount} received");
            return new TcpConversation(request.ComputerName, remote.Address, remote.Port, local, exchange.Sent,
                exchange.Received, exchange.Frames, request.Encoding, connectTime, exchange.FirstByteTime, clock.Elapsed, tls, transcript.Entries);
        }


        /// <summary>
        /// The two directions of one connection and what they have moved so far. They read and write the
        /// stream (plain or TLS: SslStream allows one reader and one writer at a time); disposing the
        /// socket ends both.
        /// </summary>
        private sealed class Exchange
        {
            private readonly Socket socket;
            private readonly Stream stream;
            private readonly bool secure;
            private readonly TcpConversationRequest request;
            private readonly Transcript transcript;
            private readonly Stopwatch clock;
            private readonly string target;
            private long sent;
            private long receivedCount;
            private Exception? firstError;

            public Exchange(Socket socket, Stream stream, bool secure, TcpConversationRequest request, Transcript transcript, Stopwatch clock, string target)
            {
                this.socket = socket;
                this.stream = stream;
                this.secure = secure;
                this.request = request;
                this.transcript = transcript;
                this.clock = clock;
                this.target = target;
            }

            public Watchdog? Watchdog { get; set; }
            public long Sent => Interlocked.Read(ref sent);
            public long ReceivedCount => Interlocked.Read(ref receivedCount);
            public byte[] Received { get; private set; } = Array.Empty<byte>();
            public IReadOnlyList<byte[]> Frames { get; private set; } = Array.Empty<byte[]>();
            public TimeSpan? FirstByteTime { get; private set; }
            public Exception? FirstError => firstError;

            public TcpTransferStatus Status(long toSend) => new TcpTransferStatus(Sent, toSend, ReceivedCount);

            /// <summary>Runs one direction; its failure is remembered (the first one wins) and ends the other direction too.</summary>
            public async Task Guard(Func<Task> direction)
            {
                try
                {
                    await direction().ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref firstError, e, null);
                    socket.Dispose();
                    throw;
                }
            }

            public async Task SendAsync()
            {
                var framing = request.Framing;
                foreach (var message in request.Messages)
                {
                    if (framing.Mode == TcpReceiveMode.LengthPrefix)
                        await SendBytesAsync(framing.Prefix(message.Length)).ConfigureAwait(false);
                    await SendBytesAsync(message).ConfigureAwait(false);
                }
                if (request.HalfClose)
                {
                    // Under TLS too: netstandard2.0 has no SslStream.ShutdownAsync to send close_notify first.
                    socket.Shutdown(SocketShutdown.Send);
                    transcript.Note("Sending side shut down (half-close)");
                }
            }

            private async Task SendBytesAsync(byte[] data)
            {
                transcript.Sent(data, 0, data.Length, secure);
                for (var offset = 0; offset < data.Length;)
                {
                    var count = Math.Min(SendChunk, data.Length - offset);
                    await stream.WriteAsync(data, offset, count).ConfigureAwait(false);
                    offset += count;
                    Interlocked.Add(ref sent, count);
                    Watchdog!.Touch();
                }
            }

            public async Task ReceiveAsync()
            {
                var framing = request.Framing;
                if (framing.Mode == TcpReceiveMode.None)
                    return;
                // An exact byte count is its own bound.
                var max = framing.Mode == TcpReceiveMode.ByteCount ? framing.Count : request.MaxReceiveBytes;
                var reader = framing.NewReader();
                var buffer = new byte[Math.Min(ReceiveChunk, max + 1)];
                var length = 0;
                while (!reader.Done)
                {
                    // One byte beyond the limit is enough to know the peer went past it.
                    var want = (int)Math.Min(Math.Min(reader.MaxRead(length), (long)max + 1 - length), ReceiveChunk);
                    if (buffer.Length - length < want)
                        Array.Resize(ref buffer, (int)Math.Min(Math.Max((long)buffer.Length * 2, length + want), (long)max + 1));
                    var count = await stream.ReadAsync(buffer, length, want).ConfigureAwait(false);
                    if (count == 0)
                    {
                        transcript.Note("The peer closed its sending side");
                        break;
                    }
                    FirstByteTime ??= clock.Elapsed;
                    transcript.Received(buffer, length, count, secure);
                    length += count;
                    Interlocked.Add(ref receivedCount, count);
                    Watchdog!.Touch();
                    if (length > max)
                        throw new ProtocolViolationException($"{target} sent more than the {max} bytes allowed (-MaxReceiveBytes).", target);
                    var problem = reader.Advance(buffer, length, max);
                    if (problem != null)
                        throw new ProtocolViolationException($"{target}: {problem}.", target);
                }

                if (buffer.Length != length)
                    Array.Resize(ref buffer, length);
                var ending = reader.Finish(buffer);
                if (ending != null)
                    throw new ProtocolViolationException($"{target}: {ending}.", target);
                Received = buffer;
                Frames = reader.Frames;
            }
        }

        /// <summary>Ends the conversation when neither direction has moved a byte for the timeout; reports progress meanwhile.</summary>
        private sealed class Watchdog : IDisposable
        {
            private readonly Socket socket;
            private readonly long timeoutTicks;
            private readonly Action tick;
            private readonly Stopwatch clock = Stopwatch.StartNew();
            private readonly Timer timer;
            private long lastActivity;
            private int fired;

            public Watchdog(Socket socket, TimeSpan timeout, Action tick)
            {
                this.socket = socket;
                this.tick = tick;
                timeoutTicks = timeout == System.Threading.Timeout.InfiniteTimeSpan ? long.MaxValue : timeout.Ticks;
                var period = TimeSpan.FromMilliseconds(Math.Max(10, Math.Min(250, timeout.TotalMilliseconds / 4)));
                timer = new Timer(_ => Check(), null, period, period);
            }

            public bool Fired => Volatile.Read(ref fired) != 0;

            public void Touch() => Volatile.Write(ref lastActivity, clock.Elapsed.Ticks);

            private void Check()
            {
                if (clock.Elapsed.Ticks - Volatile.Read(ref lastActivity) > timeoutTicks && Interlocked.Exchange(ref fired, 1) == 0)
                {
                    socket.Dispose();
                    return;
                }
                tick();
            }

            public void Dispose() => timer.Dispose();
        }
    }
}
