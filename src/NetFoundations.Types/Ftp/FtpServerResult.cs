using System;
using System.Collections.Generic;
using NetFoundations.Core.Tls;

namespace NetFoundations.Core.Ftp
{
    /// <summary>Where Test-FtpServer stops: after the greeting and FEAT, after TLS, or after the login.</summary>
    public enum FtpTestStage : long { Connect, Tls, Login }

    /// <summary>What an FTP server offers: banner, FEAT, TLS and its certificate, and whether a login is accepted.</summary>
    public sealed class FtpServerResult
    {
        internal FtpServerResult(string computerName, int port, FtpSecurity security)
        {
            ComputerName = computerName;
            Port = port;
            Security = security;
        }

        public string ComputerName { get; }
        public int Port { get; }
        public FtpSecurity Security { get; }
        /// <summary>The last stage reached.</summary>
        public FtpTestStage Stage { get; internal set; }
        /// <summary>The server's greeting (the 220 reply's text).</summary>
        public string Banner { get; internal set; } = string.Empty;
        /// <summary>The FEAT reply's lines as the server wrote them (AUTH TLS, EPSV, MDTM, REST STREAM, SIZE, UTF8 …); empty when FEAT is refused.</summary>
        public IReadOnlyList<string> Features { get; internal set; } = new string[0];
        public bool Mlsd { get; internal set; }
        public bool RestStream { get; internal set; }
        public bool Size { get; internal set; }
        public bool Mdtm { get; internal set; }
        public bool Utf8 { get; internal set; }
        /// <summary>HASH (the draft's command; XSHA/XCRC are not counted).</summary>
        public bool Hash { get; internal set; }
        public bool AuthTls { get; internal set; }
        public bool Epsv { get; internal set; }
        /// <summary>Whether TLS is offered: AUTH TLS in FEAT, or TLS from the first byte (implicit FTPS).</summary>
        public bool TlsOffered { get; internal set; }
        /// <summary>The TLS version the control connection used (Tls12, Tls13), or null when no TLS was set up.</summary>
        public string? TlsProtocol { get; internal set; }
        /// <summary>Whether the certificate passed verification; null when no TLS was set up.</summary>
        public bool? CertificateValid { get; internal set; }
        public string? CertificateSubject { get; internal set; }
        /// <summary>Why the certificate failed verification (seen only with -SkipCertificateCheck: otherwise the test ends with the error).</summary>
        public IReadOnlyList<string> CertificateProblems { get; internal set; } = new string[0];
        /// <summary>The user the login tried ("anonymous" without a credential); null when the test stopped before the login.</summary>
        public string? UserName { get; internal set; }
        /// <summary>Whether the login was accepted; null when the test stopped before the login.</summary>
        public bool? LoginSucceeded { get; internal set; }
        /// <summary>The server's reply to the login (230 …, 530 …); null when the test stopped before the login.</summary>
        public string? LoginReply { get; internal set; }
        /// <summary>
        /// With -MeasureClockSkew: the server's clock minus this machine's (both UTC), read from the time the server gave a
        /// file it had just written (MDTM), against the midpoint of the upload's round trip here; null when not measured.
        /// </summary>
        public TimeSpan? ClockSkew { get; internal set; }
        /// <summary>How far ClockSkew may be off: half the upload's round trip plus MDTM's resolution (a second, without a fraction).</summary>
        public TimeSpan? ClockSkewUncertainty { get; internal set; }
        /// <summary>Why ClockSkew is null although -MeasureClockSkew asked for it: the upload refused, no MDTM, the login refused.</summary>
        public string? ClockSkewError { get; internal set; }
        /// <summary>The conversation; kept out of the properties so that a log of results stays small.</summary>
        public IReadOnlyList<TranscriptEntry> GetTranscript() => Transcript;
        /// <summary>Set when the test ends (the transcript's entries are a copy).</summary>
        internal IReadOnlyList<TranscriptEntry> Transcript { private get; set; } = new TranscriptEntry[0];
    }
}
