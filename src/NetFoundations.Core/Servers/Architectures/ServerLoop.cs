using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Tcp;

namespace NetFoundations.Core.Servers
{
    /// <summary>
    /// An architecture: how a server accepts connections and waits on them. What a connection says is ServerConnection's;
    /// what a server has done is its TcpServer record; each architecture is its own loop over those.
    /// </summary>
    internal abstract class ServerLoop
    {
        public static ServerLoop For(ServerArchitecture architecture) => architecture switch
        {
            ServerArchitecture.AsyncAwait => new AsyncAwaitLoop(),
            ServerArchitecture.Iterative => new IterativeLoop(),
            ServerArchitecture.ThreadPerConnection => new ThreadPerConnectionLoop(),
            ServerArchitecture.WorkerPool => new WorkerPoolLoop(),
            ServerArchitecture.EventLoop => new EventLoop(),
            _ => throw new InvalidNetworkRequestException($"The {architecture} architecture is not available.", null),
        };

        /// <summary>Accepts and serves until stop is cancelled (the listener is closed then); ends when every connection has ended.</summary>
        public abstract Task RunAsync(ServerContext context, CancellationToken stop);
    }

    /// <summary>What every architecture shares: the listener, the record, the connection bounds.</summary>
    internal sealed class ServerContext
    {
        public ServerContext(Socket listener, TcpServer record, TcpServerOptions options, TcpService service, TcpFraming framing, CancellationToken stopping)
        {
            Stopping = stopping;
            Listener = listener;
            Record = record;
            Options = options;
            Service = service;
            Framing = framing;
            Tracker = new ConnectionTracker(options.IdleTimeout);
            Tls = options.Certificate == null ? null : new ServerTls(options);
        }

        public Socket Listener { get; }
        /// <summary>Cancelled when the server stops: what a handler still works on is cancelled with it.</summary>
        public CancellationToken Stopping { get; }
        public TcpServer Record { get; }
        public TcpServerOptions Options { get; }
        public TcpService Service { get; }
        public TcpFraming Framing { get; }
        public ConnectionTracker Tracker { get; }
        /// <summary>Null for plain TCP; else every connection is opened through it (ServerTls.Open).</summary>
        public ServerTls? Tls { get; }

        /// <summary>A client just accepted, before any TLS handshake (which adds the certificate it shows).</summary>
        public static TcpServerPeer NewPeer(Socket client)
        {
            var remote = client.RemoteEndPoint as IPEndPoint;
            return new TcpServerPeer(remote?.Address.ToString() ?? "", remote?.Port ?? 0, (client.LocalEndPoint as IPEndPoint)?.Port ?? 0);
        }

        /// <summary>A connection's protocol state, for a client accepted (and over TLS, past its handshake).</summary>
        public ServerConnection NewConnection(TcpServerPeer peer) =>
            new ServerConnection(Framing, Service, Options.MaxRequestBytes, Options.ReplyDelay, Options.Greeting, peer, Stopping);

        /// <summary>
        /// Why a connection ended, as an error family; null when it did not fail (the server was stopping). The idle
        /// timeout and a stop both end a connection by closing its socket, so the reason comes from them, not from the
        /// socket's error.
        /// </summary>
        public Exception? Failure(Exception error, ConnectionTracker.Tracked tracked, string peer, bool stopping)
        {
            if (tracked.Expired)
                return error as NetworkTimeoutException ?? new NetworkTimeoutException(
                    $"{peer} completed no request and took no reply for {Options.IdleTimeout.TotalSeconds:0.###} s; the connection was closed.", peer);
            if (stopping)
                return null;
            return SocketErrors.OfConnection(error, peer);
        }
    }
}
