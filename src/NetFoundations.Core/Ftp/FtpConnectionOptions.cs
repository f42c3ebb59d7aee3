using System;
using System.Collections.Generic;
using System.Net;

namespace NetFoundations.Core.Ftp
{
    /// <summary>Where and how to connect and log in to an FTP server. Secrets stay in the NetworkCredential.</summary>
    public sealed class FtpConnectionOptions
    {
        public FtpConnectionOptions(string computerName, int port)
        {
            if (string.IsNullOrWhiteSpace(computerName))
                throw new ArgumentException("A host name or address is needed.", nameof(computerName));
            Endpoints.ValidatePort(port, nameof(port));
            ComputerName = computerName.Trim();
            Port = port;
        }

        /// <summary>The port a security mode listens on by convention: 990 for implicit FTPS, 21 otherwise.</summary>
        public static int DefaultPort(FtpSecurity security) => security == FtpSecurity.Implicit ? 990 : 21;

        public string ComputerName { get; }
        public int Port { get; }
        /// <summary>Connect to these, in order, instead of resolving ComputerName, which stays the name shown and the name TLS checks (Endpoints.AddressesAsync).</summary>
        public IReadOnlyList<IPAddress>? Addresses { get; set; }
        /// <summary>Null logs in as anonymous.</summary>
        public NetworkCredential? Credential { get; set; }
        public FtpSecurity Security { get; set; } = FtpSecurity.None;
        /// <summary>Active data connections (the server connects back: EPRT, else PORT) instead of passive ones (EPSV, else PASV).</summary>
        public bool Active { get; set; }
        /// <summary>PEM bundle of the only CAs to trust; else the system's store.</summary>
        public string? CertificateAuthorityPath { get; set; }
        /// <summary>Accept a certificate that fails verification (the caller opted out by name; the problems are still recorded).</summary>
        public bool SkipCertificateCheck { get; set; }
        /// <summary>Lets a credential go out without TLS (the caller opted out by name).</summary>
        public bool AllowUnencryptedAuthentication { get; set; }
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
        /// <summary>Bounds the connect, TLS and login together, and then each reply the session waits for.</summary>
        public TimeSpan Timeout { get; set; } = DefaultTimeout;

        /// <summary>The bytes the server may send on the control connection in answer to one command (a greeting, a FEAT reply): more is a ProtocolViolation.</summary>
        public long MaxReplyBytes { get; set; } = 256 * 1024;
        /// <summary>The lines one listing may hold: more is a ProtocolViolation.</summary>
        public int MaxListingLines { get; set; } = 100_000;
        /// <summary>The bytes one listing line may hold.</summary>
        public int MaxListingLineBytes { get; set; } = 64 * 1024;
        /// <summary>The bytes one listing may hold.</summary>
        public long MaxListingBytes { get; set; } = 64L << 20;
        /// <summary>The entries one recursive walk may visit.</summary>
        public int MaxWalkEntries { get; set; } = 1_000_000;

        public string Target => Endpoints.Format(ComputerName, Port);
    }
}
