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
        private readonly Socket socket;
        private readonly string server;
        private readonly Dictionary<int, TaskCompletionSource<byte[]?>> waiting = new Dictionary<int, TaskCompletionSource<byte[]?>>();
        private readonly RandomNumberGenerator random = RandomNumberGenerator.Create();
        private readonly byte[] idBytes = new byte[2];
        private Task? receiving;
        private bool failed;
        private double smoothedRtt = -1; // milliseconds, as TCP keeps it (RFC 6298)
        private double rttVariation;

        private DnsUdpChannel(Socket socket, string server)
        {
            this.socket = socket;
            this.server = server;
        }

        /// <summary>A channel to the server, or null when no socket can be opened to it (DnsClient will say why).</summary>
        public static DnsUdpChannel? Open(IPAddress address, int port)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                // Room for the answers of a full window while the receiving thread waits for a core.
                socket.ReceiveBufferSize = ReceiveBuffer;
                socket.Connect(new IPEndPoint(address, port));
                return new DnsUdpChannel(socket, Endpoints.Format(address.ToString(), port));
            }
            catch (SocketException)
            {
                socket.Dispose();
                return null;
            }
        }

        /// <summary>One try at a question; null when the answer is not one the channel can give.</summary>
        public async Task<DnsResponse?> AskAsync(string question, DnsRecordType type, bool recursion, TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (!DnsWire.Reads(type))
                return null;
            var answer = new TaskCompletionSource<byte[]?>();
            int id;
            byte[]? query;
            lock (waiting)
            {
                if (failed)
                    return null;
                do
                {
                    random.GetBytes(idBytes);
                    id = (idBytes[0] << 8) | idBytes[1];
                }
                while (waiting.ContainsKey(id));
                query = DnsWire.Query(question, type, (ushort)id, recursion);
                if (query == null)
                    return null;
                waiting.Add(id, answer);
                receiving ??= ReceiveAsync();
            }

            var watch = Stopwatch.StartNew();
            byte[]? message;
            using (var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            using (limit.Token.Register(() => answer.TrySetResult(null)))
            {
                limit.CancelAfter(Wait(timeout));
                try
                {
                    socket.Send(query);
                }
                catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
                {
                    answer.TrySetResult(null);
                }
                message = await answer.Task.ConfigureAwait(false);
            }
            if (message == null)
            {
                lock (waiting)
                    waiting.Remove(id);
                return null;
            }
            Measured(watch.Elapsed);
            return DnsWire.Answer(message, message.Length, query, question, type, server, watch.Elapsed);
        }

        private TimeSpan Wait(TimeSpan timeout)
        {
            lock (waiting)
            {
                if (smoothedRtt < 0)
                    return timeout;
                var wait = TimeSpan.FromMilliseconds(smoothedRtt + 4 * rttVariation);
                return wait < MinimumWait ? MinimumWait : wait > timeout ? timeout : wait;
            }
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
                    TaskCompletionSource<byte[]?>[] orphans;
                    lock (waiting)
                    {
                        failed = true;
                        orphans = new TaskCompletionSource<byte[]?>[waiting.Count];
                        waiting.Values.CopyTo(orphans, 0);
                        waiting.Clear();
                    }
                    foreach (var orphan in orphans)
                        orphan.TrySetResult(null);
                    return;
                }
                TaskCompletionSource<byte[]?>? answer;
                lock (waiting)
                {
                    // An unknown ID is a late answer to a try given up, or a stray: not taken.
                    if (!waiting.TryGetValue(DnsWire.Id(buffer, length), out answer))
                        continue;
                    waiting.Remove(DnsWire.Id(buffer, length));
                }
                var message = new byte[length];
                Buffer.BlockCopy(buffer, 0, message, 0, length);
                answer.TrySetResult(message);
            }
        }

        public void Dispose()
        {
            socket.Dispose();
            random.Dispose();
        }
    }
}
