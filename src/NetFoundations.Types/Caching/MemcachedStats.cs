using System.Collections.Generic;
using System.Globalization;

namespace NetFoundations.Core.Caching
{
    /// <summary>One server's answer to "stats": the common numbers as properties, every line in Stats.</summary>
    public sealed class MemcachedServerStats
    {
        internal MemcachedServerStats(string server, IReadOnlyDictionary<string, string> stats)
        {
            Server = server;
            Stats = stats;
        }

        public string Server { get; }
        public string? Version => Text("version");
        public long? ProcessId => Number("pid");
        public long? UptimeSeconds => Number("uptime");
        public long? CurrentItems => Number("curr_items");
        public long? Bytes => Number("bytes");
        /// <summary>The server's memory limit (-m), in bytes.</summary>
        public long? LimitMaxBytes => Number("limit_maxbytes");
        public long? GetHits => Number("get_hits");
        public long? GetMisses => Number("get_misses");
        public long? CurrentConnections => Number("curr_connections");
        public long? Evictions => Number("evictions");
        /// <summary>Every STAT line, by name.</summary>
        public IReadOnlyDictionary<string, string> Stats { get; }

        private string? Text(string name) => Stats.TryGetValue(name, out var value) ? value : null;

        private long? Number(string name) =>
            Stats.TryGetValue(name, out var value) && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : (long?)null;

        public override string ToString() => Server;
    }
}
