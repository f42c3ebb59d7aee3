using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Servers
{
    /// <summary>
    /// The caller's own answers, for a server whose service is Handler (a scriptblock, from the shell). It is called
    /// once per request, from many connections at once, and must bound its own concurrency; the server disposes it when
    /// it stops.
    /// </summary>
    public abstract class TcpRequestHandler : IDisposable
    {
        /// <summary>
        /// The replies to one request, without their framing (the server frames each as the request came): none for no
        /// reply. cancel is cancelled when the server stops.
        /// </summary>
        public abstract Task<IReadOnlyList<byte[]>> ReplyAsync(byte[] request, TcpServerPeer client, CancellationToken cancel);

        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        protected virtual void Dispose(bool disposing)
        {
        }
    }
}
