using System;
using System.Collections.Generic;
using NetFoundations.Core.Tls;

namespace NetFoundations.Core.Ftp
{
    /// <summary>How the control and data connections are protected.</summary>
    public enum FtpSecurity : long
    {
        /// <summary>Plain FTP: commands, replies and files in clear.</summary>
        None,
        /// <summary>Explicit FTPS: AUTH TLS on the FTP port before login.</summary>
        Explicit,
        /// <summary>Implicit FTPS: TLS from the first byte (port 990).</summary>
        Implicit,
    }

    /// <summary>What a session asks of its connection, which Core holds (FtpConnection, with FluentFTP's client).</summary>
    internal interface IFtpSessionHandle
    {
        bool IsConnected { get; }
        void Disconnect();
    }

    /// <summary>
    /// A logged-in FTP or FTPS connection as users see it. Its work (listings, transfers, renames) is done by the
    /// connection behind it in Core, reached by session.Connection(). Its record is flat: listing entries carry it.
    /// </summary>
    public sealed class FtpSession : IDisposable
    {
        private readonly IReadOnlyList<string> features;
        private readonly TlsVerification? verification;

        internal FtpSession(string computerName, string address, int port, string userName, FtpSecurity security, string? tlsProtocol,
            TlsVerification? verification, string banner, string systemType, string serverType, IReadOnlyList<string> features, IFtpSessionHandle handle)
        {
            ComputerName = computerName;
            Address = address;
            Port = port;
            UserName = userName;
            Security = security;
            TlsProtocol = tlsProtocol;
            this.verification = verification;
            Banner = banner;
            SystemType = systemType;
            ServerType = serverType;
            this.features = features;
            ConnectedAt = DateTimeOffset.Now;
            Handle = handle;
        }

        public string ComputerName { get; }
        /// <summary>The address connected to (as text).</summary>
        public string Address { get; }
        public int Port { get; }
        /// <summary>The user logged in as: "anonymous" when no credential was given.</summary>
        public string UserName { get; }
        public FtpSecurity Security { get; }
        /// <summary>The TLS version of the control connection (Tls12, Tls13), or null for plain FTP.</summary>
        public string? TlsProtocol { get; }
        /// <summary>Whether the server's certificate passed verification (null for plain FTP); the details are GetCertificateVerification().</summary>
        public bool? CertificateIsValid => verification?.IsValid;
        /// <summary>The certificate's subject (null for plain FTP).</summary>
        public string? CertificateSubject => verification != null && verification.Chain.Count > 0 ? verification.Chain[0].Subject : null;
        /// <summary>The server's greeting (the 220 reply's text).</summary>
        public string Banner { get; }
        /// <summary>The SYST reply (UNIX Type: L8 …).</summary>
        public string SystemType { get; }
        /// <summary>The server software as FluentFTP recognised it (VsFTPd, ProFTPD …; Unknown otherwise).</summary>
        public string ServerType { get; }
        /// <summary>The FEAT reply's features, space-separated (EPSV MDTM PASV REST SIZE …); the list is GetFeatures().</summary>
        public string Features => string.Join(" ", features);
        public DateTimeOffset ConnectedAt { get; }
        public bool IsConnected => Handle.IsConnected;
        internal IFtpSessionHandle Handle { get; }

        /// <summary>The features the server listed in its FEAT reply.</summary>
        public IReadOnlyList<string> GetFeatures() => features;

        /// <summary>How the server's certificate was checked (chain, name, dates, problems); null for plain FTP.</summary>
        public TlsVerification? GetCertificateVerification() => verification;

        public override string ToString() => $"{UserName}@{Endpoints.Format(ComputerName, Port)}";

        /// <summary>Says goodbye (QUIT) and closes the connection.</summary>
        public void Disconnect() => Handle.Disconnect();

        public void Dispose() => Disconnect();
    }
}
