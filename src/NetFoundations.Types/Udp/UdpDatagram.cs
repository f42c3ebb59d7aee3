using System;
using System.Net;

namespace NetFoundations.Core.Udp
{
    /// <summary>A datagram a receiver got: from whom, on which local endpoint, what and when.</summary>
    public sealed class UdpDatagram
    {
        public UdpDatagram(IPAddress remoteAddress, int remotePort, IPEndPoint localEndPoint, byte[] data, string text, DateTimeOffset receivedAt)
        {
            RemoteAddress = remoteAddress;
            RemotePort = remotePort;
            LocalEndPoint = localEndPoint;
            Data = data;
            Text = text;
            ReceivedAt = receivedAt;
        }

        public IPAddress RemoteAddress { get; }
        public int RemotePort { get; }
        public IPEndPoint LocalEndPoint { get; }
        public byte[] Data { get; }
        /// <summary>Data decoded with the receiver's encoding.</summary>
        public string Text { get; }
        public DateTimeOffset ReceivedAt { get; }
    }
}
