using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetMQ;
using NetMQ.Sockets;

namespace NetFoundations.Core.Messaging
{
    /// <summary>
    /// One NetMQ socket on a thread of its own. NetMQ sockets are not thread-safe, while PowerShell runs each command's
    /// work on a pool thread and users pass sockets between runspaces: so every use of the socket is a work item that
    /// this thread runs, one at a time, from creation to disposal. Waits inside a work item are cut into short slices
    /// that look at the caller's token and at Close, so nothing here blocks past its deadline or past Close.
    /// </summary>
    internal sealed class MessageSocketActor : IMessageSocketHandle
    {
        /// <summary>How long one wait inside a work item lasts before it looks at its token and at Close again.</summary>
        private static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(50);
        /// <summary>How long Close waits for the thread to dispose the socket (it does at its next slice).</summary>
        private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(2);

        private readonly BlockingCollection<Action> work = new BlockingCollection<Action>();
        private readonly Thread thread;
        private readonly MessageSocketOptions options;
        private readonly string name;
        private NetMQSocket? socket;
        private volatile bool closing;
        private NetworkException? pendingViolation;
        // Pub only: the topics subscribers asked for, with how many subscriptions each (XPUB, verbose).
        private readonly List<KeyValuePair<byte[], int>> subscriberTopics = new List<KeyValuePair<byte[], int>>();
        private volatile string[] subscriberTopicNames = Array.Empty<string>();
        private int subscriptionCount;
        private readonly byte[][] subscriptions;

        private MessageSocketActor(MessageSocketOptions options, string name)
        {
            this.options = options;
            this.name = name;
            subscriptions = (options.Subscribe.Count == 0 ? new[] { string.Empty } : options.Subscribe).Select(Encoding.UTF8.GetBytes).ToArray();
            // A background thread: a socket nobody closed never keeps the process from exiting.
            thread = new Thread(Loop) { IsBackground = true, Name = "NetFoundations " + name };
        }

        public MessageSocket? Owner { get; private set; }
        public bool IsClosed => closing;
        public IReadOnlyList<string> SubscriberTopics => subscriberTopicNames;
        public int SubscriptionCount => Volatile.Read(ref subscriptionCount);

        /// <summary>Creates the socket on its thread, binds and connects it; a failure disposes it and is thrown.</summary>
        public static MessageSocket Open(MessageSocketOptions options)
        {
            var actor = new MessageSocketActor(options, options.Type.ToString());
            actor.thread.Start();
            try
            {
                var (bound, connected) = actor.Invoke(actor.Create, CancellationToken.None).GetAwaiter().GetResult();
                var owner = new MessageSocket(options.Type, bound, connected, options.Type == MessageSocketType.Sub ? actor.subscriptions.Select(Encoding.UTF8.GetString).ToList() : (IReadOnlyList<string>)Array.Empty<string>(),
                    options.SendHighWatermark, options.ReceiveHighWatermark, options.MaxMessageBytes);
                actor.Owner = owner;
                owner.Attach(actor);
                return owner;
            }
            catch
            {
                actor.Dispose();
                throw;
            }
        }

        private (IReadOnlyList<string>, IReadOnlyList<string>) Create()
        {
            NetMQSocket created = options.Type switch
            {
                // XPUB is PUB on the wire, and it hears subscriptions: so the socket can wait for its subscribers
                // (against the slow joiner) and count what it sends while nobody subscribed.
                MessageSocketType.Pub => new XPublisherSocket(),
                MessageSocketType.Sub => new SubscriberSocket(),
                MessageSocketType.Req => new RequestSocket(),
                MessageSocketType.Rep => new ResponseSocket(),
                MessageSocketType.Push => new PushSocket(),
                MessageSocketType.Pull => new PullSocket(),
                _ => throw new ArgumentException($"Unknown socket type {options.Type}."),
            };
            socket = created;
            created.Options.SendHighWatermark = options.SendHighWatermark;
            created.Options.ReceiveHighWatermark = options.ReceiveHighWatermark;
            created.Options.MaxMsgSize = options.MaxMessageBytes;
            created.Options.Linger = options.Linger;
            if (created is XPublisherSocket)
                created.Options.XPubVerbose = true;
            var bound = new List<string>();
            foreach (var endpoint in options.Bind)
            {
                var (prefix, randomPort) = RandomPortPrefix(endpoint);
                Translating(endpoint, () =>
                {
                    if (randomPort)
                        bound.Add(prefix + created.BindRandomPort(prefix.TrimEnd(':')).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    else
                    {
                        created.Bind(endpoint);
                        bound.Add(endpoint);
                    }
                });
            }
            if (created is SubscriberSocket subscriber)
                foreach (var topic in subscriptions)
                    subscriber.Subscribe(topic);
            foreach (var endpoint in options.Connect)
                Translating(endpoint, () => created.Connect(endpoint));
            return (bound, options.Connect.ToList());
        }

        /// <summary>tcp://host:0 and tcp://host:* ask for a port the system chooses: ("tcp://host:", true).</summary>
        private static (string Prefix, bool Random) RandomPortPrefix(string endpoint)
        {
            if (endpoint.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase) && (endpoint.EndsWith(":0", StringComparison.Ordinal) || endpoint.EndsWith(":*", StringComparison.Ordinal)))
                return (endpoint.Substring(0, endpoint.Length - 1), true);
            return (endpoint, false);
        }

        /// <summary>Sends a batch; Push and Req wait for a peer (its high-water mark) until the deadline, Pub never waits.</summary>
        /// <param name="deadline">When a Push or Req send gives up waiting for a peer (UTC); null waits until cancelled.
        /// A point in time rather than a duration: sends queued behind a blocked one expire with it, not one after another.</param>
        public Task<SendOutcome> SendAsync(IReadOnlyList<OutgoingMessage> messages, DateTime? deadline, Transcript? transcript, CancellationToken cancel) =>
            Invoke(() => Send(messages, deadline, transcript, cancel), cancel);

        private SendOutcome Send(IReadOnlyList<OutgoingMessage> messages, DateTime? deadline, Transcript? transcript, CancellationToken cancel)
        {
            var s = Socket();
            long sent = 0, dropped = 0, bytes = 0;
            var isPub = s is XPublisherSocket;
            if (isPub)
                DrainSubscriptions(s);
            try
            {
                foreach (var message in messages)
                {
                    if (isPub)
                    {
                        // PUB never blocks: a message no subscription matches is dropped by ZeroMQ; it is counted here.
                        if (!Routed(message.Topic ?? message.Body))
                            dropped++;
                        if (message.Topic != null)
                            s.SendFrame(message.Topic, true);
                        s.SendFrame(message.Body, false);
                    }
                    else
                    {
                        if (message.Topic != null)
                            SendWaiting(s, message.Topic, true, deadline, cancel, sent, messages.Count);
                        SendWaiting(s, message.Body, false, deadline, cancel, sent, messages.Count);
                    }
                    sent++;
                    bytes += message.Length;
                    if (transcript != null)
                    {
                        if (message.Topic != null)
                            transcript.Sent(message.Topic, 0, message.Topic.Length);
                        transcript.Sent(message.Body, 0, message.Body.Length);
                    }
                }
            }
            catch (NetworkTimeoutException)
            {
                Owner?.CountSent(sent, bytes);
                Owner?.CountDropped(messages.Count - sent);
                throw;
            }
            catch
            {
                Owner?.CountSent(sent, bytes);
                throw;
            }
            Owner?.CountSent(sent, bytes);
            Owner?.CountDropped(dropped);
            return new SendOutcome(sent, dropped, bytes);
        }

        private void SendWaiting(NetMQSocket s, byte[] frame, bool more, DateTime? deadline, CancellationToken cancel, long sent, int count)
        {
            if (s.TrySendFrame(frame, more))
                return;
            // Full (or no peer yet): yield the processor a while (NetMQ's I/O thread, which empties the pipe, may need it),
            // then try again every millisecond until the deadline. NetMQ's own timed send was seen to overrun its timeout
            // while the peer's pipe was full, so the wait is ours.
            for (var spin = 0; spin < 200; spin++)
            {
                Thread.Yield();
                if (s.TrySendFrame(frame, more))
                    return;
            }
            while (true)
            {
                StopIfAsked(cancel);
                if (deadline.HasValue && DateTime.UtcNow >= deadline.Value)
                    throw new NetworkTimeoutException(
                        $"The {options.Type} socket {Owner?.Endpoint ?? name} could not hand message {sent + 1} of {count} to a peer by its deadline: " +
                        $"no peer is connected, or every peer has {options.SendHighWatermark} messages queued (the send high-water mark). {count - sent} messages were dropped.", Owner?.Endpoint ?? name);
                Thread.Sleep(1);
                if (s.TrySendFrame(frame, more))
                    return;
            }
        }

        /// <summary>
        /// Receives up to max messages: waits (until the token says stop) for the first, then takes only what has already
        /// arrived. Req and Rep take one at a time: each request or reply must be answered before the next.
        /// </summary>
        public Task<IReadOnlyList<MessageItem>> ReceiveAsync(int max, Transcript? transcript, CancellationToken cancel) =>
            Invoke(() => Receive(max, transcript, cancel), cancel);

        private IReadOnlyList<MessageItem> Receive(int max, Transcript? transcript, CancellationToken cancel)
        {
            var s = Socket();
            if (pendingViolation != null)
            {
                var violation = pendingViolation;
                pendingViolation = null;
                throw violation;
            }
            if (s is XPublisherSocket || s is PushSocket)
                throw new InvalidNetworkRequestException($"A {options.Type} socket only sends: receive from a {(s is PushSocket ? "Pull" : "Sub")} socket.", name);
            if (s is RequestSocket || s is ResponseSocket)
                max = 1;
            var received = new List<MessageItem>();
            while (true)
            {
                StopIfAsked(cancel);
                if (TryReceiveOne(s, Slice, received))
                    break;
            }
            try
            {
                while (received.Count < max && TryReceiveOne(s, TimeSpan.Zero, received))
                {
                }
            }
            catch (ProtocolViolationException e)
            {
                // Those received before it go out first; the violation comes with the next receive.
                pendingViolation = e;
            }
            if (transcript != null)
                foreach (var message in received)
                    foreach (var frame in message.GetFrames())
                        transcript.Received(frame, 0, frame.Length);
            return received;
        }

        private bool TryReceiveOne(NetMQSocket s, TimeSpan wait, List<MessageItem> into)
        {
            if (!s.TryReceiveFrameBytes(wait, out var first, out var more))
                return false;
            var frames = new List<byte[]> { first };
            long total = first.Length;
            var tooMany = false;
            // The frames of one message arrive together (ZeroMQ delivers a message whole or not at all).
            while (more && s.TryReceiveFrameBytes(TimeSpan.FromSeconds(1), out var frame, out more))
            {
                total += frame.Length;
                if (frames.Count < MessageSocketOptions.MaxFrames && total <= options.MaxMessageBytes)
                    frames.Add(frame);
                else
                    tooMany = true;
            }
            if (tooMany)
                throw new ProtocolViolationException(
                    total > options.MaxMessageBytes
                        ? $"A peer of {name} sent a message of {total} bytes in several frames, more than the bound of {options.MaxMessageBytes} bytes (-MaxMessageBytes); it was dropped."
                        : $"A peer of {name} sent a message of more than {MessageSocketOptions.MaxFrames} frames, the bound on frames per message; it was dropped.", name);
            var array = frames.ToArray();
            string? topic = null;
            if (s is SubscriberSocket)
                topic = array.Length > 1 ? Encoding.UTF8.GetString(array[0]) : MatchingSubscription(array[0]);
            Owner?.CountReceived(total);
            into.Add(new MessageItem(options.Type, Owner?.Endpoint ?? name, topic, array, DateTimeOffset.Now));
            return true;
        }

        private string MatchingSubscription(byte[] body)
        {
            byte[]? best = null;
            foreach (var prefix in subscriptions)
                if (StartsWith(body, prefix) && (best == null || prefix.Length > best.Length))
                    best = prefix;
            return best == null ? string.Empty : Encoding.UTF8.GetString(best);
        }

        /// <summary>
        /// Pub: waits until subscribers have asked for every topic given (a subscription to a prefix of it counts) and
        /// at least count subscriptions were seen: the ready handshake against the slow joiner.
        /// </summary>
        public Task<int> WaitForSubscribersAsync(IReadOnlyList<string> topics, int count, TimeSpan timeout, CancellationToken cancel) =>
            Invoke(() =>
            {
                var s = Socket();
                if (!(s is XPublisherSocket))
                    throw new InvalidNetworkRequestException($"Only a Pub socket hears its subscribers; {name} is a {options.Type} socket.", name);
                var wanted = topics.Select(Encoding.UTF8.GetBytes).ToList();
                var elapsed = Stopwatch.StartNew();
                while (true)
                {
                    DrainSubscriptions(s);
                    var missing = wanted.FirstOrDefault(t => !Routed(t));
                    if (missing == null && subscriptionCount >= count)
                        return subscriptionCount;
                    StopIfAsked(cancel);
                    if (timeout != Timeout.InfiniteTimeSpan && elapsed.Elapsed >= timeout)
                        throw new NetworkTimeoutException(missing != null
                            ? $"No subscriber of {name} asked for the topic '{Encoding.UTF8.GetString(missing)}' within {timeout.TotalSeconds:0.###} s."
                            : $"{name} saw {subscriptionCount} subscriptions within {timeout.TotalSeconds:0.###} s, not {count}.", name);
                    if (s.Poll(PollEvents.PollIn, Slice) != PollEvents.None)
                        continue;
                }
            }, cancel);

        /// <summary>Takes the subscribe (1 + topic) and unsubscribe (0 + topic) messages an XPUB hears from its subscribers.</summary>
        private void DrainSubscriptions(NetMQSocket s)
        {
            var changed = false;
            while (s.TryReceiveFrameBytes(TimeSpan.Zero, out var frame, out var more))
            {
                while (more)
                    s.TryReceiveFrameBytes(TimeSpan.FromSeconds(1), out _, out more);
                if (frame.Length == 0 || frame[0] > 1)
                    continue;
                var topic = new byte[frame.Length - 1];
                Array.Copy(frame, 1, topic, 0, topic.Length);
                var index = subscriberTopics.FindIndex(p => p.Key.SequenceEqual(topic));
                if (frame[0] == 1)
                {
                    subscriptionCount++;
                    if (index < 0)
                        subscriberTopics.Add(new KeyValuePair<byte[], int>(topic, 1));
                    else
                        subscriberTopics[index] = new KeyValuePair<byte[], int>(topic, subscriberTopics[index].Value + 1);
                }
                else if (index >= 0)
                {
                    // XPUB says unsubscribe once the topic's last subscriber has gone.
                    subscriptionCount -= subscriberTopics[index].Value;
                    subscriberTopics.RemoveAt(index);
                }
                changed = true;
            }
            if (changed)
                subscriberTopicNames = subscriberTopics.Select(p => Encoding.UTF8.GetString(p.Key)).ToArray();
        }

        private bool Routed(byte[] first)
        {
            foreach (var pair in subscriberTopics)
                if (StartsWith(first, pair.Key))
                    return true;
            return false;
        }

        private static bool StartsWith(byte[] data, byte[] prefix)
        {
            if (prefix.Length > data.Length)
                return false;
            for (var i = 0; i < prefix.Length; i++)
                if (data[i] != prefix[i])
                    return false;
            return true;
        }

        private void StopIfAsked(CancellationToken cancel)
        {
            cancel.ThrowIfCancellationRequested();
            if (closing)
                throw Closed();
        }

        private NetMQSocket Socket() => closing || socket == null ? throw Closed() : socket;

        private ConnectionLostException Closed() => new ConnectionLostException($"The {options.Type} socket {Owner?.Endpoint ?? name} is closed.", Owner?.Endpoint ?? name);

        private Task<T> Invoke<T>(Func<T> operation, CancellationToken cancel)
        {
            var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            try
            {
                work.Add(() =>
                {
                    try
                    {
                        if (cancel.IsCancellationRequested)
                            done.TrySetCanceled();
                        else
                            done.TrySetResult(operation());
                    }
                    catch (OperationCanceledException)
                    {
                        done.TrySetCanceled();
                    }
                    catch (Exception e)
                    {
                        done.TrySetException(Translate(e, Owner?.Endpoint ?? name));
                    }
                });
            }
            catch (InvalidOperationException)
            {
                done.TrySetException(Closed());
            }
            return done.Task;
        }

        /// <summary>NetMQ's exceptions as the module's error families.</summary>
        internal Exception Translate(Exception e, string target) => e switch
        {
            NetworkException _ => e,
            ArgumentException _ => e,
            AddressAlreadyInUseException _ => new InvalidNetworkRequestException($"Something already listens on {target}.", target, e),
            ProtocolNotSupportedException _ => new InvalidNetworkRequestException($"{target}: the transport is not supported; use tcp://address:port or inproc://name.", target, e),
            EndpointNotFoundException _ => new InvalidNetworkRequestException(target.StartsWith("inproc://", StringComparison.OrdinalIgnoreCase)
                ? $"Nothing is bound to {target}: an inproc endpoint is bound before another socket connects to it."
                : $"{target} is not an endpoint this socket can use.", target, e),
            HostUnreachableException _ => new NetworkUnreachableException($"{target} is unreachable: {e.Message}", target, e),
            FiniteStateMachineException _ => new InvalidNetworkRequestException(options.Type == MessageSocketType.Req
                ? $"A Req socket sends one request and must receive its reply before it sends again ({target})."
                : $"A Rep socket receives one request and must send its reply before it receives again ({target}).", target, e),
            TerminatingException _ => Closed(),
            ObjectDisposedException _ => Closed(),
            NetMQException _ => new InvalidNetworkRequestException($"{target}: {e.Message}", target, e),
            _ => e,
        };

        private void Translating(string endpoint, Action action)
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                throw Translate(e, endpoint);
            }
        }

        private void Loop()
        {
            try
            {
                while (!work.IsCompleted)
                {
                    if (work.TryTake(out var item, 100))
                        item();
                    else if (socket is XPublisherSocket pub && !closing)
                        DrainSubscriptions(pub);
                }
            }
            catch (InvalidOperationException)
            {
                // CompleteAdding while waiting: closing.
            }
            finally
            {
                // Work items queued after Close fail with "closed", they do not wait forever.
                while (work.TryTake(out var item))
                    item();
                try
                {
                    socket?.Dispose();
                }
                catch (Exception)
                {
                    // A socket that fails to close is gone all the same; the context cleanup takes the rest.
                }
                socket = null;
            }
        }

        /// <summary>Closes the socket: the work in progress stops at its next slice, then the thread disposes the socket.</summary>
        public void Dispose()
        {
            if (closing)
                return;
            closing = true;
            work.CompleteAdding();
            if (Thread.CurrentThread != thread && thread.IsAlive)
                thread.Join(CloseWait);
        }
    }
}
