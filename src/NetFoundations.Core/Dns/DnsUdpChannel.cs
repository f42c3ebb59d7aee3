using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Dns
{
    /// <summary>
    /// Many queries in flight on one UDP socket, answers matched by ID and question: the fast path of
    /// DnsResolver.LookupManyAsync. DnsClient opens a socket per query, which caps a batch at a few
    /// thousand queries a second. The channel makes one try per question and answers null whenever
    /// that try gives nothing it can read (silence, a socket error, truncation, types or names
    /// DnsWire leaves alone): the caller then asks DnsClient, which has the retries, TCP and the
    /// diagnosis of broken answers. A busy server drops queries when many are in flight, so the
    /// channel waits for one as long as answers have been taking (RFC 6298's timer, at least
    /// MinimumWait, at most the timeout) rather than the whole timeout, before handing it over.
    /// </summary>
    internal sealed class DnsUdpChannel : IDisposable
    {
        private const int ReceiveBuffer = 1 << 20;
        private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(200);
        private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);
        private static readonly RandomNumberGenerator Random = RandomNumberGenerator.Create();
        private readonly Socket socket;
        private readonly string server;
        private readonly TimeSpan timeout;
        private readonly Dictionary<int, Ask> waiting = new Dictionary<int, Ask>();
        private readonly byte[] ids = new byte[512];
        private readonly Timer expiry;
        private readonly CancellationTokenRegistration cancellation;
        private int usedIds;
        private Task? receiving;
        private bool failed;
        private double smoothedRtt = -1; // milliseconds, as TCP keeps it (RFC 6298)
        private double rttVariation;

        private DnsUdpChannel(Socket socket, string server, TimeSpan timeout, CancellationToken cancellationToken)
        {
            this.socket = socket;
            this.server = server;
            this.timeout = timeout;
            usedIds = ids.Length;
            expiry = new Timer(_ => Expire(), null, Tick, Tick);
            cancellation = cancellationToken.Register(Dispose);
        }

        /// <summary>
        /// A channel to the server, or null when no socket can be opened to it (DnsClient will say why).
        /// Cancellation closes it: what waits then goes to DnsClient, which sees the cancellation.
        /// </summary>
        public static DnsUdpChannel? Open(IPAddress address, int port, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                // Room for the answers of a full window while the receiving thread waits for a core.
                socket.ReceiveBufferSize = ReceiveBuffer;
                socket.Connect(new IPEndPoint(address, port));
                return new DnsUdpChannel(socket, Endpoints.Format(address.ToString(), port), timeout, cancellationToken);
            }
            catch (SocketException)
            {
                socket.Dispose();
                return null;
            }
        }

        /// <summary>One try at a question; null when the answer is not one the channel can give.</summary>
        public async Task<DnsResponse?> AskAsync(string question, DnsRecordType type, bool recursion)
        {
            if (!DnsWire.Reads(type))
                return null;
            Ask ask;
            byte[]? query;
            lock (waiting)
            {
                if (failed)
                    return null;
                int id;
                do
                {
                    id = NextId();
                }
                while (waiting.ContainsKey(id));
                query = DnsWire.Query(question, type, (ushort)id, recursion);
                if (query == null)
                    return null;
                ask = new Ask(id, Stopwatch.GetTimestamp() + Wait().Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond);
                waiting.Add(id, ask);
                receiving ??= ReceiveAsync();
            }

            var sent = Stopwatch.GetTimestamp();
            try
            {
                socket.Send(query);
            }
            catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
            {
                lock (waiting)
                    waiting.Remove(ask.Id);
                return null;
            }
            var message = await ask.Answer.Task.ConfigureAwait(false);
            if (message == null)
                return null;
            var rtt = TimeSpan.FromTicks((Stopwatch.GetTimestamp() - sent) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
            Measured(rtt);
            return DnsWire.Answer(message, message.Length, query, question, type, server, rtt);
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
            lock (waiting)
            {
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
        }

        /// <summary>Gives up the tries whose wait is over (a timer per query would cost more than the query).</summary>
        private void Expire()
        {
            var now = Stopwatch.GetTimestamp();
            List<Ask>? expired = null;
            lock (waiting)
            {
                foreach (var pair in waiting)
                {
                    if (pair.Value.Deadline <= now)
                        (expired ??= new List<Ask>()).Add(pair.Value);
                }
                if (expired == null)
                    return;
                foreach (var ask in expired)
                    waiting.Remove(ask.Id);
            }
            foreach (var ask in expired)
                ask.Answer.TrySetResult(null);
        }

        private async Task ReceiveAsync()
        {
            var buffer = new byte[65536];
            while (true)
            {
                int length;
                try
                {
                    length = await socket.ReceiveAsync(new ArraySegment<byte>(buffer), SocketFlags.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
                {
                    // Refused (ICMP), or the channel is closed: what waits goes to DnsClient, and so does what comes.
                    Fail();
                    return;
                }
                var id = DnsWire.Id(buffer, length);
                Ask? ask;
                lock (waiting)
                {
                    // An unknown ID is a late answer to a try given up, or a stray: not taken.
                    if (!waiting.TryGetValue(id, out ask))
                        continue;
                    waiting.Remove(id);
                }
                var message = new byte[length];
                Buffer.BlockCopy(buffer, 0, message, 0, length);
                ask.Answer.TrySetResult(message);
            }
        }

        private void Fail()
        {
            Ask[] orphans;
            lock (waiting)
            {
                failed = true;
                orphans = new Ask[waiting.Count];
                waiting.Values.CopyTo(orphans, 0);
                waiting.Clear();
            }
            foreach (var orphan in orphans)
                orphan.Answer.TrySetResult(null);
        }

        public void Dispose()
        {
            cancellation.Dispose();
            expiry.Dispose();
            socket.Dispose();
            Fail();
        }

        private sealed class Ask
        {
            public Ask(int id, long deadline)
            {
                Id = id;
                Deadline = deadline;
            }

            public int Id { get; }
            /// <summary>When the try is given up, in Stopwatch ticks.</summary>
            public long Deadline { get; }
            /// <summary>Completed from the receiving loop or the timer: what follows runs on the thread pool, not in their way.</summary>
            public TaskCompletionSource<byte[]?> Answer { get; } = new TaskCompletionSource<byte[]?>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}
