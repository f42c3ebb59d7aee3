using System;
using System.Net;
using System.Threading;
using Renci.SshNet;

namespace NetFoundations.Core.Ssh
{
    /// <summary>
    /// The "close now" handlers of a tunnel's connections. SSH.NET's channel for a forwarded connection subscribes to
    /// the forward's IForwardedPort.Closing only once it has the connection in hand, and SSH.NET raises Closing once,
    /// when it stops the forward: a connection accepted just before the stop whose channel subscribed just after it
    /// was never closed — it stayed open, carried by a removed tunnel, until its client hung up. Here each handler is
    /// called when the tunnel stops, and a subscription after the stop fails, so SSH.NET drops that connection at once.
    /// </summary>
    internal sealed class TunnelConnections
    {
        private readonly object gate = new object();
        private EventHandler? handlers;
        private bool stopped;

        public void Add(EventHandler handler)
        {
            lock (gate)
            {
                if (stopped)
                    throw new OperationCanceledException("The tunnel is stopped.");
                handlers += handler;
            }
        }

        public void Remove(EventHandler handler)
        {
            lock (gate)
                handlers -= handler;
        }

        /// <summary>Closes every connection subscribed so far and refuses later ones; calling it again does nothing.</summary>
        public void CloseAll(object forward)
        {
            EventHandler? all;
            lock (gate)
            {
                stopped = true;
                all = handlers;
                handlers = null;
            }
            if (all == null)
                return;
            foreach (EventHandler close in all.GetInvocationList())
            {
                try
                {
                    close(forward, EventArgs.Empty);
                }
                catch (Exception e) when (e is ObjectDisposedException || e is InvalidOperationException || e is System.Net.Sockets.SocketException)
                {
                    // That connection was closing already.
                }
            }
        }
    }

    // SSH.NET's forwards with their channels' Closing subscriptions taken over by TunnelConnections: re-implementing
    // IForwardedPort routes the channels' "+=" (made through that interface) to it. Stopping closes them first.

    internal sealed class LocalForward : ForwardedPortLocal, IForwardedPort
    {
        private readonly TunnelConnections connections;

        public LocalForward(TunnelConnections connections, string boundHost, uint boundPort, string host, uint port)
            : base(boundHost, boundPort, host, port) => this.connections = connections;

        event EventHandler IForwardedPort.Closing
        {
            add => connections.Add(value);
            remove => connections.Remove(value);
        }

        protected override void StopPort(TimeSpan timeout)
        {
            connections.CloseAll(this);
            base.StopPort(timeout);
        }
    }

    internal sealed class RemoteForward : ForwardedPortRemote, IForwardedPort
    {
        private readonly TunnelConnections connections;

        public RemoteForward(TunnelConnections connections, IPAddress boundAddress, uint boundPort, IPAddress host, uint port)
            : base(boundAddress, boundPort, host, port) => this.connections = connections;

        event EventHandler IForwardedPort.Closing
        {
            add => connections.Add(value);
            remove => connections.Remove(value);
        }

        protected override void StopPort(TimeSpan timeout)
        {
            connections.CloseAll(this);
            base.StopPort(timeout);
        }
    }

    internal sealed class DynamicForward : ForwardedPortDynamic, IForwardedPort
    {
        private readonly TunnelConnections connections;

        public DynamicForward(TunnelConnections connections, string boundHost, uint boundPort)
            : base(boundHost, boundPort) => this.connections = connections;

        event EventHandler IForwardedPort.Closing
        {
            add => connections.Add(value);
            remove => connections.Remove(value);
        }

        protected override void StopPort(TimeSpan timeout)
        {
            connections.CloseAll(this);
            base.StopPort(timeout);
        }
    }
}
