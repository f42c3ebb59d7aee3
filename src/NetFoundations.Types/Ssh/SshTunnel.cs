using System;
using System.Collections.Generic;
using System.Threading;

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

    /// <summary>What a tunnel asks of its forward, which Core holds (SshTunnelForward, with SSH.NET's forwarded port).</summary>
    internal interface ISshTunnelForward
    {
        bool IsStarted { get; }
        /// <summary>Closes the tunnel's connections at once and stops listening, within a bound; called once.</summary>
        void Stop();
    }

    /// <summary>
    /// A port forward on an SSH session (SSH.NET's ForwardedPortLocal, -Remote or -Dynamic, held by its forward in
    /// Core). It stays up until it is stopped or its session ends. Failures of single forwarded connections never stop
    /// it: they are kept in Errors.
    /// </summary>
    public sealed class SshTunnel : IDisposable
    {
        private const int MaxErrors = 20;

        private readonly List<Exception> errors = new List<Exception>();
        private int connections;
        private int stopped;

        internal SshTunnel(SshSession session, SshTunnelKind kind, ISshTunnelForward forward, string boundHost, string? host, int? port)
        {
            Session = session;
            Kind = kind;
            Forward = forward;
            BoundHost = boundHost;
            DestinationHost = host;
            DestinationPort = port;
        }

        public SshSession Session { get; }
        internal ISshTunnelForward Forward { get; }
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

        public void Dispose() => TryStop();

        internal void Started(int boundPort)
        {
            BoundPort = boundPort;
            StartedAt = DateTimeOffset.Now;
        }

        /// <summary>Stops once, closing every connection at once; false when already stopped.</summary>
        internal bool TryStop()
        {
            if (Interlocked.Exchange(ref stopped, 1) != 0)
                return false;
            Forward.Stop();
            return true;
        }

        internal void Counted() => Interlocked.Increment(ref connections);

        /// <summary>Keeps a failure of one forwarded connection (already translated to the error families).</summary>
        internal void AddError(Exception translated)
        {
            lock (errors)
            {
                if (errors.Count == MaxErrors)
                    errors.RemoveAt(0);
                errors.Add(translated);
            }
        }
    }
}
