using System.Net;

namespace NetFoundations.Core.Udp
{
    /// <summary>The path MTU to a host as the kernel learned it, and what it leaves for a UDP payload.</summary>
    public sealed class PathMtuResult
    {
        public PathMtuResult(string computerName, IPAddress address, int mtu, int maxPayload, int probes)
        {
            ComputerName = computerName;
            Address = address.ToString();
            Mtu = mtu;
            MaxPayload = maxPayload;
            Probes = probes;
        }

        public string ComputerName { get; }
        public string Address { get; }
        /// <summary>The largest IP packet that crosses the path without fragmentation.</summary>
        public int Mtu { get; }
        /// <summary>Mtu less the IP header (20 bytes IPv4, 40 IPv6) and the UDP header (8), capped at UDP's maximum.</summary>
        public int MaxPayload { get; }
        /// <summary>How many probe datagrams were sent.</summary>
        public int Probes { get; }
    }
}
