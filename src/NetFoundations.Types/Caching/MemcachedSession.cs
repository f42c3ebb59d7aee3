using System;
using System.Collections.Generic;
using System.Threading;

namespace NetFoundations.Core.Caching
{
    /// <summary>What a session asks of its connections, which Core holds (MemcachedClient).</summary>
    internal interface IMemcachedSessionHandle
    {
        bool IsConnected { get; }
        IReadOnlyList<string> DownServers { get; }
        void Dispose();
    }

    /// <summary>
    /// A set of memcached servers as users see it: the servers, how keys choose among them, and the cache-aside
    /// counters. Its work is done by the client behind it in Core, reached by session.Connection().
    /// </summary>
    public sealed class MemcachedSession : IDisposable
    {
        private long hits, misses, computed, lockWaits;

        internal MemcachedSession(IReadOnlyList<string> servers, KeyDistribution distribution, bool failover, IMemcachedSessionHandle handle)
        {
            Servers = servers;
            KeyDistribution = distribution;
            Failover = failover;
            ConnectedAt = DateTimeOffset.Now;
            Handle = handle;
        }

        /// <summary>The servers as host:port, in the order given (the order matters to Modulo).</summary>
        public IReadOnlyList<string> Servers { get; }
        public KeyDistribution KeyDistribution { get; }
        /// <summary>True when keys of a server found dead move to the live ones (remapping); false: such keys fail, naming the server.</summary>
        public bool Failover { get; }
        /// <summary>The servers taken out of the distribution by failover; they stay out for the session's life (no stale data when one comes back).</summary>
        public IReadOnlyList<string> DownServers => Handle.DownServers;
        public DateTimeOffset ConnectedAt { get; }
        public bool IsConnected => Handle.IsConnected;
        /// <summary>Cache-aside reads that found the key.</summary>
        public long Hits => Interlocked.Read(ref hits);
        /// <summary>Cache-aside reads that did not find it.</summary>
        public long Misses => Interlocked.Read(ref misses);
        /// <summary>Misses whose value this session computed and stored.</summary>
        public long Computed => Interlocked.Read(ref computed);
        /// <summary>Misses that waited for another client's lock and then read what it stored.</summary>
        public long LockWaits => Interlocked.Read(ref lockWaits);

        internal IMemcachedSessionHandle Handle { get; }

        internal void CountHit() => Interlocked.Increment(ref hits);
        internal void CountMiss() => Interlocked.Increment(ref misses);
        internal void CountComputed() => Interlocked.Increment(ref computed);
        internal void CountLockWait() => Interlocked.Increment(ref lockWaits);

        public override string ToString() => $"memcached {string.Join(",", Servers)} ({KeyDistribution})";

        /// <summary>Closes the connections to every server.</summary>
        public void Dispose() => Handle.Dispose();
    }
}
