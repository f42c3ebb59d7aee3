using System;
using System.Management.Automation;
using System.Net;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using NetFoundations.Core.Servers;
using NetFoundations.Core.Tcp;
using NetFoundations.Core.Tls;

namespace NetFoundations.PowerShell.Servers
{
    /// <summary>Starts a TCP server in the background that answers with a built-in service; returns the server.</summary>
    [Cmdlet(VerbsLifecycle.Start, "TcpServer", DefaultParameterSetName = ServiceFramingSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low,
        HelpUri = HelpLinks.Base + "Start-TcpServer.md")]
    [OutputType(typeof(TcpServer))]
    public sealed class StartTcpServerCommand : PipelineCmdlet
    {
        private const string ServiceFramingSet = "ServiceFraming";
        private const string DelimiterSet = "Delimiter";
        private const string ByteCountSet = "ByteCount";
        private const string LengthPrefixSet = "LengthPrefix";
        private const string UntilCloseSet = "UntilClose";

        [Parameter(Position = 0)]
        public TcpServiceKind Service { get; set; } = TcpServiceKind.Echo;

        /// <summary>0 picks a free port; the server's LocalPort says which.</summary>
        [Parameter(Position = 1)]
        [ValidateRange(0, 65535)]
        public int Port { get; set; }

        [Parameter]
        [ValidateNotNull]
        public IPAddress LocalAddress { get; set; } = IPAddress.Loopback;

        [Parameter]
        public ServerArchitecture Architecture { get; set; } = ServerArchitecture.AsyncAwait;

        [Parameter(Mandatory = true, ParameterSetName = DelimiterSet)]
        [ValidateNotNull]
        public object? Delimiter { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ByteCountSet)]
        [ValidateRange(1, int.MaxValue)]
        public int ByteCount { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = LengthPrefixSet)]
        [ValidateSet("2", "4")]
        public int LengthPrefix { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = UntilCloseSet)]
        public SwitchParameter UntilClose { get; set; }

        /// <summary>How long a connection may go without completing a request or taking a reply.</summary>
        [Parameter]
        [ValidateRange(0.01, 86400.0)]
        public double TimeoutSeconds { get; set; } = 30;

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int MaxRequestBytes { get; set; } = TcpServerOptions.DefaultMaxRequestBytes;

        [Parameter]
        [ValidateRange(1, 100000)]
        public int MaxConnections { get; set; } = TcpServerOptions.DefaultMaxConnections;

        [Parameter]
        [ValidateRange(0.0, 3600.0)]
        public double ReplyDelaySeconds { get; set; }

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

        protected override void ProcessRecord()
        {
            if (Certificate == null && (CertificateKey != null || CertificatePassword != null))
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("-CertificateKey and -CertificatePassword go with -Certificate."),
                    "CertificateKeyWithoutCertificate", ErrorCategory.InvalidArgument, null));
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
            var options = new TcpServerOptions
            {
                LocalAddress = LocalAddress,
                Port = Port,
                Service = Service,
                Architecture = Architecture,
                Framing = Framing(),
                IdleTimeout = TimeSpan.FromSeconds(TimeoutSeconds),
                MaxRequestBytes = MaxRequestBytes,
                MaxConnections = MaxConnections,
                ReplyDelay = TimeSpan.FromSeconds(ReplyDelaySeconds),
                Certificate = certificate,
                TlsProtocols = TlsProtocol,
                ClientCertificateMode = ClientCertificateMode,
                ClientCertificateAuthorities = authorities,
            };
            var target = Core.Endpoints.Format(LocalAddress.ToString(), Port);
            if (!ShouldProcess(target, $"Start the {Service} service{(certificate == null ? "" : " over TLS")}"))
                return;
            Run(_ =>
            {
                PostObject(TcpServerHost.Start(options));
                return Task.CompletedTask;
            }, TimeSpan.FromSeconds(10), target);
        }

        private TcpFraming? Framing()
        {
            switch (ParameterSetName)
            {
                case DelimiterSet:
                    return TcpFraming.Delimited(Delimiter is string text
                        ? new System.Text.UTF8Encoding(false).GetBytes(text)
                        : LanguagePrimitives.ConvertTo<byte[]>(Delimiter));
                case ByteCountSet:
                    return TcpFraming.Exactly(ByteCount);
                case LengthPrefixSet:
                    return TcpFraming.LengthPrefixed(LengthPrefix);
                case UntilCloseSet:
                    return TcpFraming.UntilClose;
                default:
                    return null;
            }
        }
    }
}
