using System;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Servers
{
    /// <summary>
    /// The iterative architecture, the book's first server: one thread accepts a client and serves it to the end with
    /// blocking calls before it accepts the next, which waits in the listen queue meanwhile. Simple and fair to no one:
    /// one slow client stops every other. MaxConnections does not apply: it serves one.
    /// </summary>
    internal sealed class IterativeLoop : ServerLoop
    {
        public override Task RunAsync(ServerContext context, CancellationToken stop)
        {
            return BlockingConnection.Run("TcpServer iterative " + context.Record.LocalPort, () => AcceptAndServe(context, stop));
        }

        private static void AcceptAndServe(ServerContext context, CancellationToken stop)
        {
            while (BlockingConnection.Accept(context, stop) is { } client)
                BlockingConnection.Serve(context, client, stop);
        }
    }
}
