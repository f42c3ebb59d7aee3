using System;
using System.Management.Automation;
using NetFoundations.Core.Ftp;

namespace NetFoundations.PowerShell.Ftp
{
    /// <summary>Looks at an FTP server (greeting, FEAT, TLS and its certificate, a login) and returns what it found as one object.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "FtpServer", HelpUri = HelpLinks.Base + "Test-FtpServer.md")]
    [OutputType(typeof(FtpServerResult))]
    public sealed class TestFtpServerCommand : FtpServerCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("HostName", "CN")]
        [ValidateNotNullOrEmpty]
        public string[] ComputerName { get; set; } = Array.Empty<string>();

        /// <summary>The last stage: Connect (greeting and FEAT), Tls (AUTH TLS and the certificate), Login (default).</summary>
        [Parameter]
        [Alias("QuitAfter")]
        public FtpTestStage Stage { get; set; } = FtpTestStage.Login;

        protected override bool SendsCredential => Stage == FtpTestStage.Login;

        protected override void ProcessRecord() =>
            ForEachServer(ComputerName, async (options, transcript, cancel) =>
                PostObject(await FtpServerTester.TestAsync(options, Stage, transcript, cancel)));
    }
}
