using System;
using System.Net;
using NetFoundations.Core.Tcp;

namespace NetFoundations.Core.Servers
{
    /// <summary>Where a TCP server listens, how it cuts requests, what it answers and the bounds on every connection.</summary>
    public sealed class TcpServerOptions
    {
        public const int DefaultMaxRequestBytes = 64 * 1024;
        public const int DefaultMaxConnections = 256;

        /// <summary>
        /// Sixteen workers: enough for the handful of clients a check or a demonstration runs at once (a test's parallel
        /// clients, the book's several Zen clients), while sixteen threads blocked in accept cost little (their stacks'
        /// address space, mostly untouched); a pool meant for more clients is sized to them with -WorkerCount.
        /// </summary>
        public const int DefaultWorkerCount = 16;

        /// <summary>A pool's threads are started whether clients come or not, so their number is bounded.</summary>
        public const int MaxWorkerCount = 4096;

        /// <summary>IPAddress.IPv6Any listens on every address, IPv4 ones too (dual mode).</summary>
        public IPAddress LocalAddress { get; set; } = IPAddress.Loopback;

        /// <summary>0 picks a free port; the server reports the one bound.</summary>
        public int Port { get; set; }

        public TcpServiceKind Service { get; set; } = TcpServiceKind.Echo;

        public ServerArchitecture Architecture { get; set; } = ServerArchitecture.AsyncAwait;

        /// <summary>How requests are cut from the stream (the client's framings); null takes the service's own (Zen) or lines.</summary>
        public TcpFraming? Framing { get; set; }

        /// <summary>How long a connection may go without completing a request or having a reply taken; a trickle of bytes does not reset it.</summary>
        public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>The largest request, framing included.</summary>
        public int MaxRequestBytes { get; set; } = DefaultMaxRequestBytes;

        /// <summary>Connections served at once; more wait in the listen queue.</summary>
        public int MaxConnections { get; set; } = DefaultMaxConnections;

        /// <summary>Answers each request when Service is Handler; the server disposes it when it stops.</summary>
        public TcpRequestHandler? Handler { get; set; }

        /// <summary>Sent to each client as it connects, framed as replies are (an SMTP or POP greeting); null for nothing.</summary>
        public byte[]? Greeting { get; set; }

        /// <summary>
        /// The WorkerPool architecture's threads, started with the server (at most MaxConnections of them); null takes
        /// DefaultWorkerCount. The other architectures have no workers and refuse a count.
        /// </summary>
        public int? WorkerCount { get; set; }

        /// <summary>The threads a worker pool starts: no more than the connections it may serve at once.</summary>
        internal int Workers => Math.Min(WorkerCount ?? DefaultWorkerCount, MaxConnections);

        /// <summary>A simulated delay before each reply (the book's slow Zen server).</summary>
        public TimeSpan ReplyDelay { get; set; } = TimeSpan.Zero;

        /// <summary>The framing requests are read with: the service's own, else the one given, else lines.</summary>
        internal TcpFraming RequestFraming(TcpService service)
        {
            var own = service.Framing;
            if (own != null && Framing != null && !SameFraming(own, Framing))
                throw new InvalidNetworkRequestException($"The {Service} service frames its requests itself ({Describe(own)}); no other framing can be given.", null);
            var framing = own ?? Framing ?? TcpFraming.Lines(1);
            switch (framing.Mode)
            {
                case TcpReceiveMode.None:
                    throw new InvalidNetworkRequestException("A server needs a framing that receives requests.", null);
                case TcpReceiveMode.ByteCount when framing.Count > MaxRequestBytes:
                    throw new InvalidNetworkRequestException(
                        $"Requests of exactly {framing.Count} bytes cannot fit the request limit of {MaxRequestBytes} bytes.", null);
            }
            return framing;
        }

        internal void Validate()
        {
            if (LocalAddress == null)
                throw new InvalidNetworkRequestException("A local address is needed.", null);
            if (Port < 0 || Port > 65535)
                throw new InvalidNetworkRequestException($"The port {Port} is not between 0 and 65535.", null);
            if (IdleTimeout <= TimeSpan.Zero)
                throw new InvalidNetworkRequestException("The idle timeout must be positive.", null);
            if (MaxRequestBytes < 1)
                throw new InvalidNetworkRequestException("The request limit must be at least 1 byte.", null);
            if (MaxConnections < 1)
                throw new InvalidNetworkRequestException("A server serves at least one connection at a time.", null);
            if ((Service == TcpServiceKind.Handler) != (Handler != null))
                throw new InvalidNetworkRequestException("A handler is given exactly when the service is Handler.", null);
            if (WorkerCount != null && Architecture != ServerArchitecture.WorkerPool)
                throw new InvalidNetworkRequestException($"The {Architecture} architecture has no workers to count; a worker count is for WorkerPool.", null);
            if (WorkerCount < 1 || WorkerCount > MaxWorkerCount)
                throw new InvalidNetworkRequestException($"A worker pool has from 1 to {MaxWorkerCount} workers, not {WorkerCount}.", null);
            if (ReplyDelay < TimeSpan.Zero)
                throw new InvalidNetworkRequestException("The reply delay cannot be negative.", null);
        }

        /// <summary>A framing in Invoke-TcpConversation's terms, for the server's record.</summary>
        internal static string Describe(TcpFraming framing) => framing.Mode switch
        {
            TcpReceiveMode.Lines => "Lines",
            TcpReceiveMode.Delimiter => $"Delimiter '{Printable(framing.Delimiter!)}'",
            TcpReceiveMode.ByteCount => $"ByteCount {framing.Count}",
            TcpReceiveMode.LengthPrefix => $"LengthPrefix {framing.PrefixSize}",
            TcpReceiveMode.UntilClose => "UntilClose",
            _ => framing.Mode.ToString(),
        };

        private static string Printable(byte[] bytes)
        {
            var text = new System.Text.StringBuilder();
            foreach (var b in bytes)
                text.Append(b >= 0x20 && b < 0x7f ? ((char)b).ToString() : $"\\x{b:x2}");
            return text.ToString();
        }

        private static bool SameFraming(TcpFraming a, TcpFraming b) =>
            a.Mode == b.Mode && a.PrefixSize == b.PrefixSize
            && (a.Delimiter == null ? b.Delimiter == null : b.Delimiter != null && System.Linq.Enumerable.SequenceEqual(a.Delimiter, b.Delimiter));
    }
}
