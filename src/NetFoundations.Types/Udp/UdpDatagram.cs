using System;
using System.Net;

namespace NetFoundations.Core.Udp
{
    /// <summary>A datagram a receiver got: from whom, on which local endpoint, what and when.</summary>
    public sealed class UdpDatagram
    {
        private readonly byte[] data;

        public UdpDatagram(IPAddress remoteAddress, int remotePort, IPEndPoint localEndPoint, byte[] data, string text, DateTimeOffset receivedAt)
        {
            RemoteAddress = remoteAddress.ToString();
            RemotePort = remotePort;
            LocalAddress = localEndPoint.Address.ToString();
            LocalPort = localEndPoint.Port;
            this.data = data;
            Text = text;
            ReceivedAt = receivedAt;
        }

        public string RemoteAddress { get; }
        public int RemotePort { get; }
        public string LocalAddress { get; }
        public int LocalPort { get; }
        public byte[] GetData() => data;
        /// <summary>Data decoded with the receiver's encoding.</summary>
        public string Text { get; }
        /// <summary>The number of bytes received; GetData() returns them.</summary>
        public int Length => data.Length;
        public DateTimeOffset ReceivedAt { get; }
    }
}
