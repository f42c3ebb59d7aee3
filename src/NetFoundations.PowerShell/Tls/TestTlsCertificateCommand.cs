using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using NetFoundations.Core.Tls;

namespace NetFoundations.PowerShell.Tls
{
    /// <summary>Fetches a server's certificate and reports whether it is valid for the name. A bad certificate is data.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "TlsCertificate", HelpUri = HelpLinks.Base + "Test-TlsCertificate.md", SupportsShouldProcess = true)]
    [OutputType(typeof(TlsCertificateResult), typeof(bool))]
    public sealed class TestTlsCertificateCommand : TlsCommandBase
    {
        [Parameter]
        [ValidateNotNullOrEmpty]
        [Alias("CAFile")]
        public string? CertificateAuthorityPath { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public TlsVersion[]? Protocol { get; set; }

        [Parameter]
        [ValidateRange(0, 36500)]
        public int MinimumDaysRemaining { get; set; }

        [Parameter]
        public SwitchParameter Quiet { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? OutFile { get; set; }

        private X509Certificate2Collection? authorities;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if (CertificateAuthorityPath != null)
            {
                var path = GetUnresolvedProviderPathFromPSPath(CertificateAuthorityPath);
                authorities = LoadFile(() => TlsPem.ReadCertificates(path), path);
            }
        }

        protected override void ProcessRecord()
        {
            var transcript = NewTranscript();
            var target = Target();
            var options = new TlsClientOptions(ServerName, authorities, LoadedClientCertificate, Protocol);
            var outFile = OutFile == null ? null : GetUnresolvedProviderPathFromPSPath(OutFile);
            // Only the file is a change: without consent the test still runs and reports, and writes no file.
            if (outFile != null && !ShouldProcess(outFile, $"Write the certificates {target} presents"))
                outFile = null;
            var quiet = Quiet.IsPresent;
            var succeeded = Run(async ct =>
            {
                var result = await TlsCertificateTester.TestAsync(target, options, StageTimeout, MinimumDaysRemaining, outFile, transcript, ct)
                    .ConfigureAwait(false);
                PostObject(quiet ? (object)result.IsValid : result);
            }, target.Deadline(StageTimeout), target.ToString());
            if (!succeeded && quiet)
                WriteObject(false);
        }

        /// <summary>With -Quiet the answer is only $true or $false: a failure is $false, and why is said under -Verbose.</summary>
        protected override void WriteFailure(ErrorRecord error)
        {
            if (Quiet)
                WriteVerbose($"{error.FullyQualifiedErrorId.Split(',')[0]}: {error.Exception.Message}");
            else
                base.WriteFailure(error);
        }
    }
}
