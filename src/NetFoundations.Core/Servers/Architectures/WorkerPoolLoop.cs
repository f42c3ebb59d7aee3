using System.Linq;
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
            return Task.WhenAll(Enumerable.Range(1, workers).Select(i =>
                BlockingConnection.Run($"TcpServer worker {i} of {workers} on {context.Record.LocalPort}", () =>
                {
                    while (BlockingConnection.Accept(context, stop) is { } client)
                        BlockingConnection.Serve(context, client, stop);
                })));
        }
    }
}
