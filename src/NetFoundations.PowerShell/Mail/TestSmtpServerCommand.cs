using System.Management.Automation;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    [Cmdlet(VerbsDiagnostic.Test, "SmtpServer", HelpUri = HelpLinks.Base + "Test-SmtpServer.md")]
    [OutputType(typeof(SmtpServerResult))]
    public sealed class TestSmtpServerCommand : MailCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Exchange", "SmtpServer")]
        [ValidateNotNullOrEmpty]
        public string ComputerName { get; set; } = string.Empty;

        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>The last stage: Connect, Ehlo, Tls (default), Auth (default with -Credential).</summary>
        [Parameter]
        public SmtpTestStage QuitAfter { get; set; } = SmtpTestStage.Tls;

        protected override void ProcessRecord()
        {
            var options = ServerOptions(ComputerName, 25, Credential);
            var stage = Credential != null && !MyInvocation.BoundParameters.ContainsKey(nameof(QuitAfter)) ? SmtpTestStage.Auth : QuitAfter;
            var transcript = NewTranscript(RevealSecrets);
            Run(async ct => PostObject(await SmtpServerTester.TestAsync(options, stage, transcript, ct).ConfigureAwait(false)), Timeout, options.Target);
        }
    }
}
