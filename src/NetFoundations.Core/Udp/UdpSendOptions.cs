using System;
using System.Collections.Generic;
using System.Net;
using System.Text;

namespace NetFoundations.Core.Udp
{
    /// <summary>How a datagram is sent and its reply awaited.</summary>
    public sealed class UdpSendOptions
    {
        /// <summary>
        /// Send to the first of these instead of resolving the computer name, which stays the name shown
        /// (Endpoints.AddressesAsync); UDP has no connect to tell a dead address, so only the first is used.
        /// </summary>
        public IReadOnlyList<IPAddress>? Addresses { get; set; }

        /// <summary>The first wait for a reply; each retransmission doubles it.</summary>
        public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(0.1);

        /// <summary>Give up when the next wait would be longer than this.</summary>
        public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(2);

        /// <summary>Sets SO_BROADCAST; a reply is then accepted from any address, still only from the target port.</summary>
        public bool Broadcast { get; set; }

        /// <summary>Decodes the reply's Text.</summary>
        public Encoding Encoding { get; set; } = new UTF8Encoding(false);

        public TimeSpan ResolveTimeout { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>
        /// The longest a send with its retransmissions can take: the name lookup, then the waits, which double and stop
        /// before exceeding MaxDelay, so together they are less than twice the longest of them; and a second for the
        /// sends and the timers' lateness.
        /// </summary>
        public TimeSpan Deadline => ResolveTimeout + TimeSpan.FromTicks(2 * Math.Max(MaxDelay.Ticks, InitialDelay.Ticks)) + TimeSpan.FromSeconds(1);
    }
}
