using System.Linq;
using System.Management.Automation;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    /// <summary>Sends messages through one SMTP connection while the server stays the same.</summary>
    [Cmdlet(VerbsCommunications.Send, "SmtpMail", SupportsShouldProcess = true, DefaultParameterSetName = "Message", HelpUri = HelpLinks.Base + "Send-SmtpMail.md")]
    [OutputType(typeof(SmtpSendResult))]
    public sealed class SendSmtpMailCommand : MailCmdlet
    {
        private readonly SmtpMailer mailer = new SmtpMailer();
        private int count;

        [Parameter(Mandatory = true, ParameterSetName = "Message", ValueFromPipeline = true)]
        public MailMessage Message { get; set; } = null!;

        [Parameter(Mandatory = true, ParameterSetName = "Inline")]
        [ValidateNotNullOrEmpty]
        public string From { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ParameterSetName = "Inline")]
        [ValidateNotNullOrEmpty]
        public string[] To { get; set; } = new string[0];

        [Parameter(ParameterSetName = "Inline")] public string? Subject { get; set; }
        [Parameter(ParameterSetName = "Inline")] public string? Body { get; set; }
        [Parameter(ParameterSetName = "Inline")] public string[] Attachment { get; set; } = new string[0];

        /// <summary>The server; binds MX records (Exchange) and objects with ComputerName.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Exchange", "ComputerName")]
        [ValidateNotNullOrEmpty]
        public string SmtpServer { get; set; } = string.Empty;

        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        protected override void ProcessRecord()
        {
            var options = ServerOptions(SmtpServer, 25, Credential);
            var message = Message;
            if (ParameterSetName == "Inline" && !Run(ct =>
                {
                    message = MailComposer.Build(new MailMessageOptions
                    {
                        From = From, To = To, Subject = Subject, Body = Body,
                        Attachments = Attachment.Select(GetUnresolvedProviderPathFromPSPath).ToList(),
                    });
                    return System.Threading.Tasks.Task.CompletedTask;
                }, System.TimeSpan.Zero, From))
                return;
            if (!ShouldProcess($"{options.Target}", $"Send '{message.Subject}' to {string.Join(", ", message.To.Concat(message.Cc).Concat(message.Bcc))}"))
            {
                WriteObject(SmtpMailer.NotSent(options, message));
                return;
            }
            var transcript = NewTranscript(RevealSecrets);
            WriteProgress(new ProgressRecord(1, "Send-SmtpMail", $"Message {++count}: {message.Subject}"));
            Run(async ct => PostObject(await mailer.SendAsync(options, message, transcript, ct).ConfigureAwait(false)), Timeout, options.Target);
        }

        protected override void EndProcessing()
        {
            if (count > 0)
                WriteProgress(new ProgressRecord(1, "Send-SmtpMail", $"{count} messages") { RecordType = ProgressRecordType.Completed });
            var transcript = NewTranscript(RevealSecrets);
            Run(ct => mailer.CloseAsync(transcript, ct), Timeout, SmtpServer);
            mailer.Dispose();
        }

        protected override void StopProcessing()
        {
            base.StopProcessing();
            mailer.Dispose();
        }
    }
}
