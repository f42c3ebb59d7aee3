using System;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Servers
{
    /// <summary>
    /// The worker-pool architecture (the book's threaded server): a fixed set of threads, started with the server, each
    /// blocking in accept on the one listening socket and then serving its client to the end with blocking calls. The
    /// kernel hands each new connection to one waiting worker, so no thread hands work to another and none is created
    /// per client; WorkerCount clients are served at once (no more than MaxConnections), the next waits in the listen
    /// queue until a worker is free. A stop closes the listener (each worker's accept ends) and every connection
    /// (each worker's read or write ends); the loop ends when every worker has.
    /// </summary>
    internal sealed class WorkerPoolLoop : ServerLoop
    {
        public override Task RunAsync(ServerContext context, CancellationToken stop)
        {
            var workers = context.Options.Workers;
            var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var running = workers;
            Exception? failure = null;
            for (var i = 0; i < workers; i++)
            {
                BlockingConnection.Start($"TcpServer worker {i + 1} of {workers} on {context.Record.LocalPort}", () =>
                {
                    try
                    {
                        while (BlockingConnection.Accept(context, stop) is { } client)
                            BlockingConnection.Serve(context, client, stop);
                    }
                    catch (Exception e)
                    {
                        Interlocked.CompareExchange(ref failure, e, null);
                    }
                    if (Interlocked.Decrement(ref running) == 0)
                    {
                        if (failure == null)
                            done.SetResult(true);
                        else
                            done.SetException(failure);
                    }
                });
            }
            return done.Task;
        }
    }
}
