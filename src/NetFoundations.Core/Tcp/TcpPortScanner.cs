using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Tcp
{
    /// <summary>
    /// Tests many host:port pairs with concurrent non-blocking connects (a connect scan, as nmap -sT).
    /// Results come out in the order of the targets, whatever order the answers arrive in.
    /// </summary>
    public static class TcpPortScanner
    {
        public const int DefaultThrottleLimit = 256;

        /// <param name="transcript">Gets one note per result, in target order; null when nobody reads it (sweeps are large).</param>
        /// <param name="onResult">Called with each result, in target order, from one thread at a time.</param>
        /// <param name="onProgress">Called now and then with (finished, total).</param>
        public static async Task ScanAsync(IReadOnlyList<TcpPortTarget> targets, int throttleLimit, TimeSpan timeout,
            Transcript? transcript, Action<TcpPortResult> onResult, Action<int, int>? onProgress, CancellationToken cancellationToken)
        {
            if (targets == null) throw new ArgumentNullException(nameof(targets));
            if (onResult == null) throw new ArgumentNullException(nameof(onResult));
            if (throttleLimit < 1) throw new ArgumentOutOfRangeException(nameof(throttleLimit), throttleLimit, "The throttle limit must be at least 1.");
            if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be positive.");

            var scan = new Scan(targets, timeout, transcript, onResult);
            var workers = new Task[Math.Min(throttleLimit, Math.Max(1, targets.Count))];
            var period = TimeSpan.FromMilliseconds(Math.Max(10, Math.Min(100, timeout.TotalMilliseconds / 4)));
            var lastProgress = Stopwatch.StartNew();
            using (var timer = new Timer(_ =>
            {
                scan.ExpireAttempts();
                if (onProgress != null && lastProgress.ElapsedMilliseconds >= 250)
                {
                    lastProgress.Restart();
                    onProgress(scan.Finished, targets.Count);
                }
            }, null, period, period))
            using (cancellationToken.Register(scan.Cancel))
            {
                for (var i = 0; i < workers.Length; i++)
                    workers[i] = scan.WorkAsync(cancellationToken);
                await Task.WhenAll(workers).ConfigureAwait(false);
            }
            cancellationToken.ThrowIfCancellationRequested();
            onProgress?.Invoke(targets.Count, targets.Count);
        }

        private sealed class Scan
        {
            private readonly IReadOnlyList<TcpPortTarget> targets;
            private readonly TimeSpan timeout;
            private readonly Transcript? transcript;
            private readonly Action<TcpPortResult> onResult;
            private readonly TimeSpan resolveTimeout;
            private readonly ConcurrentDictionary<string, Lazy<Task<IPAddress[]>>> resolved =
                new ConcurrentDictionary<string, Lazy<Task<IPAddress[]>>>(StringComparer.OrdinalIgnoreCase);
            private readonly ConcurrentDictionary<Attempt, bool> attempts = new ConcurrentDictionary<Attempt, bool>();
            private readonly TcpPortResult?[] results;
            private readonly object emitGate = new object();
            private int next = -1;
            private int emitted;
            private int finished;
            private volatile bool cancelled;

            public Scan(IReadOnlyList<TcpPortTarget> targets, TimeSpan timeout, Transcript? transcript, Action<TcpPortResult> onResult)
            {
                this.transcript = transcript;
                this.targets = targets;
                this.timeout = timeout;
                this.onResult = onResult;
                // A resolver may take seconds where a connect on a LAN takes a millisecond.
                resolveTimeout = timeout > TimeSpan.FromSeconds(5) ? timeout : TimeSpan.FromSeconds(5);
                results = new TcpPortResult?[targets.Count];
            }

            public int Finished => Volatile.Read(ref finished);

            public async Task WorkAsync(CancellationToken cancellationToken)
            {
                int index;
                while (!cancelled && (index = Interlocked.Increment(ref next)) < targets.Count)
                {
                    var result = await TestAsync(targets[index], cancellationToken).ConfigureAwait(false);
                    if (cancelled)
                        return;
                    Complete(index, result);
                }
            }

            public void Cancel()
            {
                cancelled = true;
                foreach (var attempt in attempts.Keys)
                    attempt.Abort(timedOut: false);
            }

            public void ExpireAttempts()
            {
                var now = Stopwatch.GetTimestamp();
                foreach (var attempt in attempts.Keys)
                    if (now >= attempt.Deadline)
                        attempt.Abort(timedOut: true);
            }

            private async Task<TcpPortResult> TestAsync(TcpPortTarget target, CancellationToken cancellationToken)
            {
                var host = target.ComputerName;
                IPAddress address;
                try
                {
                    var lookup = resolved.GetOrAdd(host, h => new Lazy<Task<IPAddress[]>>(
                        () => Endpoints.ResolveAsync(h, null, resolveTimeout, cancellationToken)));
                    address = (await lookup.Value.ConfigureAwait(false))[0];
                }
                catch (NetworkException e) when (e is NameResolutionException || e is NetworkTimeoutException || e is InvalidNetworkRequestException)
                {
                    return new TcpPortResult(host, null, target.Port, TcpPortFailure.NameResolution, null, e.Message);
                }

                Attempt attempt;
                try
                {
                    attempt = new Attempt(address, target.Port, Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency));
                }
                catch (SocketException e)
                {
                    return new TcpPortResult(host, address, target.Port, TcpPortFailure.Error, null, $"{e.Message} ({e.SocketErrorCode})");
                }
                attempts[attempt] = true;
                try
                {
                    var (kind, message) = await attempt.ConnectAsync().ConfigureAwait(false);
                    var latency = kind == TcpPortFailure.None || kind == TcpPortFailure.Refused ? attempt.Elapsed : (TimeSpan?)null;
                    return new TcpPortResult(host, address, target.Port, kind, latency, message);
                }
                finally
                {
                    attempts.TryRemove(attempt, out _);
                    attempt.Dispose();
                }
            }

            /// <summary>Stores a result and hands on every result that is now next in target order.</summary>
            private void Complete(int index, TcpPortResult result)
            {
                Interlocked.Increment(ref finished);
                lock (emitGate)
                {
                    results[index] = result;
                    TcpPortResult? ready;
                    while (emitted < results.Length && (ready = results[emitted]) != null)
                    {
                        results[emitted++] = null;
                        transcript?.Note(Describe(ready));
                        onResult(ready);
                    }
                }
            }
        }

        private static string Describe(TcpPortResult result)
        {
            var where = Endpoints.Format(result.Address?.ToString() ?? result.ComputerName, result.Port);
            var latency = result.Latency.HasValue ? $" in {result.Latency.Value.TotalMilliseconds:0.###} ms" : string.Empty;
            return result.Open ? $"{where} open{latency}" : $"{where} {result.FailureKind}{latency}: {result.Message}";
        }

        /// <summary>
        /// One non-blocking connect, which the scan's timer aborts when its deadline passes. It reports
        /// the socket error instead of throwing: a sweep meets thousands of refusals, and exceptions cost.
        /// </summary>
        private sealed class Attempt : IDisposable
        {
            private readonly Socket socket;
            private readonly SocketAsyncEventArgs connect = new SocketAsyncEventArgs();
            private readonly TaskCompletionSource<SocketError> done = new TaskCompletionSource<SocketError>(TaskCreationOptions.RunContinuationsAsynchronously);
            private readonly long started = Stopwatch.GetTimestamp();
            private int aborted;

            public Attempt(IPAddress address, int port, long deadline)
            {
                socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                connect.RemoteEndPoint = new IPEndPoint(address, port);
                connect.Completed += (_, e) => done.TrySetResult(e.SocketError);
                Deadline = deadline;
            }

            public long Deadline { get; }

            public TimeSpan Elapsed => TimeSpan.FromSeconds((Stopwatch.GetTimestamp() - started) / (double)Stopwatch.Frequency);

            public async Task<(TcpPortFailure, string?)> ConnectAsync()
            {
                SocketError error;
                try
                {
                    error = socket.ConnectAsync(connect) ? await done.Task.ConfigureAwait(false) : connect.SocketError;
                }
                catch (ObjectDisposedException)
                {
                    error = SocketError.OperationAborted;
                }
                switch (Volatile.Read(ref aborted))
                {
                    case 1 when error != SocketError.Success:
                        return (TcpPortFailure.Timeout, "No answer within the timeout.");
                    case 2:
                        throw new OperationCanceledException();
                }
                switch (error)
                {
                    case SocketError.Success:
                        return (TcpPortFailure.None, null);
                    case SocketError.ConnectionRefused:
                        return (TcpPortFailure.Refused, "The connection was refused.");
                    case SocketError.TimedOut:
                        return (TcpPortFailure.Timeout, "No answer within the timeout.");
                    case SocketError.HostUnreachable:
                    case SocketError.NetworkUnreachable:
                    case SocketError.NetworkDown:
                        return (TcpPortFailure.Unreachable, new SocketException((int)error).Message);
                    default:
                        return (TcpPortFailure.Error, $"{new SocketException((int)error).Message} ({error})");
                }
            }

            public void Abort(bool timedOut)
            {
                if (Interlocked.CompareExchange(ref aborted, timedOut ? 1 : 2, 0) == 0)
                    socket.Dispose();
            }

            public void Dispose()
            {
                socket.Dispose();
                connect.Dispose();
            }
        }
    }
}
