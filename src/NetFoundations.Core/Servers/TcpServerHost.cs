using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Servers
{
    /// <summary>
    /// TCP servers that run in the background of the process: Start binds and returns the server's record at once,
    /// Running lists those not stopped, StopAsync closes the listener and every connection. The list holds the running
    /// servers themselves (as Get-Job holds jobs), so a server whose variable was lost can still be found and stopped.
    /// </summary>
    public static class TcpServerHost
    {
        /// <summary>How long a stop waits for connections to finish closing.</summary>
        public static readonly TimeSpan StopBound = TimeSpan.FromSeconds(2);

        private const int Backlog = 512;

        private static readonly ConcurrentDictionary<TcpServer, Running> running = new ConcurrentDictionary<TcpServer, Running>();

        /// <summary>The servers not yet stopped, oldest first.</summary>
        public static IReadOnlyList<TcpServer> Servers => running.Keys.OrderBy(s => s.StartedAt).ToList();

        public static TcpServer Start(TcpServerOptions options)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            options.Validate();
            if (options.Service == TcpServiceKind.Command)
                throw new InvalidNetworkRequestException("A command is served by an inetd-style service (Start-InetdService), not as a built-in service.", null);
            if (options.Service == TcpServiceKind.Http)
                throw new InvalidNetworkRequestException("HTTP is served by an HTTP server (Start-HttpServer, HttpServerHost.Start), not as a built-in service.", null);
            var service = TcpService.For(options.Service, options.Handler);
            var framing = options.RequestFraming(service);
            var loop = ServerLoop.For(options.Architecture);
            var listener = Listen(options.LocalAddress, options.Port);
            var bound = (IPEndPoint)listener.LocalEndPoint;
            var record = new TcpServer(bound.Address.ToString(), bound.Port, options.Architecture, options.Service,
                TcpServerOptions.Describe(framing), options.IdleTimeout.TotalSeconds, options.MaxRequestBytes, options.MaxConnections);
            if (options.Architecture == ServerArchitecture.WorkerPool)
                record.WorkerCount = options.Workers;
            if (options.Certificate != null)
                record.UseTls(options.Certificate, options.TlsProtocols?.Distinct().OrderBy(v => v).ToArray(), options.ClientCertificateMode);
            var stop = new CancellationTokenSource();
            var context = new ServerContext(listener, record, options, service, framing, stop.Token);
            Host(record, listener, context.Tracker, stop, Task.Run(() => loop.RunAsync(context, stop.Token)), options.Handler);
            return record;
        }

        /// <summary>A listening socket on the address and port (0 picks one); IPv6Any takes IPv4 clients too.</summary>
        internal static Socket Listen(IPAddress address, int port)
        {
            var wanted = Endpoints.Format(address.ToString(), port);
            var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                if (address.Equals(IPAddress.IPv6Any))
                    listener.DualMode = true;
                listener.Bind(new IPEndPoint(address, port));
                listener.Listen(Backlog);
            }
            catch (SocketException e)
            {
                listener.Dispose();
                throw e.SocketErrorCode == SocketError.AddressAlreadyInUse
                    ? new InvalidNetworkRequestException($"Something already listens on {wanted}.", wanted, e)
                    : (Exception)SocketErrors.Translate(e, wanted);
            }
            return listener;
        }

        /// <summary>
        /// Lists a server running in the background: serving is its run, which ends once stop is cancelled. A stop
        /// cancels it, closes the listener and the tracker's connections, waits for the run (bounded by StopBound), then
        /// disposes what the server owns (a handler's runspaces).
        /// </summary>
        internal static void Host(TcpServer record, Socket listener, ConnectionTracker tracker, CancellationTokenSource stop, Task serving, IDisposable? owned)
        {
            running[record] = new Running(listener, tracker, stop, serving, owned);
        }

        /// <summary>Closes the listener and every connection; returns once they are closed, or after StopBound. Stopping twice does nothing more.</summary>
        public static async Task StopAsync(TcpServer server)
        {
            if (server == null) throw new ArgumentNullException(nameof(server));
            if (!running.TryRemove(server, out var host))
                return;
            host.Stop.Cancel();
            host.Listener.Dispose();
            host.Tracker.CloseAll();
            await Task.WhenAny(host.Task, Task.Delay(StopBound)).ConfigureAwait(false);
            host.Tracker.Dispose();
            host.Owned?.Dispose();
            server.MarkStopped();
        }

        private sealed class Running
        {
            public Running(Socket listener, ConnectionTracker tracker, CancellationTokenSource stop, Task task, IDisposable? owned)
            {
                Listener = listener;
                Tracker = tracker;
                Stop = stop;
                Task = task;
                Owned = owned;
            }

            public Socket Listener { get; }
            public ConnectionTracker Tracker { get; }
            public CancellationTokenSource Stop { get; }
            public Task Task { get; }
            public IDisposable? Owned { get; }
        }
    }
}
