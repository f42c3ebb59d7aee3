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

        /// <summary>Slack for the work around the connects (sockets, results, a thread's scheduling), whatever their number.</summary>
        private static readonly TimeSpan Slack = TimeSpan.FromSeconds(5);

        /// <summary>
        /// The longest ScanAsync can take when every bound inside it holds: the names resolved (all at once), then the
        /// targets in waves of throttleLimit, each connect bounded by timeout and noticed within one wait of a lane.
        /// </summary>
        public static TimeSpan Deadline(int targetCount, int throttleLimit, TimeSpan timeout)
        {
            if (timeout <= TimeSpan.Zero || timeout == Timeout.InfiniteTimeSpan)
                throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A connect's timeout is finite.");
            if (targetCount <= 0)
                return TimeSpan.Zero;
            var waves = (targetCount + throttleLimit - 1) / Math.Max(1, throttleLimit);
            var perWave = timeout + TimeSpan.FromTicks(Scan.Lane.MaxWaitMicroseconds * 10L);
            return ResolveTimeout(timeout) + TimeSpan.FromTicks(perWave.Ticks * waves) + Slack;
        }

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
            var concurrency = Math.Min(throttleLimit, Math.Max(1, targets.Count));
            var results = new OrderedFanOut<TcpPortResult>(concurrency, run =>
            {
                // By index: a foreach over the interface would allocate an enumerator per run.
                for (var i = 0; i < run.Count; i++)
                {
                    transcript?.Note(Describe(run[i]));
                    onResult(run[i]);
                }
            }, targets.Count, cancellationToken);
            var scan = new Scan(targets, addresses, timeout, results);
            using (new ProgressTicker(() => onProgress?.Invoke(results.Finished, targets.Count)))
            {
                await scan.RunAsync(concurrency).ConfigureAwait(false);
            }
            cancellationToken.ThrowIfCancellationRequested();
            onProgress?.Invoke(targets.Count, targets.Count);
        }

        /// <summary>Resolves each distinct name that came without an address once, all at the same time: an address, or why there is none.</summary>
        private static async Task<Dictionary<string, (IPAddress?, string?)>> ResolveAllAsync(IReadOnlyList<TcpPortTarget> targets, TimeSpan timeout,
            CancellationToken cancellationToken)
        {
            var resolveTimeout = ResolveTimeout(timeout);
            var names = targets.Where(t => t.Address == null).Select(t => t.ComputerName).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
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

        /// <summary>A resolver may take seconds where a connect on a LAN takes a millisecond.</summary>
        private static TimeSpan ResolveTimeout(TimeSpan timeout) => timeout > TimeSpan.FromSeconds(5) ? timeout : TimeSpan.FromSeconds(5);

        private static string Describe(TcpPortResult result)
        {
            var where = Endpoints.Format(result.Address ?? result.ComputerName, result.Port);
            var latency = result.LatencyMs.HasValue ? $" in {result.LatencyMs.Value:0.###} ms" : string.Empty;
            return result.Open ? $"{where} open{latency}" : $"{where} {result.FailureKind}{latency}: {result.Message}";
        }

        private sealed class Scan
        {
            private readonly IReadOnlyList<TcpPortTarget> targets;
            private readonly Dictionary<string, (IPAddress? Address, string? Failure)> addresses;
            private readonly long timeoutTicks;
            private readonly OrderedFanOut<TcpPortResult> results;
            private readonly TaskCompletionSource<bool> done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            private int lanesRunning;

            public Scan(IReadOnlyList<TcpPortTarget> targets, Dictionary<string, (IPAddress?, string?)> addresses, TimeSpan timeout,
                OrderedFanOut<TcpPortResult> results)
            {
                this.targets = targets;
                this.addresses = addresses;
                timeoutTicks = (long)(timeout.TotalSeconds * Stopwatch.Frequency);
                this.results = results;
            }

            /// <summary>Runs the sweep on a few threads (one per core, at most 4), which share the concurrency.</summary>
            public Task RunAsync(int concurrency)
            {
                var lanes = Math.Min(concurrency, Math.Max(1, Math.Min(4, Environment.ProcessorCount)));
                lanesRunning = lanes;
                for (var i = 0; i < lanes; i++)
                {
                    var lane = new Lane(this, concurrency / lanes + (i < concurrency % lanes ? 1 : 0));
                    new Thread(lane.Run) { IsBackground = true, Name = "Test-TcpPort lane" }.Start();
                }
                return done.Task;
            }

            private void LaneDone(Exception? error)
            {
                if (error != null)
                {
                    results.Stop();
                    done.TrySetException(error);
                }
                else if (Interlocked.Decrement(ref lanesRunning) == 0)
                {
                    done.TrySetResult(true);
                }
            }

            private void Complete(int index, IPAddress? address, TcpPortFailure kind, string? message, TimeSpan? latency)
            {
                var target = targets[index];
                results.Finish(index, new TcpPortResult(target.ComputerName, address, target.Port, kind, latency, message));
            }

            /// <summary>
            /// One thread of the sweep, the way nmap -sT works: non-blocking connects, then one Select over
            /// all of them, then SO_ERROR of those that answered. Per port this is the fewest system calls
            /// .NET offers (no event-loop registration, no thread hand-off), and system calls are the cost.
            /// </summary>
            internal sealed class Lane
            {
                internal const int MaxWaitMicroseconds = 50_000;
                private readonly Scan scan;
                private readonly int capacity;
                private readonly List<Attempt> active = new List<Attempt>();
                private readonly Dictionary<Socket, Attempt> bySocket = new Dictionary<Socket, Attempt>();
                private readonly List<Socket> writable = new List<Socket>();
                private readonly List<Socket> failed = new List<Socket>();

                public Lane(Scan scan, int capacity)
                {
                    this.scan = scan;
                    this.capacity = capacity;
                }

                public void Run()
                {
                    try
                    {
                        while (true)
                        {
                            int index;
                            // The lanes' capacities add up to the fan-out's limit, so a lane with room gets an input while any is left.
                            while (active.Count < capacity && (index = scan.results.TryStart()) >= 0)
                                Start(index);
                            if (active.Count == 0 || scan.results.Stopped)
                                break;
                            Wait();
                        }
                        scan.LaneDone(null);
                    }
                    catch (Exception e)
                    {
                        scan.LaneDone(e);
                    }
                    finally
                    {
                        foreach (var attempt in active)
                            attempt.Socket.Dispose();
                    }
                }

                private void Start(int index)
                {
                    var target = scan.targets[index];
                    var (address, failure) = target.Address != null ? (target.Address, null) : scan.addresses[target.ComputerName];
                    if (address == null)
                    {
                        scan.Complete(index, null, TcpPortFailure.NameResolution, failure, null);
                        return;
                    }
                    Socket socket;
                    try
                    {
                        socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
                    }
                    catch (SocketException e)
                    {
                        scan.Complete(index, address, TcpPortFailure.Error, $"{e.Message} ({e.SocketErrorCode})", null);
                        return;
                    }
                    var attempt = new Attempt(index, address, socket);
                    try
                    {
                        socket.Connect(new IPEndPoint(address, target.Port));
                        Finish(attempt, SocketError.Success);
                    }
                    catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock || e.SocketErrorCode == SocketError.InProgress)
                    {
                        active.Add(attempt);
                        bySocket[socket] = attempt;
                    }
                    catch (SocketException e)
                    {
                        Finish(attempt, e.SocketErrorCode);
                    }
                }

                /// <summary>Waits until some connects answer or the oldest one is due, then settles those.</summary>
                private void Wait()
                {
                    var now = Stopwatch.GetTimestamp();
                    var due = active[0].Started + scan.timeoutTicks - now;
                    var wait = (int)Math.Max(0, Math.Min(MaxWaitMicroseconds, due * 1_000_000 / Stopwatch.Frequency));
                    writable.Clear();
                    failed.Clear();
                    foreach (var attempt in active)
                    {
                        writable.Add(attempt.Socket);
                        failed.Add(attempt.Socket);
                    }
                    Socket.Select(null, writable, failed, wait);

                    var settled = new HashSet<Attempt>();
                    foreach (var socket in writable.Concat(failed))
                        if (bySocket.TryGetValue(socket, out var attempt) && settled.Add(attempt))
                            Finish(attempt, ErrorOf(socket));
                    now = Stopwatch.GetTimestamp();
                    foreach (var attempt in active)
                        if (!settled.Contains(attempt) && now - attempt.Started >= scan.timeoutTicks && settled.Add(attempt))
                            Finish(attempt, SocketError.TimedOut);
                    if (settled.Count > 0)
                        active.RemoveAll(settled.Contains);
                }

                private void Finish(Attempt attempt, SocketError error)
                {
                    bySocket.Remove(attempt.Socket);
                    attempt.Socket.Dispose();
                    var latency = TimeSpan.FromSeconds((Stopwatch.GetTimestamp() - attempt.Started) / (double)Stopwatch.Frequency);
                    switch (error)
                    {
                        case SocketError.Success:
                            scan.Complete(attempt.Index, attempt.Address, TcpPortFailure.None, null, latency);
                            break;
                        case SocketError.ConnectionRefused:
                            scan.Complete(attempt.Index, attempt.Address, TcpPortFailure.Refused, "The connection was refused.", latency);
                            break;
                        case SocketError.TimedOut:
                            scan.Complete(attempt.Index, attempt.Address, TcpPortFailure.Timeout, "No answer within the timeout.", null);
                            break;
                        case SocketError.HostUnreachable:
                        case SocketError.NetworkUnreachable:
                        case SocketError.NetworkDown:
                            scan.Complete(attempt.Index, attempt.Address, TcpPortFailure.Unreachable, new SocketException((int)error).Message, null);
                            break;
                        default:
                            scan.Complete(attempt.Index, attempt.Address, TcpPortFailure.Error, $"{new SocketException((int)error).Message} ({error})", null);
                            break;
                    }
                }

                /// <summary>The outcome of a connect that Select reported (.NET gives SO_ERROR as a SocketError on every platform).</summary>
                private static SocketError ErrorOf(Socket socket) =>
                    (SocketError)(int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
            }

            private sealed class Attempt
            {
                public Attempt(int index, IPAddress address, Socket socket)
                {
                    Index = index;
                    Address = address;
                    Socket = socket;
                }

                public int Index { get; }
                public IPAddress Address { get; }
                public Socket Socket { get; }
                public long Started { get; } = Stopwatch.GetTimestamp();
            }
        }
    }
}
