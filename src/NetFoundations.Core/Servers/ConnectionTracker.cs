using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Threading;

namespace NetFoundations.Core.Servers
{
    /// <summary>
    /// A server's open connections: one timer closes those idle past the timeout (no request completed, no reply taken
    /// for that long: a client trickling bytes is idle too), and a stop closes them all at once. Closing the socket is
    /// what ends a connection's pending read or write, whatever the architecture waits with.
    /// </summary>
    internal sealed class ConnectionTracker : IDisposable
    {
        private readonly ConcurrentDictionary<Tracked, byte> open = new ConcurrentDictionary<Tracked, byte>();
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly long idleTicks;
        private readonly Timer timer;

        public ConnectionTracker(TimeSpan idleTimeout)
        {
            IdleTimeout = idleTimeout;
            idleTicks = idleTimeout.Ticks;
            SweepPeriod = TimeSpan.FromMilliseconds(Math.Max(10, Math.Min(250, idleTimeout.TotalMilliseconds / 4)));
            timer = new Timer(_ => Sweep(), null, SweepPeriod, SweepPeriod);
        }

        public TimeSpan IdleTimeout { get; }

        /// <summary>How often idle connections are looked for: a connection is closed at most this late.</summary>
        public TimeSpan SweepPeriod { get; }

        public int Count => open.Count;

        public Tracked Add(Socket socket)
        {
            var tracked = new Tracked(this, socket);
            open[tracked] = 0;
            return tracked;
        }

        public void Remove(Tracked tracked) => open.TryRemove(tracked, out _);

        /// <summary>
        /// A connection whose owner closes it itself, on its own thread (the event loop, which must not have a socket it
        /// waits on closed under it): neither the timer nor a stop touches it; the owner asks Expire every SweepPeriod.
        /// </summary>
        public Tracked Watch(Socket socket) => new Tracked(this, socket);

        /// <summary>True, once, when the connection has been idle past the timeout; it is marked expired then.</summary>
        public bool Expire(Tracked tracked) =>
            clock.Elapsed.Ticks - Volatile.Read(ref tracked.LastProgress) > idleTicks && Interlocked.Exchange(ref tracked.ExpiredFlag, 1) == 0;

        /// <summary>Closes every open connection (the server stops).</summary>
        public void CloseAll()
        {
            foreach (var tracked in open.Keys)
                Close(tracked.Socket);
        }

        public void Dispose() => timer.Dispose();

        /// <summary>Closes politely (the client reads the end of the stream, not a reset, unless it left bytes unread), then frees the socket.</summary>
        internal static void Close(Socket socket)
        {
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
            {
            }
            socket.Dispose();
        }

        private void Sweep()
        {
            foreach (var tracked in open.Keys)
            {
                if (Expire(tracked))
                    Close(tracked.Socket);
            }
        }

        internal sealed class Tracked
        {
            private readonly ConnectionTracker tracker;
            internal long LastProgress;
            internal int ExpiredFlag;

            public Tracked(ConnectionTracker tracker, Socket socket)
            {
                this.tracker = tracker;
                Socket = socket;
                LastProgress = tracker.clock.Elapsed.Ticks;
            }

            public Socket Socket { get; }

            /// <summary>True when the idle timeout closed the connection.</summary>
            public bool Expired => Volatile.Read(ref ExpiredFlag) != 0;

            /// <summary>A request was completed or part of a reply was taken.</summary>
            public void Progressed() => Volatile.Write(ref LastProgress, tracker.clock.Elapsed.Ticks);
        }
    }
}
