using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace NetFoundations.Core.Servers
{
    /// <summary>One client of a server, as its connection's handler may want it: where it connects from and, over TLS, the certificate it proved it holds.</summary>
    internal sealed class ServerPeer
    {
        public ServerPeer(Socket client)
        {
            RemoteEndPoint = client.RemoteEndPoint as IPEndPoint;
            Name = ServerContext.Peer(client);
        }

        public IPEndPoint? RemoteEndPoint { get; }

        /// <summary>The client, host:port, for error messages.</summary>
        public string Name { get; }

        /// <summary>
        /// The client's certificate, verified against the server's client-certificate CAs; null without TLS, when none
        /// was asked for, or when the Optional mode served a client without one. Set by the TLS handshake.
        /// </summary>
        public X509Certificate2? ClientCertificate { get; internal set; }
    }
}
