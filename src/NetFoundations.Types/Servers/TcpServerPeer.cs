using System;
using System.Collections;
using System.Security.Cryptography.X509Certificates;
using System.Threading;

namespace NetFoundations.Core.Servers
{
    /// <summary>
    /// One client of a server, as a request handler sees it: who it is, what it has asked so far, and a table the handler
    /// keeps its own per-connection state in (a conversation's step, a login). Close asks the server to end the
    /// connection once the current reply is sent.
    /// </summary>
    public sealed class TcpServerPeer
    {
        private readonly X509Certificate2? clientCertificate;
        private long requests;
        private int closeRequested;

        internal TcpServerPeer(string remoteAddress, int remotePort, int localPort, X509Certificate2? clientCertificate)
        {
            RemoteAddress = remoteAddress;
            RemotePort = remotePort;
            LocalPort = localPort;
            this.clientCertificate = clientCertificate;
            ConnectedAt = DateTime.Now;
        }

        public string RemoteAddress { get; }
        public int RemotePort { get; }
        /// <summary>The server's port the client connected to.</summary>
        public int LocalPort { get; }
        public DateTime ConnectedAt { get; }
        /// <summary>Requests received on this connection so far, the current one included.</summary>
        public long Requests => Interlocked.Read(ref requests);
        /// <summary>The handler's own state for this connection; keys are compared without regard to case, as in @{}.</summary>
        public Hashtable State { get; } = new Hashtable(StringComparer.OrdinalIgnoreCase);
        /// <summary>The subject of the certificate the client showed over TLS, or null.</summary>
        public string? ClientCertificateSubject => clientCertificate?.Subject;
        /// <summary>True once the handler asked to close the connection.</summary>
        public bool CloseRequested => Volatile.Read(ref closeRequested) != 0;

        /// <summary>The certificate the client showed over TLS (verified as the server was told), or null.</summary>
        public X509Certificate2? GetClientCertificate() => clientCertificate;

        /// <summary>Ends the connection once the reply to the current request has been sent.</summary>
        public void Close() => Volatile.Write(ref closeRequested, 1);

        public override string ToString() => Endpoints.Format(RemoteAddress, RemotePort);

        internal void RequestReceived() => Interlocked.Increment(ref requests);
    }
}
