using System;
using System.Management.Automation;
using NetFoundations.Core;
using NetFoundations.Core.Ftp;
using NetFoundations.Core.Tls;

namespace NetFoundations.PowerShell.Ftp
{
    /// <summary>Looks at an FTP server (greeting, FEAT, TLS and its certificate, a login) and returns what it found as one object.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "FtpServer", HelpUri = HelpLinks.Base + "Test-FtpServer.md")]
    [OutputType(typeof(FtpServerResult))]
    public sealed class TestFtpServerCommand : ConnectingCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("HostName", "CN")]
        [ValidateNotNullOrEmpty]
        public string[] ComputerName { get; set; } = Array.Empty<string>();

        /// <summary>The server's port; 0 (unset) takes 990 for implicit FTPS, else 21.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        /// <summary>User name and password to try at the Login stage; without it the login tried is anonymous.</summary>
        [Parameter(Position = 1)]
        [Credential]
        public PSCredential? Credential { get; set; }

        [Parameter]
        public FtpSecurity Security { get; set; } = FtpSecurity.None;

        /// <summary>The last stage: Connect (greeting and FEAT), Tls (AUTH TLS and the certificate), Login (default).</summary>
        [Parameter]
        [Alias("QuitAfter")]
        public FtpTestStage Stage { get; set; } = FtpTestStage.Login;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CertificateAuthorityPath { get; set; }

        [Parameter]
        public SwitchParameter SkipCertificateCheck { get; set; }

        [Parameter]
        public SwitchParameter AllowUnencryptedAuthentication { get; set; }

        /// <summary>Show the password in the transcript.</summary>
        [Parameter]
        public SwitchParameter RevealSecrets { get; set; }

        /// <summary>Seconds for the whole test of one server.</summary>
        [Parameter]
        [ValidateRange(0.1, 3600.0)]
        public double TimeoutSeconds { get; set; } = FtpConnectionOptions.DefaultTimeout.TotalSeconds;

        private string? authorityPath;

        protected override void BeginProcessing()
        {
            if (SkipCertificateCheck)
                WriteWarning("-SkipCertificateCheck: the server's certificate is not verified; anyone in the path can read and change this conversation, credential included.");
            if (Credential != null && AllowUnencryptedAuthentication && Security == FtpSecurity.None && Stage == FtpTestStage.Login)
                WriteWarning("-AllowUnencryptedAuthentication: without TLS the credential crosses the network in clear; anyone in the path can read it.");
            if (CertificateAuthorityPath != null)
            {
                var path = GetUnresolvedProviderPathFromPSPath(CertificateAuthorityPath);
                // Read once here so that a missing or unreadable bundle ends the command with its path, before any connection.
                LoadFile(() => TlsPem.ReadCertificates(path), path);
                authorityPath = path;
            }
        }

        protected override void ProcessRecord()
        {
            var addresses = AddressesFor(ComputerName, out var valid);
            if (!valid)
                return;
            var port = Port == 0 ? FtpConnectionOptions.DefaultPort(Security) : Port;
            foreach (var host in ComputerName)
            {
                var options = new FtpConnectionOptions(host, port)
                {
                    Addresses = addresses,
                    Credential = Credential?.GetNetworkCredential(),
                    Security = Security,
                    CertificateAuthorityPath = authorityPath,
                    SkipCertificateCheck = SkipCertificateCheck,
                    AllowUnencryptedAuthentication = AllowUnencryptedAuthentication,
                    Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
                };
                var transcript = NewTranscript(RevealSecrets);
                Run(async cancel => PostObject(await FtpServerTester.TestAsync(options, Stage, transcript, cancel)),
                    TimeSpan.FromSeconds(TimeoutSeconds), Endpoints.Format(host, port));
            }
        }
    }
}
