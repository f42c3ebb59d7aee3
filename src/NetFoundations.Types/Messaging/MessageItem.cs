using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace NetFoundations.Core.Messaging
{
    /// <summary>
    /// A message received from a ZeroMQ socket: its topic, its body (the last frame) as text, and the value the
    /// receiving command made of it (text, bytes or the object read from JSON). The frames are behind GetFrames().
    /// </summary>
    public sealed class MessageItem
    {
        private readonly byte[][] frames;
        private readonly object? value;
        private readonly bool hasValue;
        private string? text;

        internal MessageItem(MessageSocketType socketType, string endpoint, string? topic, byte[][] frames, DateTimeOffset receivedAt)
            : this(socketType, endpoint, topic, frames, receivedAt, null, false)
        {
        }

        private MessageItem(MessageSocketType socketType, string endpoint, string? topic, byte[][] frames, DateTimeOffset receivedAt, object? value, bool hasValue)
        {
            SocketType = socketType;
            Endpoint = endpoint;
            Topic = topic;
            this.frames = frames;
            ReceivedAt = receivedAt;
            this.value = value;
            this.hasValue = hasValue;
        }

        /// <summary>
        /// On a Sub socket: the first frame of a message of several frames (pyzmq's send_multipart([topic, body])), or the
        /// subscription prefix a one-frame message matched (the book's style: the topic begins the text). Else null.
        /// </summary>
        public string? Topic { get; }
        /// <summary>The body (the last frame) as UTF-8 text.</summary>
        public string Text => text ??= frames.Length == 0 ? string.Empty : Encoding.UTF8.GetString(frames[frames.Length - 1]);
        /// <summary>Text by default; the bytes with -AsBytes; the object read from JSON with -AsJson.</summary>
        public object? Value => hasValue ? value : Text;
        /// <summary>The body's size in bytes.</summary>
        public int Length => frames.Length == 0 ? 0 : frames[frames.Length - 1].Length;
        public int FrameCount => frames.Length;
        public DateTimeOffset ReceivedAt { get; }
        public MessageSocketType SocketType { get; }
        /// <summary>The receiving socket's endpoint.</summary>
        public string Endpoint { get; }

        /// <summary>The body's bytes (the last frame).</summary>
        public byte[] GetBytes() => frames.Length == 0 ? Array.Empty<byte>() : (byte[])frames[frames.Length - 1].Clone();

        /// <summary>Every frame's bytes, topic first where there is one.</summary>
        public IReadOnlyList<byte[]> GetFrames() => frames.Select(f => (byte[])f.Clone()).ToList();

        internal MessageItem WithValue(object? value) => new MessageItem(SocketType, Endpoint, Topic, frames, ReceivedAt, value, true);

        internal MessageItem WithBytes() => WithValue(GetBytes());

        public override string ToString() => Topic == null ? Text : $"[{Topic}] {Text}";
    }

    /// <summary>What one Send-Message did: how many messages went, how many were dropped.</summary>
    public sealed class MessageSendResult
    {
        internal MessageSendResult(MessageSocketType socketType, string endpoint, long sent, long dropped, long bytes, double durationMs, bool whatIf)
        {
            SocketType = socketType;
            Endpoint = endpoint;
            Sent = sent;
            Dropped = dropped;
            Bytes = bytes;
            DurationMs = durationMs;
            WhatIf = whatIf;
        }

        public MessageSocketType SocketType { get; }
        public string Endpoint { get; }
        public long Sent { get; }
        /// <summary>Sent on a Pub socket while no subscriber matched; or not taken by any peer of a Push or Req socket by the deadline.</summary>
        public long Dropped { get; }
        public long Bytes { get; }
        public double DurationMs { get; }
        /// <summary>True when -WhatIf kept the messages back: nothing was sent.</summary>
        public bool WhatIf { get; }
        public double MessagesPerSecond => DurationMs > 0 ? Sent * 1000.0 / DurationMs : 0;

        public override string ToString() => WhatIf ? $"{SocketType} {Endpoint}: not sent (WhatIf)" : $"{SocketType} {Endpoint}: {Sent} sent, {Dropped} dropped";
    }
}
