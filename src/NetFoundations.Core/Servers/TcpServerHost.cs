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
            var service = TcpService.For(options.Service, options.Handler);
            var framing = options.RequestFraming(service);
            var loop = ServerLoop.For(options.Architecture);
            var wanted = Endpoints.Format(options.LocalAddress.ToString(), options.Port);

            var listener = new Socket(options.LocalAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                if (options.LocalAddress.Equals(IPAddress.IPv6Any))
                    listener.DualMode = true;
                listener.Bind(new IPEndPoint(options.LocalAddress, options.Port));
                listener.Listen(Backlog);
            }
            catch (SocketException e)
            {
                listener.Dispose();
                throw e.SocketErrorCode == SocketError.AddressAlreadyInUse
                    ? new InvalidNetworkRequestException($"Something already listens on {wanted}.", wanted, e)
                    : (Exception)SocketErrors.Translate(e, wanted);
            }

            var bound = (IPEndPoint)listener.LocalEndPoint;
            var record = new TcpServer(bound.Address.ToString(), bound.Port, options.Architecture, options.Service,
                TcpServerOptions.Describe(framing), options.IdleTimeout.TotalSeconds, options.MaxRequestBytes, options.MaxConnections);
            if (options.Architecture == ServerArchitecture.WorkerPool)
                record.WorkerCount = options.Workers;
            if (options.Certificate != null)
                record.UseTls(options.Certificate, options.TlsProtocols?.Distinct().OrderBy(v => v).ToArray(), options.ClientCertificateMode);
            var stop = new CancellationTokenSource();
            var context = new ServerContext(listener, record, options, service, framing, stop.Token);
            var host = new Running(context, stop);
            running[record] = host;
            host.Task = Task.Run(() => loop.RunAsync(context, stop.Token));
            return record;
        }

        /// <summary>Closes the listener and every connection; returns once they are closed, or after StopBound. Stopping twice does nothing more.</summary>
        public static async Task StopAsync(TcpServer server)
        {
            if (server == null) throw new ArgumentNullException(nameof(server));
            if (!running.TryRemove(server, out var host))
                return;
            host.Stop.Cancel();
            host.Context.Listener.Dispose();
            host.Context.Tracker.CloseAll();
            await Task.WhenAny(host.Task!, Task.Delay(StopBound)).ConfigureAwait(false);
            host.Context.Tracker.Dispose();
            host.Context.Options.Handler?.Dispose();
            server.MarkStopped();
        }

        private sealed class Running
        {
            public Running(ServerContext context, CancellationTokenSource stop)
            {
                Context = context;
                Stop = stop;
            }

            public ServerContext Context { get; }
            public CancellationTokenSource Stop { get; }
            public Task? Task { get; set; }
        }
    }
}
