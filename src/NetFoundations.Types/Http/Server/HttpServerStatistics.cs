using System;

namespace NetFoundations.Core.Http
{
    /// <summary>
    /// One route's counters on an HTTP server, as they stood when asked for: requests, failures (5xx answers) and latency
    /// percentiles, from the request's last byte received to its answer's last byte sent.
    /// </summary>
    public sealed class HttpServerRouteStatistics
    {
        internal HttpServerRouteStatistics(string route, long requests, long serverErrors, long clientErrors, long bytesSent,
            double meanMs, double p50Ms, double p99Ms, double maxMs)
        {
            Route = route;
            Requests = requests;
            ServerErrors = serverErrors;
            ClientErrors = clientErrors;
            BytesSent = bytesSent;
            MeanMs = meanMs;
            P50Ms = p50Ms;
            P99Ms = p99Ms;
            MaxMs = maxMs;
        }

        /// <summary>The route's pattern ("GET /items/{id}"), or what answered instead: "static", "404", "405", "501", "400"…</summary>
        public string Route { get; }
        public long Requests { get; }
        /// <summary>Answers with a 5xx status (a handler that failed answers 500).</summary>
        public long ServerErrors { get; }
        /// <summary>Answers with a 4xx status.</summary>
        public long ClientErrors { get; }
        public long BytesSent { get; }
        public double MeanMs { get; }
        public double P50Ms { get; }
        public double P99Ms { get; }
        public double MaxMs { get; }

        public override string ToString() => $"{Route}: {Requests} requests, p50 {P50Ms:0.###} ms, p99 {P99Ms:0.###} ms";
    }

    /// <summary>One line of an HTTP server's request log, as an object: who asked what, and what was answered how fast.</summary>
    public sealed class HttpServerLogEntry
    {
        internal HttpServerLogEntry(DateTime time, string remoteAddress, int remotePort, string method, string target, string host,
            string version, int statusCode, long bytesSent, double durationMs, string route, string? userAgent)
        {
            Time = time;
            RemoteAddress = remoteAddress;
            RemotePort = remotePort;
            Method = method;
            Target = target;
            Host = host;
            Version = version;
            StatusCode = statusCode;
            BytesSent = bytesSent;
            DurationMs = durationMs;
            Route = route;
            UserAgent = userAgent;
        }

        public DateTime Time { get; }
        public string RemoteAddress { get; }
        public int RemotePort { get; }
        public string Method { get; }
        public string Target { get; }
        public string Host { get; }
        public string Version { get; }
        public int StatusCode { get; }
        /// <summary>The body's bytes sent (the headers not counted, as in the common log format).</summary>
        public long BytesSent { get; }
        public double DurationMs { get; }
        public string Route { get; }
        public string? UserAgent { get; }

        /// <summary>The common log format's line (without the ident and user fields, which are always "-").</summary>
        public override string ToString() =>
            $"{RemoteAddress} - - [{Time:dd/MMM/yyyy:HH:mm:ss zz00}] \"{Method} {Target} {Version}\" {StatusCode} {BytesSent}";
    }
}
