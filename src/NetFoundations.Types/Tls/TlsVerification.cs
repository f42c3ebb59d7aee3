using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;

namespace NetFoundations.Core.Tls
{
    /// <summary>One certificate of a built chain, leaf first.</summary>
    public sealed class TlsChainElement
    {
        public TlsChainElement(X509Certificate2 certificate, IReadOnlyList<string> status)
        {
            Certificate = certificate;
            Status = string.Join(", ", status);
        }

        public string Subject => Certificate.Subject;
        public string Issuer => Certificate.Issuer;
        public DateTime NotBefore => Certificate.NotBefore;
        public DateTime NotAfter => Certificate.NotAfter;
        public string Thumbprint => CertificateThumbprint.Sha256(Certificate);
        /// <summary>What the chain builder found wrong with this certificate (X509ChainStatusFlags names, comma-separated); empty when nothing.</summary>
        public string Status { get; }
        public X509Certificate2 GetCertificate() => Certificate;
        internal X509Certificate2 Certificate { get; }
    }

    /// <summary>What a server's certificate is worth for a server name: trust, name, dates, and why not.</summary>
    public sealed class TlsVerification
    {
        public TlsVerification(string serverName, bool isTrusted, bool nameMatches, bool isInDate,
            IReadOnlyList<string> chainStatus, IReadOnlyList<TlsChainElement> chain, IReadOnlyList<string> problems)
        {
            ServerName = serverName;
            IsTrusted = isTrusted;
            NameMatches = nameMatches;
            IsInDate = isInDate;
            ChainStatus = chainStatus;
            Chain = chain;
            Problems = problems;
        }

        public string ServerName { get; }
        /// <summary>The chain leads to a trusted root (the given CA bundle, else the system's store); dates aside.</summary>
        public bool IsTrusted { get; }
        public bool NameMatches { get; }
        /// <summary>Now is within every chain certificate's validity period.</summary>
        public bool IsInDate { get; }
        /// <summary>The chain builder's findings as X509ChainStatusFlags names (NotTimeValid, UntrustedRoot, PartialChain …); Problems explains them.</summary>
        public IReadOnlyList<string> ChainStatus { get; }
        public IReadOnlyList<TlsChainElement> Chain { get; }
        /// <summary>Why the certificate is not valid, one sentence each; empty when it is.</summary>
        public IReadOnlyList<string> Problems { get; }
        public bool IsValid => IsTrusted && NameMatches && IsInDate;
    }
}
