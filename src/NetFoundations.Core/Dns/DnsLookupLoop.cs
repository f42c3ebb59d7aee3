using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading;
using NetFoundations.Core.Udp;

namespace NetFoundations.Core.Dns
{
    /// <summary>
    /// The loop behind DnsResolver.LookupManyAsync: takes names from a feed and asks the everyday
    /// questions on one UDP socket, from one thread that sends, receives and reads the answers
    /// itself, as dnsperf does. DnsClient opens a socket per query, and an awaited answer per query
    /// costs a thread hand-off and more CPU than the query: either caps a batch well below what a
    /// local server answers. The loop makes one try per question and hands a lookup over whenever
    /// that try gives nothing it can read (silence, a socket error, truncation, types or names
    /// DnsWire leaves alone), and every lookup when it has no socket: the caller then asks
    /// DnsClient, which has the retries, TCP and the diagnosis of broken answers. A busy server
    /// drops queries when many are in flight, so a try is given up once it has waited as long as
    /// answers have been taking (RFC 6298's timer, at least MinimumWait, at most the timeout)
    /// rather than the whole timeout.
    /// </summary>
    internal sealed class DnsLookupLoop : IDisposable
    {
        private const int ReceiveBuffer = 1 << 20;
        private const int BatchSize = 32;
        private const int BatchSlot = 4096; // what the query offers (EDNS); a longer answer is handed over
        private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(200);
        private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);
        private static readonly RandomNumberGenerator Random = RandomNumberGenerator.Create();
        private readonly Socket? socket;
        private readonly string server;
        private readonly TimeSpan timeout;
        private readonly byte[] buffer;
        private readonly DatagramBatch? batch;
        private int received;
        private readonly Try?[] byId;
        private readonly List<Try> waiting = new List<Try>();
        private readonly List<Try> queued = new List<Try>(); // asked, in the batch's queue, not yet sent
        private readonly byte[] ids = new byte[512];
        private bool broken;
        private int usedIds;
        private double smoothedRtt = -1; // milliseconds, as TCP keeps it (RFC 6298)
        private double rttVariation;

        private DnsLookupLoop(Socket? socket, string server, TimeSpan timeout)
        {
            this.socket = socket;
            this.server = server;
            this.timeout = timeout;
            buffer = socket == null ? Array.Empty<byte>() : new byte[65536];
            // One system call for the answers that have come, and one for the questions to send, rather than one
            // a datagram: the calls were the loop's largest cost.
            if (socket != null && LinuxSockets.IsLinux && Environment.Is64BitProcess)
                batch = new DatagramBatch(socket, BatchSize, BatchSlot);
            byId = socket == null ? Array.Empty<Try?>() : new Try?[65536];
            usedIds = ids.Length;
        }

        /// <summary>A loop that hands every lookup over: for servers the socket is not for.</summary>
        public static DnsLookupLoop WithoutSocket() => new DnsLookupLoop(null, string.Empty, TimeSpan.Zero);

        /// <summary>A loop with its own socket to the server; without one when none can be opened (DnsClient will say why).</summary>
        public static DnsLookupLoop Open(IPAddress address, int port, TimeSpan timeout)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                // Room for the answers of a full window while this thread waits for a core.
                socket.ReceiveBufferSize = ReceiveBuffer;
                // A receive gives up after a tick, so tries that wait too long are noticed and cancellation is heard.
                socket.ReceiveTimeout = (int)Tick.TotalMilliseconds;
                socket.Connect(new IPEndPoint(address, port));
                return new DnsLookupLoop(socket, Endpoints.Format(address.ToString(), port), timeout);
            }
            catch (SocketException)
            {
                socket.Dispose();
                return WithoutSocket();
            }
        }

        /// <summary>
        /// Looks up the feed's names in order, each started in lookups (which numbers them from 0 and
        /// bounds how many run: those handed over count until they finish there), on the calling
        /// thread, until the feed has ended and nothing waits on the socket. start makes a name's
        /// lookup, or returns null when it ended before asking. Each lookup ends in lookups.Finish (its
        /// outcome: records, whole response or error response) or in handOver (the socket had no clean
        /// answer for it); both are called on this thread. Cancellation throws OperationCanceledException
        /// within a tick.
        /// </summary>
        public void Run(DnsNameFeed feed, Func<int, string, CnameChain?> start, OrderedFanOut<DnsLookup> lookups, bool recursion,
            Action<int, CnameChain> handOver, Transcript? transcript, CancellationToken cancellationToken)
        {
            var scanned = Stopwatch.GetTimestamp();
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                while (lookups.HasRoom && feed.TryTake(out var name))
                {
                    // Only this thread starts lookups: the room just seen is still there.
                    var index = lookups.TryStart();
                    var chain = start(index, name);
                    if (chain != null && !Ask(index, chain, recursion, transcript))
                        handOver(index, chain);
                }

                if (waiting.Count > 0)
                {
                    Flush(handOver);
                    var count = Receive();
                    if (broken)
                    {
                        // Refused (ICMP) or the socket failed: what waits and what comes goes to DnsClient.
                        foreach (var given in waiting)
                        {
                            byId[given.Id] = null;
                            handOver(given.Index, given.Chain);
                        }
                        waiting.Clear();
                        continue;
                    }
                    for (var i = 0; i < count; i++)
                    {
                        var truncated = false;
                        var length = batch == null ? received : batch.Read(i, buffer, out truncated);
                        if (truncated)
                            Unreadable(length, handOver);
                        else
                            Answered(length, recursion, lookups, handOver, transcript);
                    }
                    var now = Stopwatch.GetTimestamp();
                    if (now - scanned >= Tick.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond)
                    {
                        scanned = now;
                        GiveUpLateTries(now, handOver);
                    }
                }
                else if (feed.Ended)
                {
                    return;
                }
                else if (!lookups.HasRoom)
                {
                    lookups.WaitForRoom(Tick);
                }
                else
                {
                    feed.Wait(Tick);
                }
            }
        }

        /// <summary>Sends the chain's question; false when it is not one the batch can ask or the send failed.</summary>
        private bool Ask(int index, CnameChain chain, bool recursion, Transcript? transcript)
        {
            if (socket == null || broken || !DnsWire.Reads(chain.Type))
                return false;
            int id;
            do
            {
                id = NextId();
            }
            while (byId[id] != null);
            var query = DnsWire.Query(chain.Question, chain.Type, (ushort)id, recursion);
            if (query == null)
                return false;
            DnsResolver.NoteQuestion(transcript, chain.Question, chain.Type, server, false);
            var now = Stopwatch.GetTimestamp();
            var ask = new Try(id, index, chain, query, now, now + Wait().Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond);
            if (batch == null || !batch.Queue(query))
            {
                try
                {
                    socket.Send(query);
                }
                catch (SocketException)
                {
                    return false;
                }
            }
            else
            {
                queued.Add(ask);
            }
            byId[id] = ask;
            ask.Slot = waiting.Count;
            waiting.Add(ask);
            return true;
        }

        /// <summary>Sends the questions queued; those that could not be sent are handed over.</summary>
        private void Flush(Action<int, CnameChain> handOver)
        {
            if (batch == null || queued.Count == 0)
                return;
            var sent = batch.Send();
            for (var i = sent; i < queued.Count; i++)
            {
                Remove(queued[i]);
                handOver(queued[i].Index, queued[i].Chain);
            }
            queued.Clear();
        }

        /// <summary>
        /// How many datagrams came (one, or a batch's worth on Linux); 0 when none came within a tick or
        /// the socket failed (broken is set then).
        /// </summary>
        private int Receive()
        {
            if (batch != null)
            {
                var count = batch.Receive();
                broken = count < 0;
                return Math.Max(count, 0);
            }
            try
            {
                received = socket!.Receive(buffer);
                return 1;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut || e.SocketErrorCode == SocketError.WouldBlock)
            {
                return 0;
            }
            catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
            {
                broken = true;
                return 0;
            }
        }

        private void Answered(int length, bool recursion, OrderedFanOut<DnsLookup> lookups, Action<int, CnameChain> handOver, Transcript? transcript)
        {
            var ask = Claim(length);
            if (ask == null)
                return;
            var rtt = TimeSpan.FromTicks((Stopwatch.GetTimestamp() - ask.Sent) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
            Measured(rtt);
            var chain = ask.Chain;
            var response = DnsWire.Answer(buffer, length, ask.Query, chain.Question, chain.Type, server, rtt);
            if (response == null)
            {
                handOver(ask.Index, chain);
                return;
            }
            DnsResolver.NoteAnswer(transcript, response);
            bool complete;
            try
            {
                complete = chain.Take(response);
            }
            catch (NetworkException e)
            {
                lookups.Finish(ask.Index, new DnsLookup(chain.Name, null, null, e));
                return;
            }
            if (complete)
                lookups.Finish(ask.Index, chain.Outcome());
            else if (!Ask(ask.Index, chain, recursion, transcript))
                handOver(ask.Index, chain);
        }

        /// <summary>An answer too long to read whole: its lookup, when it has one, is handed over.</summary>
        private void Unreadable(int length, Action<int, CnameChain> handOver)
        {
            var ask = Claim(length);
            if (ask != null)
                handOver(ask.Index, ask.Chain);
        }

        /// <summary>
        /// The try the answer in the buffer is for, no longer waiting; null for an unknown ID (a late
        /// answer to a try given up, or a stray), which is not taken.
        /// </summary>
        private Try? Claim(int length)
        {
            var id = DnsWire.Id(buffer, length);
            var ask = id < 0 ? null : byId[id];
            if (ask != null)
                Remove(ask);
            return ask;
        }

        private void GiveUpLateTries(long now, Action<int, CnameChain> handOver)
        {
            for (var i = waiting.Count - 1; i >= 0; i--)
            {
                var ask = waiting[i];
                if (ask.Deadline > now)
                    continue;
                Remove(ask);
                handOver(ask.Index, ask.Chain);
            }
        }

        private void Remove(Try ask)
        {
            byId[ask.Id] = null;
            var last = waiting[waiting.Count - 1];
            waiting[ask.Slot] = last;
            last.Slot = ask.Slot;
            waiting.RemoveAt(waiting.Count - 1);
        }

        private int NextId()
        {
            if (usedIds == ids.Length)
            {
                Random.GetBytes(ids);
                usedIds = 0;
            }
            usedIds += 2;
            return (ids[usedIds - 2] << 8) | ids[usedIds - 1];
        }

        private TimeSpan Wait()
        {
            if (smoothedRtt < 0)
                return timeout;
            var wait = TimeSpan.FromMilliseconds(smoothedRtt + 4 * rttVariation);
            return wait < MinimumWait ? MinimumWait : wait > timeout ? timeout : wait;
        }

        private void Measured(TimeSpan rtt)
        {
            var sample = rtt.TotalMilliseconds;
            if (smoothedRtt < 0)
            {
                smoothedRtt = sample;
                rttVariation = sample / 2;
            }
            else
            {
                rttVariation = 0.75 * rttVariation + 0.25 * Math.Abs(smoothedRtt - sample);
                smoothedRtt = 0.875 * smoothedRtt + 0.125 * sample;
            }
        }

        public void Dispose()
        {
            socket?.Dispose();
            batch?.Dispose();
        }

        /// <summary>A question on the wire, waiting for its answer.</summary>
        private sealed class Try
        {
            public Try(int id, int index, CnameChain chain, byte[] query, long sent, long deadline)
            {
                Id = id;
                Index = index;
                Chain = chain;
                Query = query;
                Sent = sent;
                Deadline = deadline;
            }

            public int Id { get; }
            /// <summary>The lookup's place in the batch.</summary>
            public int Index { get; }
            public CnameChain Chain { get; }
            public byte[] Query { get; }
            /// <summary>When it was sent and when it is given up, in Stopwatch ticks.</summary>
            public long Sent { get; }
            public long Deadline { get; }
            /// <summary>Its place in the list of tries waiting.</summary>
            public int Slot { get; set; }
        }
    }
}
