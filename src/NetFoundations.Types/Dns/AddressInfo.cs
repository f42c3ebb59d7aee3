using System.Net;
using System.Net.Sockets;

namespace NetFoundations.Core.Dns
{
    /// <summary>One getaddrinfo entry: an address to connect to, with its family, socket type and port.</summary>
    public sealed class AddressInfo
    {
        public AddressInfo(AddressFamily family, SocketType socketType, ProtocolType protocol, IPAddress address, int port, string canonicalName)
        {
            Family = family.ToString();
            SocketType = socketType.ToString();
            Protocol = protocol.ToString();
            Address = address.ToString();
            Port = port;
            CanonicalName = canonicalName;
        }

        /// <summary>The AddressFamily's name: InterNetwork or InterNetworkV6 (text, which JSON keeps as a name).</summary>
        public string Family { get; }
        /// <summary>The SocketType's name: Stream or Dgram.</summary>
        public string SocketType { get; }
        /// <summary>The ProtocolType's name: Tcp or Udp.</summary>
        public string Protocol { get; }
        /// <summary>The address as text ("::1"); in PowerShell an IPAddress (NetFoundations.Types.ps1xml).</summary>
        public string Address { get; }
        /// <summary>The service's port; 0 when no service was given.</summary>
        public int Port { get; }
        /// <summary>The name the resolver ends at (after aliases), as getaddrinfo's AI_CANONNAME gives it.</summary>
        public string CanonicalName { get; }
        /// <summary>The address as text, so an entry binds to cmdlets that connect.</summary>
        public string ComputerName => Address;

        public override string ToString() => $"{Family} {SocketType} {Endpoints.Format(Address, Port)} ({CanonicalName})";
    }
}
