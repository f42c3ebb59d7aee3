using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Tests
{
    /// <summary>
    /// An in-process server on 127.0.0.1 that plays one hostile behaviour on the first connection (the point is a peer
    /// no real server plays). Closed completes when the server sees the client gone: a read gives end of stream, or a
    /// write fails.
    /// </summary>
    internal sealed class HostileServer : IDisposable
    {
        private readonly TcpListener listener = new TcpListener(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stop = new CancellationTokenSource();
        private readonly TaskCompletionSource<bool> closed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Task serving;

        /// <param name="behave">What the server does with the connection; when it returns, the server closes its side.</param>
        /// <param name="watchForClose">Read (and discard) what the client sends, to see it close; off when behave reads itself.</param>
        public HostileServer(Func<NetworkStream, CancellationToken, Task> behave, bool watchForClose = true)
        {
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            serving = Task.Run(async () =>
            {
                try
                {
                    using var client = await listener.AcceptTcpClientAsync(stop.Token);
                    client.NoDelay = true;
                    var stream = client.GetStream();
                    var watching = watchForClose ? WatchAsync(stream) : Task.CompletedTask;
                    try
                    {
                        await behave(stream, stop.Token);
                        client.Client.Shutdown(SocketShutdown.Send); // the behaviour is over: the server closes its side
                    }
                    catch (Exception e) when (e is IOException || e is SocketException)
                    {
                        closed.TrySetResult(true); // a write failed: the client has gone
                    }
                    await watching;
                }
                catch (OperationCanceledException)
                {
                }
                finally
                {
                    listener.Stop();
                }
            });
        }

        public int Port { get; }

        /// <summary>Completes when the server has seen the client close the connection.</summary>
        public Task Closed => closed.Task;

        private async Task WatchAsync(NetworkStream stream)
        {
            var buffer = new byte[4096];
            try
            {
                while (await stream.ReadAsync(buffer, stop.Token) > 0)
                {
                }
            }
            catch (IOException)
            {
            }
            closed.TrySetResult(true);
        }

        /// <summary>Writes the same bytes again and again until the client goes (or the test ends); pause between writes when given.</summary>
        public static Func<NetworkStream, CancellationToken, Task> Endless(byte[] bytes, TimeSpan pause = default) => async (stream, stop) =>
        {
            while (true)
            {
                await stream.WriteAsync(bytes, stop);
                if (pause > TimeSpan.Zero)
                    await Task.Delay(pause, stop);
            }
        };

        public void Dispose()
        {
            stop.Cancel();
            listener.Stop();
            try
            {
                serving.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
            }
        }
    }
}
