using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;

namespace NetFoundations.Core.Ssh
{
    public enum SshTunnelKind : long
    {
        /// <summary>A local port; each connection to it is carried to DestinationHost:DestinationPort as the SSH server sees it (ssh -L).</summary>
        Local,
        /// <summary>A port on the SSH server; each connection to it is carried back to DestinationHost:DestinationPort as this machine sees it (ssh -R).</summary>
        Remote,
        /// <summary>A local SOCKS4/5 proxy; each connection goes where the SOCKS request says, from the SSH server (ssh -D).</summary>
        Dynamic,
    }

    /// <summary>
    /// A port forward on an SSH session (SSH.NET's ForwardedPortLocal, -Remote or -Dynamic). It stays up until it is
    /// stopped or its session ends. Failures of single forwarded connections never stop it: they are kept in Errors.
    /// </summary>
    public sealed class SshTunnel : IDisposable
    {
        private const int MaxErrors = 20;
        // Stopping waits for open connections to close; SSH.NET would wait as long as the session's timeout.
        private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(5);

        private readonly List<Exception> errors = new List<Exception>();
        private readonly TunnelConnections open;
        private int connections;
        private int stopped;

        internal SshTunnel(SshSession session, SshTunnelKind kind, ForwardedPort forward, TunnelConnections open, string boundHost, string? host, int? port)
        {
            this.open = open;
            Session = session;
            Kind = kind;
            Forward = forward;
            BoundHost = boundHost;
            DestinationHost = host;
            DestinationPort = port;
            Forward.RequestReceived += (_, e) => Interlocked.Increment(ref connections);
            // A connection refused because the tunnel is stopping is no failure.
            Forward.Exception += (_, e) => { if (!(e.Exception is OperationCanceledException)) AddError(e.Exception); };
        }

        public SshSession Session { get; }
        internal ForwardedPort Forward { get; }
        public SshTunnelKind Kind { get; }
        /// <summary>The SSH server the tunnel goes through.</summary>
        public string ComputerName => Session.ComputerName;
        /// <summary>Where the tunnel listens: on this machine (Local, Dynamic) or on the SSH server (Remote).</summary>
        public string BoundHost { get; }
        /// <summary>The port actually listened on (the one picked when 0 was asked for).</summary>
        public int BoundPort { get; private set; }
        /// <summary>
        /// Where connections go (none for Dynamic: each SOCKS request says). Not named Host and Port, so a
        /// tunnel piped into Test-TcpPort does not bind the SSH server with the destination's port.
        /// </summary>
        public string? DestinationHost { get; }
        public int? DestinationPort { get; }
        public DateTimeOffset StartedAt { get; private set; }
        public bool IsStarted => stopped == 0 && Forward.IsStarted && Session.IsConnected;
        /// <summary>Connections carried so far.</summary>
        public int Connections => Volatile.Read(ref connections);

        /// <summary>
        /// Failures of forwarded connections (the destination of a remote tunnel refused, a malformed SOCKS request …), the last 20,
        /// oldest first. SSH.NET does not report a connection the server could not make for a local tunnel: it is just closed.
        /// </summary>
        public IReadOnlyList<Exception> Errors
        {
            get { lock (errors) { return errors.ToArray(); } }
        }

        public override string ToString()
        {
            var bound = Endpoints.Format(BoundHost, BoundPort);
            var via = Session.ToString();
            return Kind switch
            {
                SshTunnelKind.Local => $"Local {bound} -> {Endpoints.Format(DestinationHost!, DestinationPort!.Value)} via {via}",
                SshTunnelKind.Remote => $"Remote {bound} on {via} -> {Endpoints.Format(DestinationHost!, DestinationPort!.Value)}",
                _ => $"Dynamic (SOCKS) {bound} via {via}",
            };
        }

        /// <summary>Stops listening and closes the tunnel's connections; a tunnel already stopped is an error.</summary>
        public void Stop(Transcript? transcript = null)
        {
            if (!TryStop())
                throw new InvalidNetworkRequestException($"The tunnel {this} is already removed.", ToString());
            transcript?.Note($"tunnel stopped: {this}");
        }

        public void Dispose() => TryStop();

        internal void Started(int boundPort)
        {
            BoundPort = boundPort;
            StartedAt = DateTimeOffset.Now;
        }

        /// <summary>Stops once, closing every connection at once; false when already stopped. Never waits longer than StopBound.</summary>
        private bool TryStop()
        {
            if (Interlocked.Exchange(ref stopped, 1) != 0)
                return false;
            open.CloseAll(Forward);
            Task.Run(() => Session.RemoveTunnel(this)).Wait(StopBound);
            return true;
        }

        private void AddError(Exception error)
        {
            var translated = SshErrors.Translate(error, DestinationHost != null ? Endpoints.Format(DestinationHost, DestinationPort!.Value) : ToString());
            lock (errors)
            {
                if (errors.Count == MaxErrors)
                    errors.RemoveAt(0);
                errors.Add(translated);
            }
        }
    }
}
