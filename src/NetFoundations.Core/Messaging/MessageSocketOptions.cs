using System;
using System.Collections.Generic;

namespace NetFoundations.Core.Messaging
{
    /// <summary>How to open a ZeroMQ socket: its type, where it binds and connects, and its bounds.</summary>
    public sealed class MessageSocketOptions
    {
        public const int DefaultHighWatermark = 1000;
        public const int DefaultMaxMessageBytes = 1024 * 1024;
        public const int MaxMaxMessageBytes = 256 * 1024 * 1024;
        /// <summary>Frames in one received message (topic, envelope, body): a peer that sends more is a ProtocolViolation.</summary>
        public const int MaxFrames = 64;

        public MessageSocketType Type { get; set; }
        /// <summary>tcp://address:port (port 0 or * lets the system choose) or inproc://name.</summary>
        public IReadOnlyList<string> Bind { get; set; } = Array.Empty<string>();
        public IReadOnlyList<string> Connect { get; set; } = Array.Empty<string>();
        /// <summary>Sub: the topic prefixes to receive; none means every message ("").</summary>
        public IReadOnlyList<string> Subscribe { get; set; } = Array.Empty<string>();
        public int SendHighWatermark { get; set; } = DefaultHighWatermark;
        public int ReceiveHighWatermark { get; set; } = DefaultHighWatermark;
        /// <summary>The largest message (all its frames) taken from a peer.</summary>
        public int MaxMessageBytes { get; set; } = DefaultMaxMessageBytes;
        /// <summary>How long queued messages may still leave once the socket is closed (in the background).</summary>
        public TimeSpan Linger { get; set; } = TimeSpan.FromSeconds(1);
    }

    /// <summary>One message to send: an optional topic frame, then the body.</summary>
    public readonly struct OutgoingMessage
    {
        public OutgoingMessage(byte[]? topic, byte[] body)
        {
            Topic = topic;
            Body = body;
        }

        public byte[]? Topic { get; }
        public byte[] Body { get; }
        public int Length => (Topic?.Length ?? 0) + Body.Length;
    }

    /// <summary>What a batch of sends did.</summary>
    public sealed class SendOutcome
    {
        internal SendOutcome(long sent, long dropped, long bytes)
        {
            Sent = sent;
            Dropped = dropped;
            Bytes = bytes;
        }

        public long Sent { get; }
        public long Dropped { get; }
        public long Bytes { get; }
    }
}
