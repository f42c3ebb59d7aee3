using System;
using System.Management.Automation;
using NetFoundations.Core.Ftp;

namespace NetFoundations.PowerShell.Ftp
{
    /// <summary>
    /// Looks at an FTP server (greeting, FEAT, TLS and its certificate, a login) and returns what it found as one object;
    /// with -MeasureClockSkew also the server's clock, which takes writing a temporary file (so -WhatIf and -Confirm apply).
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "FtpServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, HelpUri = HelpLinks.Base + "Test-FtpServer.md")]
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

        /// <summary>After the login, upload a one-byte file, read its time (MDTM) and delete it: ClockSkew. Without it nothing is written.</summary>
        [Parameter]
        public SwitchParameter MeasureClockSkew { get; set; }

        /// <summary>The remote folder -MeasureClockSkew writes its temporary file into; default the login directory.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ClockSkewPath { get; set; }

        protected override bool SendsCredential => Stage == FtpTestStage.Login;

        protected override void BeginProcessing()
        {
            if (ClockSkewPath != null && !MeasureClockSkew)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("-ClockSkewPath says where -MeasureClockSkew writes: give -MeasureClockSkew too."),
                    "ClockSkewPathWithoutMeasure", ErrorCategory.InvalidArgument, ClockSkewPath));
            if (MeasureClockSkew && Stage != FtpTestStage.Login)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-MeasureClockSkew writes a file after the login, which -Stage {Stage} stops before."),
                    "ClockSkewBeforeLogin", ErrorCategory.InvalidArgument, Stage));
            base.BeginProcessing();
        }

        protected override void ProcessRecord()
        {
            string? folder = null;
            if (MeasureClockSkew && ShouldProcess($"{string.Join(", ", ComputerName)}:{ClockSkewPath ?? "(the login directory)"}",
                    "Upload a one-byte temporary file, read its time (MDTM) and delete it"))
                folder = ClockSkewPath ?? ".";
            ForEachServer(ComputerName, async (options, transcript, cancel) =>
                PostObject(await FtpServerTester.TestAsync(options, Stage, transcript, cancel, folder)));
        }
    }
}
