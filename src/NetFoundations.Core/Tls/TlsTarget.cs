using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;

namespace NetFoundations.Core.Tls
{
    /// <summary>A server to reach: name (or address literal), port, optionally the addresses to use and a STARTTLS upgrade.</summary>
    public sealed class TlsTarget
    {
        public TlsTarget(string computerName, int port, IReadOnlyList<IPAddress>? addresses = null, StartTlsProtocol startTls = StartTlsProtocol.None)
        {
            if (string.IsNullOrWhiteSpace(computerName))
                throw new ArgumentException("A host name or address is needed.", nameof(computerName));
            Endpoints.ValidatePort(port, nameof(port));
            ComputerName = computerName.Trim();
            Port = port;
            Addresses = addresses == null || addresses.Count == 0 ? null : addresses.ToArray();
            StartTls = startTls;
        }

        public string ComputerName { get; }
        public int Port { get; }
        /// <summary>
        /// Connect to these, in order, instead of resolving ComputerName, which still names the server (SNI, the
        /// certificate's name check): Endpoints.AddressesAsync.
        /// </summary>
        public IReadOnlyList<IPAddress>? Addresses { get; }
        public StartTlsProtocol StartTls { get; }

        /// <summary>
        /// The most one connection and handshake to this target can take when stageTimeout bounds each of its stages (name
        /// resolution unless Addresses are given, the connect, STARTTLS when asked for, the handshake), with a second for the
        /// work between them: the deadline of a whole command, so that a stage's own timeout, which names it, comes first.
        /// </summary>
        public TimeSpan Deadline(TimeSpan stageTimeout)
        {
            var stages = (Addresses == null ? 1 : 0) + 1 + (StartTls != StartTlsProtocol.None ? 1 : 0) + 1;
            return TimeSpan.FromTicks(stageTimeout.Ticks * stages) + TimeSpan.FromSeconds(1);
        }

        public override string ToString() => Endpoints.Format(ComputerName, Port);
    }
}
