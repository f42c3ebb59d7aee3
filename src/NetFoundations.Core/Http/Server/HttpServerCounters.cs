using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using NetFoundations.Core.Servers;

namespace NetFoundations.Core.Http
{
    /// <summary>An HTTP server's per-route counters and its request log (the newest LogSize entries), shared by every connection.</summary>
    internal sealed class HttpServerCounters
    {
        public const int LogSize = 1000;

        private readonly ConcurrentDictionary<string, Route> routes = new ConcurrentDictionary<string, Route>(StringComparer.Ordinal);
        private readonly Queue<HttpServerLogEntry> log = new Queue<HttpServerLogEntry>();

        public void Record(HttpServerLogEntry entry)
        {
            var route = routes.GetOrAdd(entry.Route, _ => new Route());
            lock (route)
            {
                route.Latency.Record((long)(entry.DurationMs * 1000));
                route.BytesSent += entry.BytesSent;
                if (entry.StatusCode >= 500)
                    route.ServerErrors++;
                else if (entry.StatusCode >= 400)
                    route.ClientErrors++;
            }
            lock (log)
            {
                if (log.Count == LogSize)
                    log.Dequeue();
                log.Enqueue(entry);
            }
        }

        public IReadOnlyList<HttpServerRouteStatistics> Routes() => routes
            .Select(pair =>
            {
                lock (pair.Value)
                {
                    var h = pair.Value.Latency;
                    return new HttpServerRouteStatistics(pair.Key, h.Count, pair.Value.ServerErrors, pair.Value.ClientErrors, pair.Value.BytesSent,
                        h.Mean / 1000, h.Percentile(50) / 1000.0, h.Percentile(99) / 1000.0, h.Max / 1000.0);
                }
            })
            .OrderByDescending(r => r.Requests).ThenBy(r => r.Route, StringComparer.Ordinal)
            .ToList();

        public IReadOnlyList<HttpServerLogEntry> Log()
        {
            lock (log)
            {
                return log.ToArray();
            }
        }

        private sealed class Route
        {
            public readonly LatencyHistogram Latency = new LatencyHistogram();
            public long ServerErrors;
            public long ClientErrors;
            public long BytesSent;
        }
    }
}
