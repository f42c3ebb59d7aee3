using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Servers
{
    /// <summary>
    /// The event-loop architecture (the book's select and asyncio servers, Node's model): one thread, every socket
    /// non-blocking, and Socket.Select says which ones can be read or written. Each connection is a ServerConnection
    /// plus what the loop keeps for it: the answers waiting on their delay (a timer queue inside the loop, never a
    /// sleep) and the bytes not yet sent, written when the socket is writable. A connection is not read while its
    /// unsent bytes pass MaxUnsent, or while an answer waits on its delay, so a client that sends without reading is
    /// pushed back by TCP itself and the server's memory per connection stays bounded. The service is called inline,
    /// on the loop's thread: a service that blocks stalls every connection.
    /// </summary>
    internal sealed class EventLoop : ServerLoop
    {
        /// <summary>Unsent bytes past which a connection is not read until the client takes some.</summary>
        internal const int MaxUnsent = 256 * 1024;

        private const int SendChunk = 64 * 1024;
        private const int AcceptsPerPass = 64;

        /// <summary>
        /// The longest select: how late the loop notices a stop. The stop's close of the listener usually wakes the select
        /// at once; this bounds the case where the listener was not in it (MaxConnections reached).
        /// </summary>
        private static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(100);

        /// <summary>How long the loop leaves the listener alone after an accept failed for want of a descriptor.</summary>
        private static readonly TimeSpan AcceptPause = TimeSpan.FromMilliseconds(10);

        public override Task RunAsync(ServerContext context, CancellationToken stop)
        {
            return BlockingConnection.Run("TcpServer event loop " + context.Record.LocalPort, () => new Loop(context, stop).Run());
        }

        private sealed class Loop
        {
            private readonly ServerContext context;
            private readonly CancellationToken stop;
            private readonly TcpServer record;
            private readonly Stopwatch clock = Stopwatch.StartNew();
            private readonly Dictionary<Socket, Client> clients = new Dictionary<Socket, Client>();
            private readonly SortedSet<Client> timers = new SortedSet<Client>(Client.ByDue);
            private readonly List<Socket> readable = new List<Socket>();
            private readonly List<Socket> writable = new List<Socket>();
            private TimeSpan nextSweep;
            private TimeSpan acceptPausedUntil;
            private long nextId;

            public Loop(ServerContext context, CancellationToken stop)
            {
                this.context = context;
                this.stop = stop;
                record = context.Record;
                nextSweep = context.Tracker.SweepPeriod;
            }

            public void Run()
            {
                var listener = context.Listener;
                try
                {
                    listener.Blocking = false;
                    while (!stop.IsCancellationRequested)
                    {
                        readable.Clear();
                        writable.Clear();
                        var accepting = clients.Count < context.Options.MaxConnections && clock.Elapsed >= acceptPausedUntil;
                        if (accepting)
                            readable.Add(listener);
                        foreach (var client in clients.Values)
                        {
                            if (client.WantsRead)
                                readable.Add(client.Socket);
                            if (client.WantsWrite)
                                writable.Add(client.Socket);
                        }

                        var wait = Wait(accepting);
                        if (readable.Count == 0 && writable.Count == 0)
                            stop.WaitHandle.WaitOne(wait);
                        else
                            Socket.Select(readable, writable, null, (int)(wait.Ticks / 10));

                        foreach (var socket in writable)
                        {
                            if (clients.TryGetValue(socket, out var client))
                                Step(client, Flush);
                        }
                        foreach (var socket in readable)
                        {
                            if (socket == listener)
                                AcceptSome(listener);
                            else if (clients.TryGetValue(socket, out var client))
                                Step(client, Read);
                        }
                        FireTimers();
                        if (clock.Elapsed >= nextSweep)
                            Sweep();
                    }
                }
                // The stop closed the listener just before a select or an accept.
                catch (ObjectDisposedException) when (stop.IsCancellationRequested)
                {
                }
                finally
                {
                    // The loop's connections are its own (the tracker does not close them): it closes them on its way out.
                    foreach (var client in clients.Values.ToList())
                        Close(client, null);
                }
            }

            /// <summary>Until the next timer, the next idle sweep or the end of an accept pause, at most MaxWait.</summary>
            private TimeSpan Wait(bool accepting)
            {
                var now = clock.Elapsed;
                var until = now + MaxWait;
                if (timers.Count > 0 && timers.Min.Due < until)
                    until = timers.Min.Due;
                if (nextSweep < until)
                    until = nextSweep;
                if (!accepting && acceptPausedUntil > now && acceptPausedUntil < until)
                    until = acceptPausedUntil;
                return until > now ? until - now : TimeSpan.Zero;
            }

            private void AcceptSome(Socket listener)
            {
                for (var i = 0; i < AcceptsPerPass && clients.Count < context.Options.MaxConnections; i++)
                {
                    Socket socket;
                    try
                    {
                        socket = listener.Accept();
                    }
                    catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
                    {
                        return;
                    }
                    catch (SocketException)
                    {
                        // A connection reset before it was accepted, or no descriptor left: the listener goes on, a little later.
                        acceptPausedUntil = clock.Elapsed + AcceptPause;
                        return;
                    }
                    var client = new Client(socket, context.Tracker.Watch(socket), ServerContext.NewPeer(socket), nextId++);
                    clients[socket] = client;
                    record.Opened();
                    Step(client, c =>
                    {
                        c.Socket.Blocking = false;
                        c.Socket.NoDelay = true;
                        c.Connection = context.NewConnection(c.Peer);
                        if (c.Connection.Greeting() is { } greeting)
                        {
                            c.Output.Enqueue(greeting);
                            c.Unsent += greeting.Length;
                            Flush(c);
                        }
                    });
                }
            }

            /// <summary>Runs one step of a connection; a fault closes it (and only it) with the reason as an error family.</summary>
            private void Step(Client client, Action<Client> step)
            {
                try
                {
                    step(client);
                    if (client.ReadEnded && client.Waiting.Count == 0 && client.Unsent == 0)
                        Close(client, client.Failure == null ? null : context.Failure(client.Failure, client.Tracked, client.Peer.Name, stop.IsCancellationRequested));
                }
                catch (Exception e)
                {
                    Close(client, context.Failure(e, client.Tracked, client.Peer.Name, stop.IsCancellationRequested));
                }
            }

            private void Read(Client client)
            {
                var connection = client.Connection!;
                var space = connection.ReadSpace();
                var count = client.Socket.Receive(space.Array!, space.Offset, space.Count, SocketFlags.None, out var error);
                if (error == SocketError.WouldBlock)
                    return;
                if (error != SocketError.Success)
                    throw new SocketException((int)error);
                record.CountReceived(count);
                var answers = count == 0 ? connection.Ended() : connection.Received(count);
                if (count == 0 || connection.Finished)
                    client.ReadEnded = true;
                foreach (var answer in answers)
                {
                    if (answer.Failure == null)
                        record.RequestReceived();
                    client.Waiting.Enqueue(answer);
                }
                Release(client);
                Flush(client);
            }

            /// <summary>Moves the answers whose delay is over (or that have none) to the unsent bytes, in order; starts the next one's timer.</summary>
            private void Release(Client client)
            {
                while (client.Waiting.Count > 0)
                {
                    var answer = client.Waiting.Peek();
                    if (answer.Failure != null)
                    {
                        // The connection ends with the failure once the answers before it are sent.
                        client.Waiting.Clear();
                        client.Failure = answer.Failure;
                        client.ReadEnded = true;
                        return;
                    }
                    if (answer.Delay > TimeSpan.Zero && !client.DelayOver)
                    {
                        if (!client.OnTimer)
                        {
                            client.Due = clock.Elapsed + answer.Delay;
                            client.OnTimer = true;
                            timers.Add(client);
                        }
                        return;
                    }
                    client.DelayOver = false;
                    client.Waiting.Dequeue();
                    if (answer.Bytes != null && answer.Bytes.Length > 0)
                    {
                        client.Output.Enqueue(answer.Bytes);
                        client.Unsent += answer.Bytes.Length;
                    }
                    client.Tracked.Progressed();
                }
            }

            /// <summary>Sends what the socket takes now; the rest waits for it to be writable again.</summary>
            private void Flush(Client client)
            {
                while (client.Output.Count > 0)
                {
                    var bytes = client.Output.Peek();
                    var sent = client.Socket.Send(bytes, client.Sent, Math.Min(SendChunk, bytes.Length - client.Sent), SocketFlags.None, out var error);
                    if (error == SocketError.WouldBlock)
                        return;
                    if (error != SocketError.Success)
                        throw new SocketException((int)error);
                    record.CountSent(sent);
                    client.Tracked.Progressed();
                    client.Unsent -= sent;
                    client.Sent += sent;
                    if (client.Sent == bytes.Length)
                    {
                        client.Output.Dequeue();
                        client.Sent = 0;
                    }
                }
            }

            private void FireTimers()
            {
                var now = clock.Elapsed;
                while (timers.Count > 0 && timers.Min.Due <= now)
                {
                    var client = timers.Min;
                    timers.Remove(client);
                    client.OnTimer = false;
                    client.DelayOver = true;
                    Step(client, c =>
                    {
                        Release(c);
                        Flush(c);
                    });
                }
            }

            /// <summary>
            /// The idle timeout, applied on the loop's own thread: a socket closed by another thread while the loop selects
            /// on it would end the select with an error for every connection, so the tracker only says which have expired.
            /// </summary>
            private void Sweep()
            {
                nextSweep = clock.Elapsed + context.Tracker.SweepPeriod;
                foreach (var client in clients.Values.ToList())
                {
                    if (context.Tracker.Expire(client.Tracked))
                        Close(client, context.Failure(new OperationCanceledException(), client.Tracked, client.Peer.Name, false));
                }
            }

            private void Close(Client client, Exception? failure)
            {
                if (!clients.Remove(client.Socket))
                    return;
                if (client.OnTimer)
                    timers.Remove(client);
                ConnectionTracker.Close(client.Socket);
                record.Closed(failure);
            }
        }

        /// <summary>What the loop keeps for one connection.</summary>
        private sealed class Client
        {
            /// <summary>The timer queue's order: the earliest due first; the id tells apart two due at once.</summary>
            public static readonly IComparer<Client> ByDue = Comparer<Client>.Create((a, b) =>
                a.Due != b.Due ? a.Due.CompareTo(b.Due) : a.id.CompareTo(b.id));

            private readonly long id;

            public Client(Socket socket, ConnectionTracker.Tracked tracked, TcpServerPeer peer, long id)
            {
                Socket = socket;
                Tracked = tracked;
                Peer = peer;
                this.id = id;
            }

            public Socket Socket { get; }
            public ConnectionTracker.Tracked Tracked { get; }
            public TcpServerPeer Peer { get; }
            public ServerConnection? Connection { get; set; }

            /// <summary>Answers not yet released, in order: the first may be waiting on its delay.</summary>
            public Queue<ServiceAnswer> Waiting { get; } = new Queue<ServiceAnswer>();

            /// <summary>When the first waiting answer's delay ends; only while OnTimer (the timer queue is ordered by it).</summary>
            public TimeSpan Due { get; set; }
            public bool OnTimer { get; set; }
            public bool DelayOver { get; set; }

            /// <summary>Replies to send, the first of them sent up to Sent.</summary>
            public Queue<byte[]> Output { get; } = new Queue<byte[]>();
            public int Sent { get; set; }
            public long Unsent { get; set; }

            /// <summary>The client closed its side, or the request that was the whole stream came: nothing more is read.</summary>
            public bool ReadEnded { get; set; }
            /// <summary>Why the connection is to end once its output is sent (a request its service failed on), or null.</summary>
            public Exception? Failure { get; set; }

            public bool WantsRead => Connection != null && !ReadEnded && Waiting.Count == 0 && Unsent <= MaxUnsent;
            public bool WantsWrite => Unsent > 0;
        }
    }
}
