using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;

namespace NetFoundations.Core.Tls
{
    /// <summary>What a client handshake negotiated and what the certificate was found to be.</summary>
    public sealed class TlsSessionInfo
    {
        internal TlsSessionInfo(string serverName, TlsVersion? protocol, string? cipherSuite, X509Certificate2? certificate,
            TlsVerification? verification, bool clientCertificateSent, TimeSpan handshakeTime, bool certificateCheckSkipped)
        {
            ServerName = serverName;
            Protocol = protocol;
            CipherSuite = cipherSuite;
            Certificate = certificate;
            Verification = verification;
            IsValid = verification?.IsValid ?? false;
            Problems = verification?.Problems ?? Array.Empty<string>();
            ClientCertificateSent = clientCertificateSent;
            HandshakeMs = handshakeTime.TotalMilliseconds;
            CertificateCheckSkipped = certificateCheckSkipped;
        }

        public string ServerName { get; }
        public TlsVersion? Protocol { get; }
        public string? CipherSuite { get; }
        /// <summary>The certificate is trusted, in date and matches the name (judged even when the check was skipped).</summary>
        public bool IsValid { get; }
        /// <summary>Why the certificate is not valid, one sentence each; empty when it is.</summary>
        public IReadOnlyList<string> Problems { get; }
        public X509Certificate2? GetCertificate() => Certificate;
        /// <summary>The verification of the certificate, made even when the check was skipped.</summary>
        public TlsVerification? GetVerification() => Verification;
        internal X509Certificate2? Certificate { get; }
        internal TlsVerification? Verification { get; }
        public bool ClientCertificateSent { get; }
        public double HandshakeMs { get; }
        /// <summary>The caller asked to go on whatever the certificate (SkipCertificateCheck).</summary>
        public bool CertificateCheckSkipped { get; }
    }
}
