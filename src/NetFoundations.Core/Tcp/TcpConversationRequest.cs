using System;
using System.Collections.Generic;
using System.Net;
using System.Text;
using NetFoundations.Core.Tls;

namespace NetFoundations.Core.Tcp
{
    /// <summary>What to say to a TCP peer and how to listen to it.</summary>
    public sealed class TcpConversationRequest
    {
        public const int DefaultMaxReceiveBytes = 16 * 1024 * 1024;

        public TcpConversationRequest(string computerName, int port)
        {
            if (string.IsNullOrWhiteSpace(computerName))
                throw new ArgumentException("A host name or address is needed.", nameof(computerName));
            Endpoints.ValidatePort(port, nameof(port));
            ComputerName = computerName;
            Port = port;
        }

        public string ComputerName { get; }
        public int Port { get; }
        /// <summary>Connect to these, in order, instead of resolving ComputerName, which stays the name shown and the name TLS checks (Endpoints.AddressesAsync).</summary>
        public IReadOnlyList<IPAddress>? Addresses { get; set; }

        /// <summary>Sent in order; each is framed with a length prefix when Framing is LengthPrefix.</summary>
        public IReadOnlyList<byte[]> Messages { get; set; } = Array.Empty<byte[]>();

        public TcpFraming Framing { get; set; } = TcpFraming.None;

        /// <summary>Shut down the sending side after the last message, so the peer sees the end of the stream.</summary>
        public bool HalfClose { get; set; }

        /// <summary>Bounds name resolution, the connect, and every wait in which the peer neither sends nor accepts a byte.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>More received bytes than this end the conversation with a ProtocolViolationException.</summary>
        public int MaxReceiveBytes { get; set; } = DefaultMaxReceiveBytes;

        /// <summary>When set, the connection is upgraded to TLS before anything is sent (verified unless Tls.SkipCertificateCheck); null is plain TCP.</summary>
        public TlsClientOptions? Tls { get; set; }

        /// <summary>Decodes the received bytes into ReceivedText and Messages.</summary>
        public Encoding Encoding { get; set; } = new UTF8Encoding(false);
    }
}
