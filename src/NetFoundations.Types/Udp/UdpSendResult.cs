using System;
using System.Net;

namespace NetFoundations.Core.Udp
{
    /// <summary>A datagram sent without waiting for a reply.</summary>
    public sealed class UdpSendResult
    {
        public UdpSendResult(string computerName, IPAddress remoteAddress, int remotePort, IPEndPoint localEndPoint, int bytesSent, DateTimeOffset sentAt)
        {
            ComputerName = computerName;
            RemoteAddress = remoteAddress.ToString();
            RemotePort = remotePort;
            LocalAddress = localEndPoint.Address.ToString();
            LocalPort = localEndPoint.Port;
            BytesSent = bytesSent;
            SentAt = sentAt;
        }

        public string ComputerName { get; }
        public string RemoteAddress { get; }
        public int RemotePort { get; }
        public string LocalAddress { get; }
        public int LocalPort { get; }
        public int BytesSent { get; }
        public DateTimeOffset SentAt { get; }
    }
}
