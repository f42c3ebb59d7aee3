using System;
using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using NetFoundations.Core;
using NetFoundations.Core.Tls;

namespace NetFoundations.PowerShell.Tls
{
    /// <summary>The parameters every TLS test shares: where to connect, STARTTLS, the client certificate, the timeout.</summary>
    public abstract class TlsCommandBase : ConnectingCmdlet
    {
        /// <summary>The server: a name or an address. Binds from DNS records and Test-TcpPort results by property name.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("HostName")]
        public string ComputerName { get; set; } = string.Empty;

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; } = 443;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ServerName { get; set; }

        [Parameter]
        public StartTlsProtocol StartTls { get; set; } = StartTlsProtocol.None;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ClientCertificate { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ClientCertificateKey { get; set; }

        [Parameter]
        [Credential]
        public PSCredential? ClientCertificateCredential { get; set; }

        [Parameter]
        [ValidateRange(0.1, 3600.0)]
        public double TimeoutSeconds { get; set; } = 10;

        protected X509Certificate2? LoadedClientCertificate { get; private set; }

        protected override void BeginProcessing()
        {
            LoadedClientCertificate = LoadClientCertificate(ClientCertificate, ClientCertificateKey, ClientCertificateCredential);
        }

        protected TlsTarget Target() => new TlsTarget(ComputerName, Port, AddressesFor(ComputerName), StartTls);

        protected TimeSpan StageTimeout => TimeSpan.FromSeconds(TimeoutSeconds);
    }
}
