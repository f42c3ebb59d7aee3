using System;
using System.Linq;
using System.Management.Automation;
using NetFoundations.Core.Tls;

namespace NetFoundations.PowerShell.Tls
{
    /// <summary>Which TLS versions a server accepts, one result per version.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "TlsProtocol", HelpUri = HelpLinks.Base + "Test-TlsProtocol.md")]
    [OutputType(typeof(TlsProtocolResult))]
    public sealed class TestTlsProtocolCommand : TlsCommandBase
    {
        [Parameter]
        [ValidateNotNullOrEmpty]
        public TlsVersion[] Protocol { get; set; } = { TlsVersion.Tls10, TlsVersion.Tls11, TlsVersion.Tls12, TlsVersion.Tls13 };

        protected override void ProcessRecord()
        {
            var transcript = NewTranscript();
            var target = Target();
            var options = new TlsClientOptions(ServerName, clientCertificate: LoadedClientCertificate);
            Run(async ct =>
            {
                foreach (var result in await TlsProtocolTester.TestAsync(target, options, Protocol, StageTimeout, transcript, ct).ConfigureAwait(false))
                    PostObject(result);
            }, TimeSpan.FromTicks(target.Deadline(StageTimeout).Ticks * Protocol.Distinct().Count()), target.ToString());
        }
    }
}
