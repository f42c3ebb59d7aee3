using System;
using System.Text;
using System.Threading;

namespace NetFoundations.Core.Udp
{
    /// <summary>When a receiver stops, and how it decodes text.</summary>
    public sealed class UdpReceiveOptions
    {
        /// <summary>Stop after this many datagrams; 0 for no limit.</summary>
        public int Count { get; set; }

        /// <summary>Stop listening when this much time has passed (not an error); Infinite for no limit.</summary>
        public TimeSpan Timeout { get; set; } = System.Threading.Timeout.InfiniteTimeSpan;

        /// <summary>Decodes each datagram's Text.</summary>
        public Encoding Encoding { get; set; } = new UTF8Encoding(false);
    }
}
