using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Servers
{
    /// <summary>
    /// One connection served with blocking calls on the thread that runs it, as the book's blocking servers do; the
    /// iterative and thread-per-connection architectures differ in which thread that is. A blocked read or write ends
    /// when the idle timeout or a stop closes the socket (ConnectionTracker). Reads and writes go through the
    /// connection's stream (ServerTls.Open): the socket's own, or TLS over it.
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
            var peer = ServerContext.NewPeer(client);
            var tracked = context.Tracker.Add(client);
            record.Opened();
            Exception? failure = null;
            Stream? stream = null;
            try
            {
                // Closed by a stop that came while it was being accepted.
                if (stop.IsCancellationRequested)
                    return;
                client.NoDelay = true;
                stream = ServerTls.Open(context, client, peer, tracked);
                var connection = context.NewConnection(peer);
                if (connection.Greeting() is { } greeting)
                    Send(stream, greeting, tracked, record);
                while (true)
                {
                    var space = connection.ReadSpace();
                    var count = stream.Read(space.Array!, space.Offset, space.Count);
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
                            Send(stream, answer.Bytes, tracked, record);
                        tracked.Progressed();
                    }
                    if (count == 0 || connection.Finished)
                        break;
                }
                ServerTls.Close(stream);
                client.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e)
            {
                failure = context.Failure(e, tracked, peer.Name, stop.IsCancellationRequested);
            }
            finally
            {
                context.Tracker.Remove(tracked);
                stream?.Dispose();
                client.Dispose();
                record.Closed(failure);
            }
        }

        private static void Send(Stream stream, byte[] bytes, ConnectionTracker.Tracked tracked, TcpServer record)
        {
            for (var offset = 0; offset < bytes.Length;)
            {
                var chunk = Math.Min(SendChunk, bytes.Length - offset);
                stream.Write(bytes, offset, chunk);
                offset += chunk;
                record.CountSent(chunk);
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

        /// <summary>Runs body on a dedicated background thread; the task ends with it, or with its failure.</summary>
        public static Task Run(string name, Action body)
        {
            var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            Start(name, () =>
            {
                try
                {
                    body();
                    done.SetResult(true);
                }
                catch (Exception e)
                {
                    done.SetException(e);
                }
            });
            return done.Task;
        }
    }
}
