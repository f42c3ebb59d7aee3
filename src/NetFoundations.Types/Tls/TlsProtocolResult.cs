using System.Net;

namespace NetFoundations.Core.Tls
{
    public enum TlsProtocolStatus : long
    {
        /// <summary>The server completed a handshake offering only this version.</summary>
        Supported,
        /// <summary>This machine offered the version and the server refused it.</summary>
        NotSupported,
        /// <summary>This machine's TLS library will not offer the version, so the server's answer is unknown.</summary>
        NotTestableHere,
    }

    /// <summary>Whether a server accepts one TLS version.</summary>
    public sealed class TlsProtocolResult
    {
        public TlsProtocolResult(string computerName, IPAddress address, int port, string serverName, TlsVersion protocol,
            TlsProtocolStatus status, string? cipherSuite, string? message)
        {
            ComputerName = computerName;
            Address = address.ToString();
            Port = port;
            ServerName = serverName;
            Protocol = protocol;
            Status = status;
            CipherSuite = cipherSuite;
            Message = message;
        }

        public string ComputerName { get; }
        public string Address { get; }
        public int Port { get; }
        public string ServerName { get; }
        public TlsVersion Protocol { get; }
        public TlsProtocolStatus Status { get; }
        /// <summary>True when the server accepted the version, false when it refused it, null when it could not be tested here.</summary>
        public bool? IsSupported => Status == TlsProtocolStatus.NotTestableHere ? (bool?)null : Status == TlsProtocolStatus.Supported;
        public string? CipherSuite { get; }
        /// <summary>Why the version is not supported or not testable.</summary>
        public string? Message { get; }
    }
}
