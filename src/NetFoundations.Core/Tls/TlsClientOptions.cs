using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;

namespace NetFoundations.Core.Tls
{
    /// <summary>How a TLS client verifies and presents itself. Verification is on unless SkipCertificateCheck says otherwise.</summary>
    public sealed class TlsClientOptions
    {
        public TlsClientOptions(string? serverName = null, X509Certificate2Collection? trustedAuthorities = null,
            X509Certificate2? clientCertificate = null, IReadOnlyList<TlsVersion>? protocols = null, bool skipCertificateCheck = false)
        {
            ServerName = string.IsNullOrWhiteSpace(serverName) ? null : serverName!.Trim();
            TrustedAuthorities = trustedAuthorities;
            ClientCertificate = clientCertificate;
            Protocols = protocols;
            SkipCertificateCheck = skipCertificateCheck;
        }

        /// <summary>The name sent as SNI and checked against the certificate; null means the computer name.</summary>
        public string? ServerName { get; }
        /// <summary>When given, the only roots trusted (a PEM bundle, like openssl -CAfile); else the system's store.</summary>
        public X509Certificate2Collection? TrustedAuthorities { get; }
        /// <summary>Sent when the server asks for a client certificate; must have its private key.</summary>
        public X509Certificate2? ClientCertificate { get; }
        /// <summary>The versions offered; null or empty means the system's default choice.</summary>
        public IReadOnlyList<TlsVersion>? Protocols { get; }
        /// <summary>Go on with a certificate that fails verification (the problems are still reported).</summary>
        public bool SkipCertificateCheck { get; }
    }
}
