using System;
using System.Net;

namespace NetFoundations.Core.Udp
{
    /// <summary>The reply to a datagram: who answered, what, after how many transmissions and how fast.</summary>
    public sealed class UdpReply
    {
        public UdpReply(string computerName, IPAddress remoteAddress, int remotePort, IPEndPoint localEndPoint,
            byte[] data, string text, int attempts, TimeSpan roundTripTime)
        {
            ComputerName = computerName;
            RemoteAddress = remoteAddress;
            RemotePort = remotePort;
            LocalEndPoint = localEndPoint;
            Data = data;
            Text = text;
            Attempts = attempts;
            RoundTripTime = roundTripTime;
        }

        /// <summary>The host name or address the datagram was sent to, as given.</summary>
        public string ComputerName { get; }
        /// <summary>The address the reply came from (with a broadcast, whichever host answered).</summary>
        public IPAddress RemoteAddress { get; }
        public int RemotePort { get; }
        public IPEndPoint LocalEndPoint { get; }
        public byte[] Data { get; }
        /// <summary>Data decoded with the request's encoding.</summary>
        public string Text { get; }
        /// <summary>How many times the datagram was sent before the reply came.</summary>
        public int Attempts { get; }
        /// <summary>From the last transmission to the reply.</summary>
        public TimeSpan RoundTripTime { get; }
    }
}
