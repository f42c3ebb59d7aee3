using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Servers
{
    /// <summary>
    /// The async/await architecture, the default: one accept loop, and each connection an asynchronous task that holds
    /// a thread only while it has bytes to work on. Waiting clients cost their buffers, not threads, so it serves many
    /// slow clients as well as few busy ones, on every core, without the event loop's hand-written state machine (the
    /// compiler writes it). At most MaxConnections are served at once; the next waits in the listen queue.
    /// </summary>
    internal sealed class AsyncAwaitLoop : ServerLoop
    {
        private const int SendChunk = 64 * 1024;

        public override Task RunAsync(ServerContext context, CancellationToken stop) =>
            AsyncAccept.RunAsync(context.Listener, context.Options.MaxConnections, client => ServeAsync(context, client, stop), stop);

        private static async Task ServeAsync(ServerContext context, Socket client, CancellationToken stop)
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
                stream = await ServerTls.OpenAsync(context, client, peer, tracked).ConfigureAwait(false);
                var connection = context.NewConnection(peer);
                if (connection.Greeting() is { } greeting)
                    await SendAsync(stream, greeting, tracked, record).ConfigureAwait(false);
                while (true)
                {
                    var space = connection.ReadSpace();
                    var count = await stream.ReadAsync(space.Array!, space.Offset, space.Count).ConfigureAwait(false);
                    // A close by the idle timeout or a stop can end the read as if the client had closed.
                    if (tracked.Expired || stop.IsCancellationRequested)
                        throw new OperationCanceledException();
                    record.CountReceived(count);
                    var answers = count == 0
                        ? await connection.EndedAsync().ConfigureAwait(false)
                        : await connection.ReceivedAsync(count).ConfigureAwait(false);
                    foreach (var answer in answers)
                    {
                        if (answer.Failure != null)
                            throw answer.Failure;
                        record.RequestReceived();
                        if (answer.Delay > TimeSpan.Zero)
                            await Task.Delay(answer.Delay, stop).ConfigureAwait(false);
                        if (answer.Bytes != null)
                            await SendAsync(stream, answer.Bytes, tracked, record).ConfigureAwait(false);
                        tracked.Progressed();
                    }
                    if (count == 0 || connection.Finished)
                        break;
                }
                await ServerTls.CloseAsync(stream).ConfigureAwait(false);
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

        private static async Task SendAsync(Stream stream, byte[] bytes, ConnectionTracker.Tracked tracked, TcpServer record)
        {
            for (var offset = 0; offset < bytes.Length;)
            {
                var chunk = Math.Min(SendChunk, bytes.Length - offset);
                await stream.WriteAsync(bytes, offset, chunk).ConfigureAwait(false);
                offset += chunk;
                record.CountSent(chunk);
                tracked.Progressed();
            }
        }
    }
}
