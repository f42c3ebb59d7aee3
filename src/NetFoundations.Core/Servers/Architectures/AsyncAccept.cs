using System;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Servers
{
    /// <summary>
    /// The asynchronous accept loop: at most maxConnections connections served at once (the next waits in the listen
    /// queue), each by a task of its own. Ends when stop is cancelled (a stop closes the listener) and every connection
    /// it started has ended.
    /// </summary>
    internal static class AsyncAccept
    {
        public static async Task RunAsync(Socket listener, int maxConnections, Func<Socket, Task> serve, CancellationToken stop)
        {
            var connections = new ConcurrentDictionary<Task, byte>();
            // Not disposed: a connection that ends after the loop still releases its slot.
            var slots = new SemaphoreSlim(maxConnections);
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    await slots.WaitAsync(stop).ConfigureAwait(false);
                    Socket client;
                    try
                    {
                        client = await listener.AcceptAsync().ConfigureAwait(false);
                    }
                    catch (Exception) when (stop.IsCancellationRequested)
                    {
                        break;
                    }
                    catch (SocketException)
                    {
                        // A connection that was reset before it was accepted, or no descriptor left: the listener goes on.
                        slots.Release();
                        await Task.Delay(10, stop).ConfigureAwait(false);
                        continue;
                    }
                    var serving = Task.Run(() => serve(client));
                    connections[serving] = 0;
                    _ = serving.ContinueWith(t =>
                    {
                        connections.TryRemove(t, out _);
                        slots.Release();
                    }, TaskScheduler.Default);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            await Task.WhenAll(connections.Keys).ConfigureAwait(false);
        }
    }
}
