using System;
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
            ClientCertificateSent = clientCertificateSent;
            HandshakeTime = handshakeTime;
            CertificateCheckSkipped = certificateCheckSkipped;
        }

        public string ServerName { get; }
        public TlsVersion? Protocol { get; }
        public string? CipherSuite { get; }
        public X509Certificate2? Certificate { get; }
        /// <summary>The verification of the certificate, made even when the check was skipped.</summary>
        public TlsVerification? Verification { get; }
        public bool ClientCertificateSent { get; }
        public TimeSpan HandshakeTime { get; }
        /// <summary>The caller asked to go on whatever the certificate (SkipCertificateCheck).</summary>
        public bool CertificateCheckSkipped { get; }
    }
}
