using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
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

            var addresses = await ResolveAllAsync(targets, timeout, cancellationToken).ConfigureAwait(false);
            var scan = new Scan(targets, addresses, timeout, transcript, onResult);
            var period = TimeSpan.FromMilliseconds(Math.Max(10, Math.Min(100, timeout.TotalMilliseconds / 4)));
            var lastProgress = Stopwatch.StartNew();
            using (new Timer(_ =>
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
                await scan.RunAsync(Math.Min(throttleLimit, Math.Max(1, targets.Count))).ConfigureAwait(false);
            }
            cancellationToken.ThrowIfCancellationRequested();
            onProgress?.Invoke(targets.Count, targets.Count);
        }

        /// <summary>Resolves each distinct name once, all at the same time: an address, or why there is none.</summary>
        private static async Task<Dictionary<string, (IPAddress?, string?)>> ResolveAllAsync(IReadOnlyList<TcpPortTarget> targets, TimeSpan timeout,
            CancellationToken cancellationToken)
        {
            // A resolver may take seconds where a connect on a LAN takes a millisecond.
            var resolveTimeout = timeout > TimeSpan.FromSeconds(5) ? timeout : TimeSpan.FromSeconds(5);
            var names = targets.Select(t => t.ComputerName).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            var lookups = names.Select(async name =>
            {
                try
                {
                    return ((IPAddress?)(await Endpoints.ResolveAsync(name, null, resolveTimeout, cancellationToken).ConfigureAwait(false))[0], (string?)null);
                }
                catch (NetworkException e) when (e is NameResolutionException || e is NetworkTimeoutException || e is InvalidNetworkRequestException)
                {
                    return (null, e.Message);
                }
            }).ToArray();
            var resolved = await Task.WhenAll(lookups).ConfigureAwait(false);
            var byName = new Dictionary<string, (IPAddress?, string?)>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < names.Length; i++)
                byName[names[i]] = resolved[i];
            return byName;
        }

        private static string Describe(TcpPortResult result)
        {
            var where = Endpoints.Format(result.Address?.ToString() ?? result.ComputerName, result.Port);
            var latency = result.Latency.HasValue ? $" in {result.Latency.Value.TotalMilliseconds:0.###} ms" : string.Empty;
            return result.Open ? $"{where} open{latency}" : $"{where} {result.FailureKind}{latency}: {result.Message}";
        }

        private sealed class Scan
        {
            private readonly IReadOnlyList<TcpPortTarget> targets;
            private readonly Dictionary<string, (IPAddress? Address, string? Failure)> addresses;
            private readonly long timeoutTicks;
            private readonly Transcript? transcript;
            private readonly Action<TcpPortResult> onResult;
            private readonly TcpPortResult?[] results;
            private readonly object emitGate = new object();
            private readonly TaskCompletionSource<bool> done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            private Worker[] workers = Array.Empty<Worker>();
            private int next = -1;
            private int emitted;
            private int finished;
            private int running;
            private volatile bool cancelled;

            public Scan(IReadOnlyList<TcpPortTarget> targets, Dictionary<string, (IPAddress?, string?)> addresses, TimeSpan timeout,
                Transcript? transcript, Action<TcpPortResult> onResult)
            {
                this.targets = targets;
                this.addresses = addresses;
                timeoutTicks = (long)(timeout.TotalSeconds * Stopwatch.Frequency);
                this.transcript = transcript;
                this.onResult = onResult;
                results = new TcpPortResult?[targets.Count];
            }

            public int Finished => Volatile.Read(ref finished);

            public Task RunAsync(int concurrency)
            {
                workers = Enumerable.Range(0, concurrency).Select(_ => new Worker(this)).ToArray();
                running = workers.Length;
                foreach (var worker in workers)
                    worker.Run();
                return done.Task;
            }

            public void Cancel()
            {
                cancelled = true;
                foreach (var worker in workers)
                    worker.Abort(timedOut: false, Stopwatch.GetTimestamp());
            }

            public void ExpireAttempts()
            {
                var now = Stopwatch.GetTimestamp();
                foreach (var worker in workers)
                    worker.Abort(timedOut: true, now);
            }

            /// <summary>The next target for a worker, or -1 when there is none.</summary>
            private int Take() => cancelled ? -1 : Interlocked.Increment(ref next) is var index && index < targets.Count ? index : -1;

            private void WorkerDone(Exception? error)
            {
                if (error != null)
                {
                    cancelled = true;
                    done.TrySetException(error);
                }
                else if (Interlocked.Decrement(ref running) == 0)
                {
                    done.TrySetResult(true);
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

            /// <summary>
            /// One lane of the sweep: connects to one target after another with a reused SocketAsyncEventArgs,
            /// continuing from the completion callback. Socket errors arrive as codes, never as exceptions:
            /// a sweep meets thousands of refusals, and exceptions and tasks per attempt cost more than the connect.
            /// </summary>
            private sealed class Worker
            {
                private readonly Scan scan;
                private readonly SocketAsyncEventArgs connect = new SocketAsyncEventArgs();
                private readonly object gate = new object();
                private Socket? socket;
                private int index = -1;
                private IPAddress? address;
                private long started;
                private bool timedOut;

                public Worker(Scan scan)
                {
                    this.scan = scan;
                    connect.Completed += (_, e) => Run();
                }

                /// <summary>Finishes the attempt under way, if any, then starts attempts until one is pending or none is left.</summary>
                public void Run()
                {
                    try
                    {
                        while (true)
                        {
                            if (index >= 0)
                                Finish();
                            index = scan.Take();
                            if (index < 0)
                            {
                                connect.Dispose();
                                scan.WorkerDone(null);
                                return;
                            }
                            if (Start())
                                return;
                        }
                    }
                    catch (Exception e)
                    {
                        scan.WorkerDone(e);
                    }
                }

                /// <summary>Starts a connect; returns true when it is pending (the callback continues).</summary>
                private bool Start()
                {
                    var target = scan.targets[index];
                    var (resolved, failure) = scan.addresses[target.ComputerName];
                    address = resolved;
                    if (resolved == null)
                    {
                        Report(TcpPortFailure.NameResolution, failure, null);
                        return false;
                    }
                    Socket created;
                    try
                    {
                        created = new Socket(resolved.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                    }
                    catch (SocketException e)
                    {
                        Report(TcpPortFailure.Error, $"{e.Message} ({e.SocketErrorCode})", null);
                        return false;
                    }
                    connect.RemoteEndPoint = new IPEndPoint(resolved, target.Port);
                    lock (gate)
                    {
                        socket = created;
                        timedOut = false;
                        started = Stopwatch.GetTimestamp();
                    }
                    try
                    {
                        return created.ConnectAsync(connect);
                    }
                    catch (ObjectDisposedException)
                    {
                        connect.SocketError = SocketError.OperationAborted;
                        return false;
                    }
                }

                private void Finish()
                {
                    bool expired;
                    lock (gate)
                    {
                        expired = timedOut;
                        socket?.Dispose();
                        socket = null;
                    }
                    var latency = TimeSpan.FromSeconds((Stopwatch.GetTimestamp() - started) / (double)Stopwatch.Frequency);
                    var error = connect.SocketError;
                    if (scan.cancelled)
                        index = -1;
                    else if (error == SocketError.Success)
                        Report(TcpPortFailure.None, null, latency);
                    else if (expired || error == SocketError.TimedOut)
                        Report(TcpPortFailure.Timeout, "No answer within the timeout.", null);
                    else if (error == SocketError.ConnectionRefused)
                        Report(TcpPortFailure.Refused, "The connection was refused.", latency);
                    else if (error == SocketError.HostUnreachable || error == SocketError.NetworkUnreachable || error == SocketError.NetworkDown)
                        Report(TcpPortFailure.Unreachable, new SocketException((int)error).Message, null);
                    else
                        Report(TcpPortFailure.Error, $"{new SocketException((int)error).Message} ({error})", null);
                }

                private void Report(TcpPortFailure kind, string? message, TimeSpan? latency)
                {
                    var target = scan.targets[index];
                    scan.Complete(index, new TcpPortResult(target.ComputerName, address, target.Port, kind, latency, message));
                    index = -1;
                }

                /// <summary>Ends the attempt under way: always when cancelling, else when it is past the timeout.</summary>
                public void Abort(bool timedOut, long now)
                {
                    lock (gate)
                    {
                        if (socket == null || timedOut && now - started < scan.timeoutTicks)
                            return;
                        this.timedOut = timedOut;
                        socket.Dispose();
                        socket = null;
                    }
                }
            }
        }
    }
}
