using System;
using System.Collections.Generic;
using System.Globalization;

namespace NetFoundations.Core.Dns
{
    /// <summary>How a DnsResolver asks: which servers, over what, with what patience.</summary>
    public sealed class DnsResolverOptions
    {
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);
        public static readonly TimeSpan DefaultTotalTimeout = TimeSpan.FromSeconds(30);

        public DnsResolverOptions(IReadOnlyList<string>? servers = null, bool tcpOnly = false, bool recursion = true,
            bool dnssecOk = false, TimeSpan? timeout = null, int retries = 2, TimeSpan? totalTimeout = null)
        {
            var total = totalTimeout ?? DefaultTotalTimeout;
            if (total <= TimeSpan.Zero || total > TimeSpan.FromHours(1))
                throw new ArgumentOutOfRangeException(nameof(totalTimeout), total, "The timeout of one lookup is more than 0 and at most an hour.");
            TotalTimeout = total;
            if (retries < 0 || retries > 10)
                throw new ArgumentOutOfRangeException(nameof(retries), retries, "Retries is a number from 0 to 10.");
            var perTry = timeout ?? DefaultTimeout;
            if (perTry <= TimeSpan.Zero || perTry > TimeSpan.FromMinutes(5))
                throw new ArgumentOutOfRangeException(nameof(timeout), perTry, "The timeout of one try is more than 0 and at most 5 minutes.");
            Servers = servers ?? Array.Empty<string>();
            foreach (var server in Servers)
                ParseServer(server);
            TcpOnly = tcpOnly;
            Recursion = recursion;
            DnssecOk = dnssecOk;
            Timeout = perTry;
            Retries = retries;
        }

        /// <summary>host, host:port, IPv6 address, [IPv6]:port. Empty: the system's resolvers.</summary>
        public IReadOnlyList<string> Servers { get; }
        public bool TcpOnly { get; }
        /// <summary>Sets RD (recursion desired) in queries.</summary>
        public bool Recursion { get; }
        /// <summary>Sets the EDNS DO bit: ask for DNSSEC records.</summary>
        public bool DnssecOk { get; }
        /// <summary>How long one try waits for an answer.</summary>
        public TimeSpan Timeout { get; }
        /// <summary>Tries after the first, per server.</summary>
        public int Retries { get; }
        /// <summary>How long one lookup may take in all: every question of its CNAME chain, every try, UDP and TCP.</summary>
        public TimeSpan TotalTimeout { get; }

        /// <summary>Splits a server given as host, host:port, IPv6 or [IPv6]:port; the port defaults to 53 (or defaultPort).</summary>
        public static (string Host, int Port) ParseServer(string server, int defaultPort = 53)
        {
            if (string.IsNullOrWhiteSpace(server))
                throw new ArgumentException("A DNS server is a host or address, optionally with :port.", nameof(server));
            var text = server.Trim();
            string host;
            string? port = null;
            if (text.StartsWith("[", StringComparison.Ordinal))
            {
                var close = text.IndexOf(']');
                if (close < 0 || (close + 1 < text.Length && text[close + 1] != ':'))
                    throw new ArgumentException($"'{server}' is not [IPv6 address]:port.", nameof(server));
                host = text.Substring(1, close - 1);
                if (close + 1 < text.Length)
                    port = text.Substring(close + 2);
            }
            else
            {
                var colon = text.IndexOf(':');
                if (colon >= 0 && text.LastIndexOf(':') == colon)
                {
                    host = text.Substring(0, colon);
                    port = text.Substring(colon + 1);
                }
                else
                {
                    host = text; // a name, an IPv4 address, or an IPv6 address without port
                }
            }
            if (host.Length == 0)
                throw new ArgumentException($"'{server}' has no host.", nameof(server));
            if (port == null)
                return (host, defaultPort);
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1 || number > 65535)
                throw new ArgumentException($"'{server}' has no valid port: a port is a number from 1 to 65535.", nameof(server));
            return (host, number);
        }
    }
}
