using System;
using System.Collections.Generic;
using NetFoundations.Core.Servers;

namespace NetFoundations.Core.Rpc
{
    /// <summary>
    /// An XML-RPC and JSON-RPC server running in the background (Start-RpcServer): its endpoint, its methods and what it
    /// has done so far. The counters are live. Server is the HTTP server underneath (connections, requests, bytes, errors);
    /// an RpcServer converts to it, so it pipes into Stop-TcpServer and Get-TcpServer lists it.
    /// </summary>
    public sealed class RpcServer
    {
        private readonly Func<long> calls;
        private readonly Func<long> faults;
        private readonly Func<long> notifications;

        internal RpcServer(TcpServer server, IReadOnlyList<string> methods, Func<long> calls, Func<long> faults, Func<long> notifications)
        {
            Server = server;
            Methods = methods;
            this.calls = calls;
            this.faults = faults;
            this.notifications = notifications;
        }

        /// <summary>Where clients post their calls: http(s)://address:port/ (any path is taken).</summary>
        public string Uri => $"{(Server.Tls ? "https" : "http")}://{Endpoints.Format(Server.LocalAddress, Server.LocalPort)}/";
        public string LocalAddress => Server.LocalAddress;
        public int LocalPort => Server.LocalPort;
        public TcpServerState State => Server.State;
        public bool Tls => Server.Tls;

        /// <summary>Every method offered, the server's own system.* ones included.</summary>
        public IReadOnlyList<string> Methods { get; }

        /// <summary>Calls run, each call of a multicall or batch counted, notifications included.</summary>
        public long Calls => calls();

        /// <summary>Calls and requests answered with a fault or an error (or, for a notification, that failed unanswered).</summary>
        public long Faults => faults();

        public long Notifications => notifications();

        /// <summary>HTTP requests received.</summary>
        public long Requests => Server.Requests;

        public TcpServer Server { get; }

        public static implicit operator TcpServer(RpcServer server) => server?.Server!;

        public override string ToString() => $"RPC server {Uri}";
    }
}
