using System;
using System.Net.Sockets;
using System.Threading;

namespace NetFoundations.Core.Servers
{
    /// <summary>
    /// One connection served with blocking calls on the thread that runs it, as the book's blocking servers do; the
    /// iterative and thread-per-connection architectures differ in which thread that is. A blocked read or write ends
    /// when the idle timeout or a stop closes the socket (ConnectionTracker).
    /// </summary>
    internal static class BlockingConnection
    {
        private const int SendChunk = 64 * 1024;

        /// <summary>
        /// The next client from the listener, blocking until one comes; null once the server is stopping (the stop closes
        /// the listener). A connection reset before it was accepted, or no descriptor left, does not stop the listener.
        /// </summary>
        public static Socket? Accept(ServerContext context, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    return context.Listener.Accept();
                }
                catch (Exception) when (stop.IsCancellationRequested)
                {
                    return null;
                }
                catch (SocketException)
                {
                    if (stop.WaitHandle.WaitOne(10))
                        return null;
                }
            }
            return null;
        }

        public static void Serve(ServerContext context, Socket client, CancellationToken stop)
        {
            var record = context.Record;
            var peer = ServerContext.Peer(client);
            var tracked = context.Tracker.Add(client);
            record.Opened();
            Exception? failure = null;
            try
            {
                // Closed by a stop that came while it was being accepted.
                if (stop.IsCancellationRequested)
                    return;
                client.NoDelay = true;
                var connection = context.NewConnection(client);
                if (connection.Greeting() is { } greeting)
                    Send(client, greeting, tracked, record);
                while (true)
                {
                    var space = connection.ReadSpace();
                    var count = client.Receive(space.Array!, space.Offset, space.Count, SocketFlags.None);
                    // A close by the idle timeout or a stop can end the read as if the client had closed.
                    if (tracked.Expired || stop.IsCancellationRequested)
                        throw new OperationCanceledException();
                    record.CountReceived(count);
                    var answers = count == 0 ? connection.Ended() : connection.Received(count);
                    foreach (var answer in answers)
                    {
                        if (answer.Failure != null)
                            throw answer.Failure;
                        record.RequestReceived();
                        if (answer.Delay > TimeSpan.Zero && stop.WaitHandle.WaitOne(answer.Delay))
                            throw new OperationCanceledException();
                        if (answer.Bytes != null)
                            Send(client, answer.Bytes, tracked, record);
                        tracked.Progressed();
                    }
                    if (count == 0 || connection.Finished)
                        break;
                }
                client.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e)
            {
                failure = context.Failure(e, tracked, peer, stop.IsCancellationRequested);
            }
            finally
            {
                context.Tracker.Remove(tracked);
                client.Dispose();
                record.Closed(failure);
            }
        }

        private static void Send(Socket client, byte[] bytes, ConnectionTracker.Tracked tracked, TcpServer record)
        {
            for (var offset = 0; offset < bytes.Length;)
            {
                var sent = client.Send(bytes, offset, Math.Min(SendChunk, bytes.Length - offset), SocketFlags.None);
                offset += sent;
                record.CountSent(sent);
                tracked.Progressed();
            }
        }

        /// <summary>A dedicated background thread (it never keeps the process alive) that runs body.</summary>
        public static Thread Start(string name, Action body)
        {
            var thread = new Thread(() => body()) { IsBackground = true, Name = name };
            thread.Start();
            return thread;
        }
    }
}
