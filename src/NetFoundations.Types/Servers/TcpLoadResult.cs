using System;
using System.Collections.Generic;
using System.Linq;

namespace NetFoundations.Core.Servers
{
    /// <summary>
    /// One point of a load measurement (Measure-TcpServer): so many connections, closed loop or at a target rate, for a
    /// duration or a count of requests; what was answered, what failed and by which error family, the throughput, and the
    /// latency percentiles. In the open loop, latency runs from the time a request was scheduled to be sent, so a server
    /// that stalls shows it in the percentiles instead of slowing the client down with it.
    /// </summary>
    public sealed class TcpLoadResult
    {
        private readonly IReadOnlyDictionary<string, long> errors;

        internal TcpLoadResult(string computerName, string address, int port, int connections, double targetRate, double durationMs,
            long requests, IReadOnlyDictionary<string, long> errors, string? firstError, long bytesSent, long bytesReceived,
            double meanMs, double p50Ms, double p90Ms, double p99Ms, double maxMs)
        {
            ComputerName = computerName;
            Address = address;
            Port = port;
            Connections = connections;
            TargetRate = targetRate;
            DurationMs = durationMs;
            Requests = requests;
            this.errors = errors;
            Errors = errors.Values.Sum();
            ErrorsByKind = string.Join("; ", errors.OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal)
                .Select(e => $"{e.Key}={e.Value}"));
            FirstError = firstError;
            BytesSent = bytesSent;
            BytesReceived = bytesReceived;
            RequestsPerSecond = durationMs > 0 ? requests / (durationMs / 1000) : 0;
            LatencyMeanMs = meanMs;
            LatencyP50Ms = p50Ms;
            LatencyP90Ms = p90Ms;
            LatencyP99Ms = p99Ms;
            LatencyMaxMs = maxMs;
        }

        public string ComputerName { get; }
        /// <summary>The address connected to (the name resolved once, for every connection).</summary>
        public string Address { get; }
        public int Port { get; }
        /// <summary>Connections open at once.</summary>
        public int Connections { get; }
        /// <summary>Requests per second asked for, over all connections (the open loop); 0 for the closed loop.</summary>
        public double TargetRate { get; }
        /// <summary>From the start to the last request's end; with a duration, at least the duration (requests in flight at its end are waited for).</summary>
        public double DurationMs { get; }
        /// <summary>Requests answered in full.</summary>
        public long Requests { get; }
        /// <summary>Requests that failed: not connected, not answered in time, the connection lost, a reply out of bounds.</summary>
        public long Errors { get; }
        /// <summary>The failures by error family, most frequent first ("ConnectionLost=3; Timeout=1"); empty when none.</summary>
        public string ErrorsByKind { get; }
        /// <summary>The first failure's message, or null.</summary>
        public string? FirstError { get; }
        public long BytesSent { get; }
        public long BytesReceived { get; }
        /// <summary>Requests answered per second of DurationMs.</summary>
        public double RequestsPerSecond { get; }
        public double LatencyMeanMs { get; }
        public double LatencyP50Ms { get; }
        public double LatencyP90Ms { get; }
        public double LatencyP99Ms { get; }
        public double LatencyMaxMs { get; }

        /// <summary>The failures by error family (NetworkErrorKind names), as counts.</summary>
        public IReadOnlyDictionary<string, long> GetErrors() => errors;

        public override string ToString() =>
            $"{Endpoints.Format(ComputerName, Port)}: {Connections} connections, {Requests} requests, {Errors} errors, {RequestsPerSecond:0} /s, p99 {LatencyP99Ms:0.###} ms";
    }
}
