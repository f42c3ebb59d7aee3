using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Servers
{
    /// <summary>
    /// The thread-per-connection architecture: one thread accepts, and each client gets a thread of its own that
    /// serves it with blocking calls. Clients no longer wait for each other, but each waiting one holds a whole thread
    /// (its stack, a scheduler entry), so MaxConnections bounds the threads; the next client waits in the listen queue.
    /// </summary>
    internal sealed class ThreadPerConnectionLoop : ServerLoop
    {
        public override Task RunAsync(ServerContext context, CancellationToken stop)
        {
            return BlockingConnection.Run("TcpServer accept " + context.Record.LocalPort, () => AcceptAndServe(context, stop));
        }

        private static void AcceptAndServe(ServerContext context, CancellationToken stop)
        {
            var threads = new ConcurrentDictionary<Thread, byte>();
            // Not disposed: a connection that ends after the loop still releases its slot.
            var slots = new SemaphoreSlim(context.Options.MaxConnections);
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    slots.Wait(stop);
                    if (!(BlockingConnection.Accept(context, stop) is { } client))
                        break;
                    var thread = BlockingConnection.Start("TcpServer connection " + context.Record.LocalPort, () =>
                    {
                        try
                        {
                            BlockingConnection.Serve(context, client, stop);
                        }
                        finally
                        {
                            slots.Release();
                        }
                    });
                    threads[thread] = 0;
                    // Forget the threads that have ended, so a long-running server does not keep them.
                    foreach (var ended in threads.Keys)
                    {
                        if (!ended.IsAlive)
                            threads.TryRemove(ended, out _);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            // The stop closed every connection's socket, so each thread's blocked read or write has ended or soon will.
            foreach (var thread in threads.Keys)
                thread.Join();
        }
    }
}
