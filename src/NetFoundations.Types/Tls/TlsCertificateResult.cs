using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace NetFoundations.Core.Tls
{
    /// <summary>A server's certificate as Test-TlsCertificate found it: what it says, and whether it is valid for the name.</summary>
    public sealed class TlsCertificateResult
    {
        private readonly X509Certificate2 certificate;
        private readonly IReadOnlyList<X509Certificate2> presented;
        private readonly IReadOnlyList<TranscriptEntry> startTlsTranscript;

        /// <param name="session">The handshake, which got at least as far as the server's certificate.</param>
        /// <param name="handshakeError">Why the handshake failed after the certificate was seen; null when it completed.</param>
        internal TlsCertificateResult(string computerName, int port, StartTlsProtocol startTls, ITlsConnectedEndpoint endpoint, TlsSessionInfo session,
            string? handshakeError, IReadOnlyList<X509Certificate2> presented, IReadOnlyList<string> subjectAlternativeNames, int minimumDaysRemaining,
            DateTime now, TimeSpan totalTime)
        {
            var certificate = session.Certificate!;
            var verification = session.Verification!;
            ComputerName = computerName;
            Address = endpoint.Address.ToString();
            Port = port;
            ServerName = session.ServerName;
            StartTls = startTls;
            Protocol = session.Protocol;
            CipherSuite = session.CipherSuite;
            HandshakeError = handshakeError;
            ClientCertificateSent = session.ClientCertificateSent;
            this.certificate = certificate;
            Subject = certificate.Subject;
            Issuer = certificate.Issuer;
            SubjectAlternativeNames = subjectAlternativeNames;
            NotBefore = certificate.NotBefore;
            NotAfter = certificate.NotAfter;
            DaysRemaining = (int)Math.Floor((certificate.NotAfter - now).TotalDays);
            Thumbprint = CertificateThumbprint.Sha256(certificate);
            (KeyAlgorithm, KeySize) = DescribeKey(certificate);
            SignatureAlgorithm = certificate.SignatureAlgorithm.FriendlyName ?? certificate.SignatureAlgorithm.Value ?? string.Empty;
            this.presented = presented;
            Chain = verification.Chain;
            ChainStatus = verification.ChainStatus;
            NameMatches = verification.NameMatches;
            IsTrusted = verification.IsTrusted;
            IsInDate = verification.IsInDate;
            MinimumDaysRemaining = minimumDaysRemaining;
            var problems = verification.Problems.ToList();
            if (minimumDaysRemaining > 0 && DaysRemaining < minimumDaysRemaining && verification.IsInDate)
                problems.Add($"Only {DaysRemaining} days remain; at least {minimumDaysRemaining} are required.");
            Problems = problems;
            IsValid = problems.Count == 0;
            ResolveMs = endpoint.ResolveTime.TotalMilliseconds;
            ConnectMs = endpoint.ConnectTime.TotalMilliseconds;
            StartTlsMs = endpoint.StartTlsTime.TotalMilliseconds;
            HandshakeMs = session.HandshakeMs;
            TotalMs = totalTime.TotalMilliseconds;
            startTlsTranscript = endpoint.StartTlsTranscript;
        }

        public string ComputerName { get; }
        public string Address { get; }
        public int Port { get; }
        /// <summary>The name sent as SNI and checked against the certificate.</summary>
        public string ServerName { get; }
        public StartTlsProtocol StartTls { get; }
        /// <summary>The negotiated version; null when the handshake failed after the certificate was seen.</summary>
        public TlsVersion? Protocol { get; }
        public string? CipherSuite { get; }
        /// <summary>Why the handshake failed after the server had shown its certificate (for example a client certificate it wanted); null when it completed.</summary>
        public string? HandshakeError { get; }
        public bool ClientCertificateSent { get; }
        public string Subject { get; }
        public string Issuer { get; }
        /// <summary>The DNS names and IP addresses the certificate is for.</summary>
        public IReadOnlyList<string> SubjectAlternativeNames { get; }
        public DateTime NotBefore { get; }
        public DateTime NotAfter { get; }
        /// <summary>Whole days until NotAfter; negative once expired.</summary>
        public int DaysRemaining { get; }
        /// <summary>SHA-256 of the certificate, hexadecimal.</summary>
        public string Thumbprint { get; }
        public string KeyAlgorithm { get; }
        public int? KeySize { get; }
        public string SignatureAlgorithm { get; }
        /// <summary>The chain as built from the server's certificates to a root, leaf first.</summary>
        public IReadOnlyList<TlsChainElement> Chain { get; }
        /// <summary>The chain builder's findings as X509ChainStatusFlags names; empty when none.</summary>
        public IReadOnlyList<string> ChainStatus { get; }
        public bool NameMatches { get; }
        /// <summary>The chain leads to a trusted root: the -CertificateAuthorityPath bundle if given, else the system's store.</summary>
        public bool IsTrusted { get; }
        public bool IsInDate { get; }
        public int MinimumDaysRemaining { get; }
        /// <summary>Trusted, the name matches, in date, and at least MinimumDaysRemaining days left.</summary>
        public bool IsValid { get; }
        /// <summary>Why the certificate is not valid, one sentence each; empty when it is.</summary>
        public IReadOnlyList<string> Problems { get; }
        public double ResolveMs { get; }
        public double ConnectMs { get; }
        public double StartTlsMs { get; }
        public double HandshakeMs { get; }
        public double TotalMs { get; }
        /// <summary>The plain-text conversation before TLS when StartTls was used; empty otherwise.</summary>
        public IReadOnlyList<TranscriptEntry> GetStartTlsTranscript() => startTlsTranscript;
        public X509Certificate2 GetCertificate() => certificate;
        /// <summary>The certificates the server sent, leaf first, as -OutFile saves them.</summary>
        public IReadOnlyList<X509Certificate2> GetPresentedCertificates() => presented;

        private static (string Algorithm, int? Size) DescribeKey(X509Certificate2 certificate)
        {
            using (var rsa = certificate.GetRSAPublicKey())
                if (rsa != null) return ("RSA", rsa.KeySize);
            using (var ecdsa = certificate.GetECDsaPublicKey())
                if (ecdsa != null) return ("ECDSA", ecdsa.KeySize);
            var oid = certificate.PublicKey.Oid;
            return (oid.FriendlyName ?? oid.Value ?? "unknown", null);
        }
    }
}
