using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using NetFoundations.Core.Servers;
using NetFoundations.Core.Tls;

namespace NetFoundations.PowerShell
{
    /// <summary>
    /// Base of the cmdlets that start a server on the module's server core (Start-TcpServer, Start-HttpServer,
    /// Start-RpcServer): the TLS parameters they share, checked together and loaded once.
    /// </summary>
    public abstract class TlsServerCmdlet : PipelineCmdlet
    {
        /// <summary>The server's certificate: a PFX file, or PEM (with its key in the same file or in -CertificateKey). Clients then speak TLS.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Certificate { get; set; }

        /// <summary>The PEM private key of a PEM -Certificate, when it is in a file of its own.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CertificateKey { get; set; }

        /// <summary>The password of a PFX -Certificate.</summary>
        [Parameter]
        public SecureString? CertificatePassword { get; set; }

        /// <summary>The TLS versions accepted; the system's defaults when not given.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public TlsVersion[]? TlsProtocol { get; set; }

        [Parameter]
        public ClientCertificateMode ClientCertificateMode { get; set; } = ClientCertificateMode.None;

        /// <summary>A PEM bundle of the CAs a client certificate must chain to; the system's store when not given.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CertificateAuthorityPath { get; set; }

        /// <summary>Ends the command when a TLS parameter is given without -Certificate, which it needs.</summary>
        protected void CheckTlsParameters()
        {
            if (Certificate == null && (CertificateKey != null || CertificatePassword != null || TlsProtocol != null
                    || ClientCertificateMode != ClientCertificateMode.None || CertificateAuthorityPath != null))
                ThrowTerminatingError(new ErrorRecord(new System.ArgumentException(
                        "-CertificateKey, -CertificatePassword, -TlsProtocol, -ClientCertificateMode and -CertificateAuthorityPath go with -Certificate."),
                    "CertificateKeyWithoutCertificate", ErrorCategory.InvalidArgument, null));
        }

        /// <summary>The server's certificate (null without -Certificate) and the CAs of client certificates, read from their files.</summary>
        protected (X509Certificate2? Certificate, X509Certificate2Collection? ClientAuthorities) LoadServerTls()
        {
            X509Certificate2? certificate = null;
            if (Certificate != null)
            {
                var path = GetUnresolvedProviderPathFromPSPath(Certificate);
                var keyPath = CertificateKey == null ? null : GetUnresolvedProviderPathFromPSPath(CertificateKey);
                certificate = LoadFile(() => TlsPem.LoadServerCertificate(path, keyPath, CertificatePassword), path);
            }
            X509Certificate2Collection? authorities = null;
            if (CertificateAuthorityPath != null)
            {
                var path = GetUnresolvedProviderPathFromPSPath(CertificateAuthorityPath);
                authorities = LoadFile(() => TlsPem.ReadCertificates(path), path);
            }
            return (certificate, authorities);
        }
    }
}
