using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Tcp;

namespace NetFoundations.Core.Servers
{
    /// <summary>
    /// Drives a TCP server with many connections at once and measures it (the load half of the book's chapter 7, as wrk
    /// and wrk2 do for HTTP). Each connection sends a request, reads its whole reply with the request's framing, and
    /// records the latency in its own histogram. In the closed loop the next request goes when the reply came; in the
    /// open loop request n is due at start + n / Rate (connection n mod Connections sends it), and its latency runs from
    /// that due time, so a server that falls behind shows it in the percentiles instead of slowing the client with it
    /// (coordinated omission). A failed request (connect, timeout, lost connection, reply out of bounds) is counted by
    /// error family and the connection starts again with a new one. The name is resolved once; the end of the run, its
    /// deadline or cancellation closes every socket.
    /// </summary>
    public static class TcpLoadGenerator
    {
        /// <summary>How long a connection waits after a failure before it connects again, so a refusing server is not spun on.</summary>
        internal static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(10);

        public static async Task<TcpLoadResult> RunAsync(TcpLoadRequest request, Transcript transcript, Action<TcpLoadStatus>? progress,
            CancellationToken cancellationToken)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            if (transcript == null) throw new ArgumentNullException(nameof(transcript));
            request.Validate();
            var target = Endpoints.Format(request.ComputerName, request.Port);
            var addresses = await Endpoints.AddressesAsync(request.ComputerName, request.Addresses, request.Timeout, cancellationToken)
                .ConfigureAwait(false);
            transcript.Note($"Load on {target}: {request.Connections} connections, " +
                (request.Rate > 0 ? $"{request.Rate:0.###} requests/s scheduled" : "closed loop") +
                (request.Count > 0 ? $", {request.Count} requests" : "") +
                (request.Duration is TimeSpan d ? $", for {d.TotalSeconds:0.###} s" : ""));

            var run = new Run(request, addresses, target, transcript);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var closing = stop.Token.Register(run.CloseAll);
            using var watchdog = new Timer(_ => run.ExpireLate(), null, run.SweepPeriod, run.SweepPeriod);
            using var ticker = progress == null ? null : new ProgressTicker(() => progress(run.Status()));
            // The end of the duration stops new requests; those in flight are waited for (their timeout bounds them) and
            // counted, so the requests a server keeps waiting (Iterative's queue) show in the latencies instead of being
            // dropped, and the server sees each connection close between requests. Cancellation closes every connection at once.
            using var ending = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
            run.Start();
            if (request.Duration is TimeSpan duration)
                ending.CancelAfter(duration);
            await Task.WhenAll(Enumerable.Range(0, request.Connections).Select(k => Task.Run(() => run.ConnectionAsync(k, ending.Token))))
                .ConfigureAwait(false);
            ticker?.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            // A run lasts until its last request ended, and at least its duration when that ended it.
            var elapsed = ending.IsCancellationRequested && request.Duration is TimeSpan lasted && lasted > run.Elapsed ? lasted : run.Elapsed;
            var result = run.Result(elapsed);
            transcript.Note($"Done: {result.Requests} requests answered, {result.Errors} failed, in {elapsed.TotalSeconds:0.###} s");
            return result;
        }

        /// <summary>One run: its connections' slots, counters and clock.</summary>
        private sealed class Run
        {
            private readonly TcpLoadRequest request;
            private readonly IReadOnlyList<IPAddress> addresses;
            private readonly string target;
            private readonly Transcript transcript;
            private readonly byte[][] wire;
            private readonly Slot[] slots;
            private readonly long timeoutTicks;
            private readonly double ticksPerRequest;
            private readonly Dictionary<string, long> errors = new Dictionary<string, long>(StringComparer.Ordinal);
            private long start;
            private long issued;
            private long lastEnd;
            private string? firstError;
            private string? connectedAddress;
            private int firstExchangeRecorded;

            public Run(TcpLoadRequest request, IReadOnlyList<IPAddress> addresses, string target, Transcript transcript)
            {
                this.request = request;
                this.addresses = addresses;
                this.target = target;
                this.transcript = transcript;
                var framing = request.ReplyFraming;
                wire = request.Messages.Select(m => framing.Mode == TcpReceiveMode.LengthPrefix ? Concat(framing.Prefix(m.Length), m) : m).ToArray();
                slots = Enumerable.Range(0, request.Connections).Select(_ => new Slot()).ToArray();
                timeoutTicks = (long)(request.Timeout.TotalSeconds * Stopwatch.Frequency);
                ticksPerRequest = request.Rate > 0 ? Stopwatch.Frequency / request.Rate : 0;
                SweepPeriod = TimeSpan.FromMilliseconds(Math.Max(10, Math.Min(250, request.Timeout.TotalMilliseconds / 4)));
            }

            public TimeSpan SweepPeriod { get; }

            public TimeSpan Elapsed => TimeSpan.FromSeconds((double)(Math.Max(Volatile.Read(ref lastEnd), start) - start) / Stopwatch.Frequency);

            public void Start()
            {
                start = Stopwatch.GetTimestamp();
                lastEnd = start;
            }

            public TcpLoadStatus Status() => new TcpLoadStatus(slots.Sum(s => Volatile.Read(ref s.Answered)), slots.Sum(s => Volatile.Read(ref s.Failed)),
                TimeSpan.FromSeconds((double)(Stopwatch.GetTimestamp() - start) / Stopwatch.Frequency));

            /// <summary>Closes every connection: the run is over, or cancelled; each pending read or write ends at once.</summary>
            public void CloseAll()
            {
                foreach (var slot in slots)
                    slot.Close();
            }

            /// <summary>Closes the connections whose reply is later than the timeout: their request fails as a Timeout.</summary>
            public void ExpireLate()
            {
                var now = Stopwatch.GetTimestamp();
                foreach (var slot in slots)
                {
                    var since = Volatile.Read(ref slot.PendingSince);
                    if (since != 0 && now - since > timeoutTicks && Interlocked.Exchange(ref slot.TimedOut, 1) == 0)
                        slot.Close();
                }
            }

            /// <summary>One connection's loop, until the count is reached or stop (the end of the duration, or cancellation) comes.</summary>
            public async Task ConnectionAsync(int k, CancellationToken stop)
            {
                var slot = slots[k];
                var framing = request.ReplyFraming;
                var max = framing.Mode == TcpReceiveMode.ByteCount ? framing.Count : request.MaxReceiveBytes;
                slot.Buffer = new byte[Math.Min(4096, max + 1)];
                var histogram = slot.Histogram;
                var message = k % wire.Length;
                try
                {
                    for (long i = 0; !stop.IsCancellationRequested; i++)
                    {
                        // Which request is next, and when it is due (0: now).
                        long due = 0;
                        if (ticksPerRequest > 0)
                        {
                            var n = k + i * request.Connections;
                            if (request.Count > 0 && n >= request.Count)
                                break;
                            due = start + (long)(n * ticksPerRequest);
                            var ahead = due - Stopwatch.GetTimestamp();
                            if (ahead > Stopwatch.Frequency / 1000)
                                await Task.Delay(TimeSpan.FromSeconds((double)ahead / Stopwatch.Frequency), stop).ConfigureAwait(false);
                        }
                        else if (request.Count > 0 && Interlocked.Increment(ref issued) > request.Count)
                        {
                            break;
                        }

                        var sent = 0L;
                        try
                        {
                            if (slot.Socket == null)
                                await ConnectAsync(slot, stop).ConfigureAwait(false);
                            var socket = slot.Socket!;
                            var data = wire[message];
                            message = (message + 1) % wire.Length;
                            sent = Stopwatch.GetTimestamp();
                            Volatile.Write(ref slot.PendingSince, sent);
                            await SendAsync(socket, data).ConfigureAwait(false);
                            slot.BytesSent += data.Length;
                            await ReceiveAsync(slot, socket, data, max, framing).ConfigureAwait(false);
                            Volatile.Write(ref slot.PendingSince, 0);
                            var end = Stopwatch.GetTimestamp();
                            // From the due time when the request went late, else from the send: never less than the true wait.
                            var from = due != 0 ? Math.Min(due, sent) : sent;
                            histogram.Record((end - from) * 1_000_000 / Stopwatch.Frequency);
                            Interlocked.Increment(ref slot.Answered);
                            Volatile.Write(ref lastEnd, end);
                        }
                        catch (Exception e) when (!(e is OperationCanceledException) || !stop.IsCancellationRequested)
                        {
                            Volatile.Write(ref slot.PendingSince, 0);
                            // No socket yet: the connect failed, and the connector noted why in the transcript.
                            var noted = slot.Socket == null;
                            var timedOut = Interlocked.Exchange(ref slot.TimedOut, 0) == 1;
                            slot.Close();
                            slot.Socket = null;
                            slot.Leftover = 0;
                            Volatile.Write(ref lastEnd, Stopwatch.GetTimestamp());
                            Fail(slot, timedOut
                                ? new NetworkTimeoutException($"{target} did not answer within {request.Timeout.TotalSeconds:0.###} s.", target)
                                : SocketErrors.OfConnection(e, target), noted);
                            await Task.Delay(RetryPause, stop).ConfigureAwait(false);
                        }
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
                finally
                {
                    slot.Close();
                }
            }

            private async Task ConnectAsync(Slot slot, CancellationToken stop)
            {
                var socket = await TcpConnector.ConnectAsync(addresses, request.Port, target, request.Timeout, stop, transcript).ConfigureAwait(false);
                slot.Attach(socket);
                if (stop.IsCancellationRequested)
                {
                    slot.Close();
                    stop.ThrowIfCancellationRequested();
                }
                if (connectedAddress == null)
                {
                    var remote = (IPEndPoint)socket.RemoteEndPoint;
                    Interlocked.CompareExchange(ref connectedAddress, remote.Address.ToString(), null);
                }
            }

            private static async Task SendAsync(Socket socket, byte[] data)
            {
                for (var offset = 0; offset < data.Length;)
                    offset += await socket.SendAsync(new ArraySegment<byte>(data, offset, data.Length - offset), SocketFlags.None).ConfigureAwait(false);
            }

            /// <summary>
            /// Reads one whole reply into the slot's buffer, after the bytes already there (left over from the last reply:
            /// only a server that answers more than it is asked leaves any), and moves the bytes after it to the front.
            /// The first exchange of the run goes into the transcript; the others would only slow the run down.
            /// </summary>
            private async Task ReceiveAsync(Slot slot, Socket socket, byte[] sent, int max, TcpFraming framing)
            {
                var reader = framing.NewReader();
                var buffer = slot.Buffer!;
                var length = slot.Leftover;
                var problem = length > 0 ? reader.Advance(buffer, length, max) : null;
                while (problem == null && !reader.Done)
                {
                    var want = (int)Math.Min(Math.Min(reader.MaxRead(length), (long)max + 1 - length), 64 * 1024);
                    if (buffer.Length - length < want)
                        Array.Resize(ref buffer, (int)Math.Min(Math.Max((long)buffer.Length * 2, length + want), (long)max + 1));
                    slot.Buffer = buffer;
                    var count = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, want), SocketFlags.None).ConfigureAwait(false);
                    if (count == 0)
                    {
                        var ending = reader.Finish(Slice(buffer, length));
                        throw new ConnectionLostException($"{target} closed the connection before the reply was whole ({ending ?? "no frame"}).", target);
                    }
                    length += count;
                    slot.BytesReceived += count;
                    if (length > max)
                        throw new ProtocolViolationException($"{target} sent a reply of more than the {max} bytes allowed (-MaxReceiveBytes).", target);
                    problem = reader.Advance(buffer, length, max);
                }
                if (problem != null)
                    throw new ProtocolViolationException($"{target}: {problem}.", target);

                var consumed = reader.Consumed;
                if (Volatile.Read(ref firstExchangeRecorded) == 0 && Interlocked.Exchange(ref firstExchangeRecorded, 1) == 0)
                {
                    transcript.Sent(sent, 0, sent.Length);
                    transcript.Received(buffer, 0, consumed);
                    transcript.Note("The first exchange is recorded; the others are not, so that recording does not slow the run.");
                }
                slot.Leftover = length - consumed;
                if (slot.Leftover > 0)
                    Buffer.BlockCopy(buffer, consumed, buffer, 0, slot.Leftover);
            }

            private void Fail(Slot slot, NetworkException error, bool noted)
            {
                Interlocked.Increment(ref slot.Failed);
                var kind = error.Kind.ToString();
                lock (errors)
                {
                    errors.TryGetValue(kind, out var count);
                    errors[kind] = count + 1;
                    firstError ??= error.Message;
                }
                if (!noted)
                    transcript.ClientError(error.Message);
            }

            public TcpLoadResult Result(TimeSpan elapsed)
            {
                var all = new LatencyHistogram();
                foreach (var slot in slots)
                    all.Add(slot.Histogram);
                Dictionary<string, long> kinds;
                lock (errors)
                    kinds = new Dictionary<string, long>(errors, StringComparer.Ordinal);
                static double Ms(long micros) => micros / 1000.0;
                return new TcpLoadResult(request.ComputerName, connectedAddress ?? addresses[0].ToString(), request.Port, request.Connections,
                    request.Rate, elapsed.TotalMilliseconds, slots.Sum(s => s.Answered), kinds, firstError,
                    slots.Sum(s => s.BytesSent), slots.Sum(s => s.BytesReceived),
                    all.Mean / 1000, Ms(all.Percentile(50)), Ms(all.Percentile(90)), Ms(all.Percentile(99)), Ms(all.Max));
            }

            private static byte[] Concat(byte[] first, byte[] second)
            {
                var both = new byte[first.Length + second.Length];
                Buffer.BlockCopy(first, 0, both, 0, first.Length);
                Buffer.BlockCopy(second, 0, both, first.Length, second.Length);
                return both;
            }

            private static byte[] Slice(byte[] data, int count)
            {
                var slice = new byte[count];
                Buffer.BlockCopy(data, 0, slice, 0, count);
                return slice;
            }
        }

        /// <summary>One connection's state: its socket (null between a failure and the next connect), its counters and histogram.</summary>
        private sealed class Slot
        {
            private readonly object gate = new object();
            public Socket? Socket;
            public long PendingSince;
            public int TimedOut;
            public long Answered;
            public long Failed;
            public long BytesSent;
            public long BytesReceived;
            public byte[]? Buffer;
            public int Leftover;
            public readonly LatencyHistogram Histogram = new LatencyHistogram();

            /// <summary>Takes a new connection (the caller closes it if the run ended meanwhile).</summary>
            public void Attach(Socket socket)
            {
                lock (gate)
                    Socket = socket;
            }

            public void Close()
            {
                lock (gate)
                    Socket?.Dispose();
            }
        }
    }
}
