using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text;
using NetFoundations.Core.Tcp;

namespace NetFoundations.Core.Servers
{
    /// <summary>
    /// What a load run sends and how long it runs: Connections connections at once, each sending the messages in turn
    /// (one message, one reply read with ReplyFraming, and again from the first), for Duration or until Count requests in
    /// all; back to back (the closed loop, Rate 0) or each at its scheduled time at Rate requests per second over all
    /// connections (the open loop).
    /// </summary>
    public sealed class TcpLoadRequest
    {
        public const int DefaultMaxReceiveBytes = 1024 * 1024;

        public TcpLoadRequest(string computerName, int port)
        {
            if (string.IsNullOrWhiteSpace(computerName))
                throw new ArgumentException("A host name or address is needed.", nameof(computerName));
            Endpoints.ValidatePort(port, nameof(port));
            ComputerName = computerName;
            Port = port;
        }

        /// <summary>The book's Zen conversation: the questions the Zen service knows, in turn, each answer read up to its '.'.</summary>
        public static TcpLoadRequest Zen(string computerName, int port) => new TcpLoadRequest(computerName, port)
        {
            Messages = ZenService.Questions.Select(q => Encoding.UTF8.GetBytes(q)).ToArray(),
            ReplyFraming = TcpFraming.Delimited(new[] { (byte)'.' }),
        };

        public string ComputerName { get; }
        public int Port { get; }
        /// <summary>Connect to these, in order, instead of resolving ComputerName (which is resolved once for every connection otherwise).</summary>
        public IReadOnlyList<IPAddress>? Addresses { get; set; }

        /// <summary>The requests, sent one at a time and in turn; each is framed with a length prefix when ReplyFraming is LengthPrefix.</summary>
        public IReadOnlyList<byte[]> Messages { get; set; } = Array.Empty<byte[]>();

        /// <summary>How each reply is read (Delimiter, Lines, ByteCount or LengthPrefix).</summary>
        public TcpFraming ReplyFraming { get; set; } = TcpFraming.Lines(1);

        public int Connections { get; set; } = 1;

        /// <summary>How long the run lasts; null for no limit but Count.</summary>
        public TimeSpan? Duration { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>Requests in all, answered or failed; 0 for no limit but Duration.</summary>
        public long Count { get; set; }

        /// <summary>Requests per second over all connections, each sent at its scheduled time (the open loop); 0 sends each request when the last reply came.</summary>
        public double Rate { get; set; }

        /// <summary>Bounds the connect, and each reply from its request's send: a reply later than this is a Timeout error.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>The largest reply; a larger one is a ProtocolViolation error.</summary>
        public int MaxReceiveBytes { get; set; } = DefaultMaxReceiveBytes;

        /// <summary>How long a run may take, past which something is wrong: its duration (or, with only a count, none) plus a request's timeout.</summary>
        public TimeSpan Deadline => Duration is TimeSpan duration ? duration + Timeout + Timeout : System.Threading.Timeout.InfiniteTimeSpan;

        internal void Validate()
        {
            var target = Endpoints.Format(ComputerName, Port);
            if (Messages == null || Messages.Count == 0)
                throw new InvalidNetworkRequestException("A load run needs at least one message to send.", target);
            if (Connections < 1)
                throw new InvalidNetworkRequestException("A load run needs at least one connection.", target);
            if (Duration == null && Count <= 0)
                throw new InvalidNetworkRequestException("A load run needs a duration or a count of requests.", target);
            if (Duration is TimeSpan d && d <= TimeSpan.Zero)
                throw new InvalidNetworkRequestException("The duration must be positive.", target);
            if (Count < 0 || Rate < 0 || double.IsNaN(Rate) || double.IsInfinity(Rate))
                throw new InvalidNetworkRequestException("The count and the rate cannot be negative.", target);
            if (Timeout <= TimeSpan.Zero)
                throw new InvalidNetworkRequestException("The timeout must be positive.", target);
            if (MaxReceiveBytes < 1)
                throw new InvalidNetworkRequestException("The reply limit must be at least 1 byte.", target);
            var framing = ReplyFraming ?? throw new InvalidNetworkRequestException("A reply framing is needed.", target);
            switch (framing.Mode)
            {
                case TcpReceiveMode.Delimiter:
                case TcpReceiveMode.Lines:
                case TcpReceiveMode.ByteCount:
                case TcpReceiveMode.LengthPrefix:
                    break;
                default:
                    throw new InvalidNetworkRequestException(
                        $"A load run reads one reply per request, so it needs a framing that ends a reply (Delimiter, Lines, ByteCount or LengthPrefix), not {framing.Mode}.", target);
            }
            if (framing.Mode == TcpReceiveMode.ByteCount && framing.Count > MaxReceiveBytes)
                throw new InvalidNetworkRequestException($"A reply of {framing.Count} bytes is beyond the reply limit of {MaxReceiveBytes} bytes.", target);
            if (framing.Mode == TcpReceiveMode.LengthPrefix && Messages.Any(m => m.Length > framing.MaxPrefixedLength))
                throw new InvalidNetworkRequestException(
                    $"A message longer than {framing.MaxPrefixedLength} bytes does not fit a {framing.PrefixSize}-byte length prefix.", target);
        }
    }

    /// <summary>How far a load run has got, for a progress bar.</summary>
    public sealed class TcpLoadStatus
    {
        internal TcpLoadStatus(long answered, long failed, TimeSpan elapsed)
        {
            Answered = answered;
            Failed = failed;
            Elapsed = elapsed;
        }

        public long Answered { get; }
        public long Failed { get; }
        public TimeSpan Elapsed { get; }
    }
}
