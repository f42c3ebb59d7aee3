using System;
using System.Threading.Tasks;
using Renci.SshNet;

namespace NetFoundations.Core.Ssh
{
    /// <summary>The Core side of an SshTunnel: SSH.NET's forwarded port, the connections it carries, and its connection.</summary>
    internal sealed class SshTunnelForward : ISshTunnelForward
    {
        // Stopping waits for open connections to close; SSH.NET would wait as long as the session's timeout.
        private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(5);

        private readonly SshConnection connection;
        private readonly TunnelConnections open;

        public SshTunnelForward(SshConnection connection, SshTunnelKind kind, ForwardedPort port, TunnelConnections open, string boundHost, string? host, int? destinationPort)
        {
            this.connection = connection;
            this.open = open;
            Port = port;
            var tunnel = new SshTunnel(connection.Session, kind, this, boundHost, host, destinationPort);
            Tunnel = tunnel;
            Port.RequestReceived += (_, e) => tunnel.Counted();
            // A connection refused because the tunnel is stopping is no failure.
            Port.Exception += (_, e) =>
            {
                if (!(e.Exception is OperationCanceledException))
                    tunnel.AddError(SshErrors.Translate(e.Exception, host != null ? Endpoints.Format(host, destinationPort!.Value) : tunnel.ToString()));
            };
        }

        public SshTunnel Tunnel { get; }
        public ForwardedPort Port { get; }
        public bool IsStarted => Port.IsStarted;

        /// <summary>Closes every connection at once, then stops the forward; never waits longer than StopBound.</summary>
        public void Stop()
        {
            open.CloseAll(Port);
            Task.Run(() => connection.RemoveTunnel(this)).Wait(StopBound);
        }
    }

    public static class SshTunnelExtensions
    {
        /// <summary>Stops listening and closes the tunnel's connections; a tunnel already stopped is an error.</summary>
        public static void Stop(this SshTunnel tunnel, Transcript? transcript = null)
        {
            if (tunnel == null)
                throw new ArgumentNullException(nameof(tunnel));
            if (!tunnel.TryStop())
                throw new InvalidNetworkRequestException($"The tunnel {tunnel} is already removed.", tunnel.ToString());
            transcript?.Note($"tunnel stopped: {tunnel}");
        }
    }
}
