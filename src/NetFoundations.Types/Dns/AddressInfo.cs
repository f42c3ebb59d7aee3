using System.Net;
using System.Net.Sockets;

namespace NetFoundations.Core.Dns
{
    /// <summary>One getaddrinfo entry: an address to connect to, with its family, socket type and port.</summary>
    public sealed class AddressInfo
    {
        public AddressInfo(AddressFamily family, SocketType socketType, ProtocolType protocol, IPAddress address, int port, string canonicalName)
        {
            Family = family;
            SocketType = socketType;
            Protocol = protocol;
            Address = address;
            Port = port;
            CanonicalName = canonicalName;
        }

        public AddressFamily Family { get; }
        public SocketType SocketType { get; }
        public ProtocolType Protocol { get; }
        public IPAddress Address { get; }
        /// <summary>The service's port; 0 when no service was given.</summary>
        public int Port { get; }
        /// <summary>The name the resolver ends at (after aliases), as getaddrinfo's AI_CANONNAME gives it.</summary>
        public string CanonicalName { get; }
        /// <summary>The address as text, so an entry binds to cmdlets that connect.</summary>
        public string ComputerName => Address.ToString();

        public override string ToString() => $"{Family} {SocketType} {Endpoints.Format(Address.ToString(), Port)} ({CanonicalName})";
    }
}
