using System;
using System.Text;

namespace NetFoundations.Core.Udp
{
    /// <summary>How a datagram is sent and its reply awaited.</summary>
    public sealed class UdpSendOptions
    {
        /// <summary>The first wait for a reply; each retransmission doubles it.</summary>
        public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(0.1);

        /// <summary>Give up when the next wait would be longer than this.</summary>
        public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(2);

        /// <summary>Sets SO_BROADCAST; a reply is then accepted from any address, still only from the target port.</summary>
        public bool Broadcast { get; set; }

        /// <summary>Decodes the reply's Text.</summary>
        public Encoding Encoding { get; set; } = new UTF8Encoding(false);

        public TimeSpan ResolveTimeout { get; set; } = TimeSpan.FromSeconds(10);
    }
}
