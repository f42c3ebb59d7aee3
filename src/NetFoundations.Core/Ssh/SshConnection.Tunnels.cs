using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace NetFoundations.Core.Ssh
{
    /// <summary>Port forwards (tunnels) on the session; they stay up until stopped or the session ends.</summary>
    public sealed partial class SshConnection
    {
        private readonly List<SshTunnel> tunnels = new List<SshTunnel>();
        // One start at a time: SSH.NET matches the server's reply to a remote forward request by order only.
        private readonly SemaphoreSlim tunnelStart = new SemaphoreSlim(1, 1);

        /// <summary>The tunnels started on this session and not removed, oldest first.</summary>
        public IReadOnlyList<SshTunnel> Tunnels
        {
            get { lock (tunnels) { return tunnels.ToArray(); } }
        }

        /// <summary>Listens on boundHost:boundPort here (0 picks a free port); each connection goes to host:port as the server sees it (ssh -L).</summary>
        public async Task<SshTunnel> StartLocalTunnelAsync(string boundHost, int boundPort, string host, int port, Transcript transcript, CancellationToken cancellationToken)
        {
            ValidateListenPort(boundPort, nameof(boundPort));
            Endpoints.ValidatePort(port, nameof(port));
            if (string.IsNullOrWhiteSpace(host))
                throw new ArgumentException("The host the server connects to is needed.", nameof(host));
            var bind = await LocalAddressAsync(boundHost, cancellationToken).ConfigureAwait(false);
            var connections = new TunnelConnections();
            var forward = new LocalForward(connections, bind, (uint)boundPort, host.Trim(), (uint)port);
            return await StartTunnelAsync(SshTunnelKind.Local, forward, connections, bind, boundPort, host.Trim(), port, transcript, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Asks the server to listen on boundAddress:boundPort (0: the server picks); each connection comes back to host:port as this machine sees it (ssh -R).</summary>
        public async Task<SshTunnel> StartRemoteTunnelAsync(string boundAddress, int boundPort, string host, int port, Transcript transcript, CancellationToken cancellationToken)
        {
            ValidateListenPort(boundPort, nameof(boundPort));
            Endpoints.ValidatePort(port, nameof(port));
            // SSH.NET sends the listen address as an IP address; a name would be resolved here, not on the server.
            if (!IPAddress.TryParse(boundAddress?.Trim().TrimStart('[').TrimEnd(']'), out var serverAddress))
                throw new ArgumentException($"The address the server listens on must be an IP address (such as 127.0.0.1 or 0.0.0.0), not '{boundAddress}'.", nameof(boundAddress));
            var destination = (await Endpoints.ResolveAsync(host, null, options.ConnectTimeout, cancellationToken).ConfigureAwait(false))[0];
            var connections = new TunnelConnections();
            var forward = new RemoteForward(connections, serverAddress, (uint)boundPort, destination, (uint)port);
            return await StartTunnelAsync(SshTunnelKind.Remote, forward, connections, serverAddress.ToString(), boundPort, host.Trim(), port, transcript, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>A SOCKS4/SOCKS5 proxy on boundHost:boundPort here (0 picks a free port); connections leave from the server (ssh -D).</summary>
        public async Task<SshTunnel> StartDynamicTunnelAsync(string boundHost, int boundPort, Transcript transcript, CancellationToken cancellationToken)
        {
            ValidateListenPort(boundPort, nameof(boundPort));
            var bind = await LocalAddressAsync(boundHost, cancellationToken).ConfigureAwait(false);
            // ForwardedPortDynamic does not tell the port it got for 0, so a free one is picked first.
            if (boundPort == 0)
                boundPort = FreePort(IPAddress.Parse(bind));
            var connections = new TunnelConnections();
            var forward = new DynamicForward(connections, bind, (uint)boundPort);
            return await StartTunnelAsync(SshTunnelKind.Dynamic, forward, connections, bind, boundPort, null, null, transcript, cancellationToken).ConfigureAwait(false);
        }

        private async Task<SshTunnel> StartTunnelAsync(SshTunnelKind kind, ForwardedPort forward, TunnelConnections connections, string boundHost, int boundPort, string? host, int? port,
            Transcript transcript, CancellationToken cancellationToken)
        {
            var tunnel = new SshTunnelForward(this, kind, forward, connections, boundHost, host, port).Tunnel;
            var listen = Endpoints.Format(boundHost, boundPort);
            await tunnelStart.WaitAsync(cancellationToken).ConfigureAwait(false);
            Task starting;
            try
            {
                if (!IsConnected)
                    throw new ConnectionLostException($"The SSH session with {options.Target} is closed.", options.Target);
                lock (tunnels)
                    client.AddForwardedPort(forward);
                starting = Task.Run(forward.Start);
            }
            catch (Exception e)
            {
                tunnelStart.Release();
                tunnel.Dispose();
                throw SshErrors.Translate(e, options.Target);
            }
            _ = starting.ContinueWith(_ => tunnelStart.Release(), TaskScheduler.Default);

            var finished = await Task.WhenAny(starting, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
            if (finished != starting)
            {
                _ = starting.ContinueWith(_ => tunnel.Dispose(), TaskScheduler.Default);
                cancellationToken.ThrowIfCancellationRequested();
            }
            try
            {
                await starting.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                tunnel.Dispose();
                var error = StartError(kind, e, listen);
                transcript.ClientError(error.Message);
                throw error;
            }

            tunnel.Started(forward switch
            {
                ForwardedPortLocal local => (int)local.BoundPort,
                ForwardedPortRemote remote => (int)remote.BoundPort,
                _ => boundPort,
            });
            lock (tunnels)
                tunnels.Add(tunnel);
            transcript.Note($"tunnel started: {tunnel}");
            if (!IsConnected)
                tunnel.Dispose();
            return tunnel;
        }

        /// <summary>Stops the forward (SSH.NET waits for its open connections to close) and forgets it.</summary>
        internal void RemoveTunnel(SshTunnelForward tunnel)
        {
            lock (tunnels)
                tunnels.Remove(tunnel.Tunnel);
            try
            {
                tunnel.Port.Dispose();
            }
            catch (Exception e) when (e is ObjectDisposedException || e is InvalidOperationException || e is SshException || e is SocketException)
            {
                // The session is gone, and the forward with it.
            }
            // The client's list of forwards is touched under this lock only (see Disconnect).
            lock (tunnels)
                client.RemoveForwardedPort(tunnel.Port);
        }

        private void StopTunnels()
        {
            var stopping = Tunnels.Select(tunnel => Task.Run(tunnel.Dispose)).ToArray();
            Task.WaitAll(stopping);
        }

        private Exception StartError(SshTunnelKind kind, Exception error, string listen)
        {
            if (error is SocketException socket)
            {
                switch (socket.SocketErrorCode)
                {
                    case SocketError.AddressAlreadyInUse:
                        return new InvalidNetworkRequestException($"The local port {listen} is already in use: choose another port, or 0 for a free one.", listen, socket);
                    case SocketError.AddressNotAvailable:
                        return new InvalidNetworkRequestException($"{listen} is not an address of this machine.", listen, socket);
                    case SocketError.AccessDenied:
                        return new UnauthorizedAccessException($"Listening on {listen} is not allowed here: {socket.Message}", socket);
                }
            }
            // ForwardedPortRemote throws a plain SshException when the server answers the request with a failure.
            if (kind == SshTunnelKind.Remote && error.GetType() == typeof(SshException))
                return new RemoteErrorException(
                    $"The SSH server {options.Target} refused to listen on {listen} (the port is in use or privileged there, or the server does not allow forwarding).",
                    listen, null, error);
            return SshErrors.Translate(error, options.Target);
        }

        private async Task<string> LocalAddressAsync(string host, CancellationToken cancellationToken)
        {
            var addresses = await Endpoints.ResolveAsync(host, null, options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            return addresses[0].ToString();
        }

        private static void ValidateListenPort(int port, string parameterName)
        {
            if (port < 0 || port > 65535)
                throw new ArgumentOutOfRangeException(parameterName, port, "A port to listen on is a number from 1 to 65535, or 0 for a free one.");
        }

        private static int FreePort(IPAddress address)
        {
            using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(address, 0));
            return ((IPEndPoint)probe.LocalEndPoint).Port;
        }
    }
}
