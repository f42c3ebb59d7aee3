using System;
using System.Collections.Generic;

namespace NetFoundations.Core.Mail
{
    /// <summary>Where Test-SmtpServer stops, like swaks --quit-after.</summary>
    public enum SmtpTestStage : long { Connect, Ehlo, Tls, Auth }

    /// <summary>What an SMTP server offers: banner, EHLO capabilities, TLS and its certificate, AUTH.</summary>
    public sealed class SmtpServerResult
    {
        private readonly IReadOnlyList<TranscriptEntry> transcript;

        public SmtpServerResult(string computerName, int port, SmtpTestStage stage, string? banner, IReadOnlyList<string> capabilities,
            IReadOnlyList<string> authenticationMechanisms, long maxSize, bool startTlsOffered, string? tlsProtocol,
            bool? certificateValid, string? certificateSubject, IReadOnlyList<string> certificateProblems, bool? authenticated,
            IReadOnlyList<TranscriptEntry> transcript)
        {
            ComputerName = computerName;
            Port = port;
            Stage = stage;
            Banner = banner;
            Capabilities = capabilities;
            AuthenticationMechanisms = authenticationMechanisms;
            MaxSize = maxSize;
            StartTlsOffered = startTlsOffered;
            TlsProtocol = tlsProtocol;
            CertificateValid = certificateValid;
            CertificateSubject = certificateSubject;
            CertificateProblems = certificateProblems;
            Authenticated = authenticated;
            this.transcript = transcript;
        }

        public string ComputerName { get; }
        public int Port { get; }
        /// <summary>The last stage reached.</summary>
        public SmtpTestStage Stage { get; }
        public string? Banner { get; }
        /// <summary>EHLO extensions as MailKit names them: Size, StartTLS, Authentication, EightBitMime, Pipelining …</summary>
        public IReadOnlyList<string> Capabilities { get; }
        public IReadOnlyList<string> AuthenticationMechanisms { get; }
        /// <summary>SIZE's limit in bytes (0: none announced).</summary>
        public long MaxSize { get; }
        public bool StartTlsOffered { get; }
        public string? TlsProtocol { get; }
        public bool? CertificateValid { get; }
        public string? CertificateSubject { get; }
        public IReadOnlyList<string> CertificateProblems { get; }
        /// <summary>Null when no credential was tried.</summary>
        public bool? Authenticated { get; }
        /// <summary>The conversation; kept out of the properties so that a log of results stays small.</summary>
        public IReadOnlyList<TranscriptEntry> GetTranscript() => transcript;
    }
}
