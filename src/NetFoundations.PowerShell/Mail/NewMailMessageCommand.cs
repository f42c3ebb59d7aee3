using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    [Cmdlet(VerbsCommon.New, "MailMessage", HelpUri = HelpLinks.Base + "New-MailMessage.md")]
    [OutputType(typeof(MailMessage))]
    public sealed class NewMailMessageCommand : PipelineCmdlet
    {
        private readonly List<string> attachments = new List<string>();

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string From { get; set; } = string.Empty;

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string[] To { get; set; } = new string[0];

        [Parameter] public string[] Cc { get; set; } = new string[0];
        [Parameter] public string[] Bcc { get; set; } = new string[0];
        [Parameter] public string[] ReplyTo { get; set; } = new string[0];
        [Parameter(Position = 0)] public string? Subject { get; set; }
        [Parameter(Position = 1)] public string? Body { get; set; }
        [Parameter] public string? HtmlBody { get; set; }
        [Parameter] public string[] InlineImage { get; set; } = new string[0];

        /// <summary>Files to attach: paths, or files piped in (their FullName).</summary>
        [Parameter(ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        public string[] Attachment { get; set; } = new string[0];

        [Parameter] public Hashtable? Header { get; set; }
        [Parameter] public MailPriority Priority { get; set; } = MailPriority.Normal;
        [Parameter] public MailTransferEncoding TransferEncoding { get; set; } = MailTransferEncoding.Auto;

        protected override void ProcessRecord() =>
            attachments.AddRange(Attachment.Select(GetUnresolvedProviderPathFromPSPath));

        protected override void EndProcessing()
        {
            var options = new MailMessageOptions
            {
                From = From,
                To = To,
                Cc = Cc,
                Bcc = Bcc,
                ReplyTo = ReplyTo,
                Subject = Subject,
                Body = Body,
                HtmlBody = HtmlBody,
                InlineImages = InlineImage.Select(GetUnresolvedProviderPathFromPSPath).ToList(),
                Attachments = attachments,
                Headers = Header?.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => e.Value?.ToString() ?? string.Empty)
                    ?? new Dictionary<string, string>(),
                Priority = Priority,
                TransferEncoding = TransferEncoding,
            };
            Run(ct => { PostObject(MailComposer.Build(options)); return System.Threading.Tasks.Task.CompletedTask; }, System.TimeSpan.Zero, From);
        }
    }
}
