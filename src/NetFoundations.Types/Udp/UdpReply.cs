using System;
using System.Net;

namespace NetFoundations.Core.Udp
{
    /// <summary>The reply to a datagram: who answered, what, after how many transmissions and how fast.</summary>
    public sealed class UdpReply
    {
        private readonly byte[] data;

        public UdpReply(string computerName, IPAddress remoteAddress, int remotePort, IPEndPoint localEndPoint,
            byte[] data, string text, int attempts, TimeSpan roundTripTime)
        {
            ComputerName = computerName;
            RemoteAddress = remoteAddress.ToString();
            RemotePort = remotePort;
            LocalAddress = localEndPoint.Address.ToString();
            LocalPort = localEndPoint.Port;
            this.data = data;
            Text = text;
            Attempts = attempts;
            RoundTripMs = roundTripTime.TotalMilliseconds;
        }

        /// <summary>The host name or address the datagram was sent to, as given.</summary>
        public string ComputerName { get; }
        /// <summary>The address the reply came from (with a broadcast, whichever host answered).</summary>
        public string RemoteAddress { get; }
        public int RemotePort { get; }
        public string LocalAddress { get; }
        public int LocalPort { get; }
        public byte[] GetData() => data;
        /// <summary>Data decoded with the request's encoding.</summary>
        public string Text { get; }
        /// <summary>The number of bytes received; GetData() returns them.</summary>
        public int Length => data.Length;
        /// <summary>How many times the datagram was sent before the reply came.</summary>
        public int Attempts { get; }
        /// <summary>From the last transmission to the reply.</summary>
        public double RoundTripMs { get; }
    }
}
