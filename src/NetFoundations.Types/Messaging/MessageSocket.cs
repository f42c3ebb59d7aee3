using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace NetFoundations.Core.Messaging
{
    /// <summary>The ZeroMQ socket types the module offers, by their ZeroMQ names (on long, so JSON writes the name).</summary>
    public enum MessageSocketType : long
    {
        Pub,
        Sub,
        Req,
        Rep,
        Push,
        Pull,
    }

    /// <summary>What a socket asks of the NetMQ socket behind it, which Core holds on a thread of its own.</summary>
    internal interface IMessageSocketHandle
    {
        bool IsClosed { get; }
        /// <summary>The topics some subscriber has asked a Pub socket for (empty for other types).</summary>
        IReadOnlyList<string> SubscriberTopics { get; }
        int SubscriptionCount { get; }
        void Dispose();
    }

    /// <summary>
    /// A ZeroMQ socket as users see it: its type, where it is bound or connected, its bounds and its counters. The NetMQ
    /// socket behind it lives on a thread of its own in Core (NetMQ sockets are not thread-safe, and PowerShell calls
    /// from whichever thread runs the pipeline), so the object can be used from any runspace or thread job.
    /// </summary>
    public sealed class MessageSocket : IDisposable
    {
        private static readonly ConcurrentDictionary<int, MessageSocket> Open = new ConcurrentDictionary<int, MessageSocket>();
        private static int lastId;
        private long sent, received, dropped, sentBytes, receivedBytes;

        internal MessageSocket(MessageSocketType type, IReadOnlyList<string> bound, IReadOnlyList<string> connected,
            IReadOnlyList<string> subscriptions, int sendHighWatermark, int receiveHighWatermark, int maxMessageBytes)
        {
            Id = Interlocked.Increment(ref lastId);
            Type = type;
            BoundEndpoints = bound;
            ConnectedEndpoints = connected;
            Subscriptions = subscriptions;
            SendHighWatermark = sendHighWatermark;
            ReceiveHighWatermark = receiveHighWatermark;
            MaxMessageBytes = maxMessageBytes;
            CreatedAt = DateTimeOffset.Now;
        }

        /// <summary>A number that names the socket in this process (Get-MessageSocket -Id).</summary>
        public int Id { get; }
        public MessageSocketType Type { get; }
        /// <summary>The first bound endpoint, or else the first connected one: where a peer connects, or where this one went.</summary>
        public string Endpoint => BoundEndpoints.Concat(ConnectedEndpoints).FirstOrDefault() ?? string.Empty;
        /// <summary>The endpoints bound, with the port the system chose where tcp://host:0 or :* asked for one.</summary>
        public IReadOnlyList<string> BoundEndpoints { get; }
        public IReadOnlyList<string> ConnectedEndpoints { get; }
        /// <summary>The topic prefixes a Sub socket receives ("" is every message).</summary>
        public IReadOnlyList<string> Subscriptions { get; }
        /// <summary>Messages queued for each peer before a send blocks (Push, Req) or drops (Pub).</summary>
        public int SendHighWatermark { get; }
        public int ReceiveHighWatermark { get; }
        /// <summary>The largest message accepted from a peer; a peer that sends a larger frame is disconnected (ZMQ_MAXMSGSIZE).</summary>
        public int MaxMessageBytes { get; }
        public DateTimeOffset CreatedAt { get; }
        public long Sent => Interlocked.Read(ref sent);
        public long Received => Interlocked.Read(ref received);
        /// <summary>
        /// Messages not delivered: on Pub, those sent while no subscriber's subscription matched them (the slow joiner's
        /// loss); on Push and Req, those given up when no peer took them by the deadline.
        /// </summary>
        public long Dropped => Interlocked.Read(ref dropped);
        public long SentBytes => Interlocked.Read(ref sentBytes);
        public long ReceivedBytes => Interlocked.Read(ref receivedBytes);
        /// <summary>On a Pub socket, the distinct topic prefixes its subscribers asked for ("" is every message).</summary>
        public IReadOnlyList<string> SubscriberTopics => Handle?.SubscriberTopics ?? Array.Empty<string>();
        /// <summary>On a Pub socket, the subscriptions seen (one per subscriber and topic).</summary>
        public int SubscriptionCount => Handle?.SubscriptionCount ?? 0;
        public bool IsClosed => Handle == null || Handle.IsClosed;

        internal IMessageSocketHandle? Handle { get; private set; }

        internal void Attach(IMessageSocketHandle handle)
        {
            Handle = handle;
            Open[Id] = this;
        }

        internal void CountSent(long messages, long bytes)
        {
            Interlocked.Add(ref sent, messages);
            Interlocked.Add(ref sentBytes, bytes);
        }

        internal void CountReceived(long bytes)
        {
            Interlocked.Increment(ref received);
            Interlocked.Add(ref receivedBytes, bytes);
        }

        internal void CountDropped(long messages) => Interlocked.Add(ref dropped, messages);

        /// <summary>The sockets of this process not closed yet, oldest first.</summary>
        internal static IReadOnlyList<MessageSocket> GetOpen() => Open.Values.OrderBy(s => s.Id).ToList();

        public override string ToString() => $"{Type} {Endpoint}";

        /// <summary>Closes the socket; messages still queued are given its linger time to leave, in the background.</summary>
        public void Dispose()
        {
            Open.TryRemove(Id, out _);
            Handle?.Dispose();
        }
    }
}
