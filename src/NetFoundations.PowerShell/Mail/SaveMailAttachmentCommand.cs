using System.IO;
using System.Management.Automation;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    [Cmdlet(VerbsData.Save, "MailAttachment", HelpUri = HelpLinks.Base + "Save-MailAttachment.md", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class SaveMailAttachmentCommand : PipelineCmdlet
    {
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        public MailMessage Message { get; set; } = null!;

        /// <summary>The folder to write the attachments into (created when missing).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>Only attachments whose file name matches this wildcard.</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            var folder = GetUnresolvedProviderPathFromPSPath(Path);
            foreach (var file in Message.AttachmentPaths(folder, Name))
            {
                if (!ShouldProcess(file.Path, $"Save attachment {file.PartNumber}"))
                    continue;
                if (Run(ct =>
                    {
                        Message.SaveAttachment(file.PartNumber, file.Path, Force);
                        return System.Threading.Tasks.Task.CompletedTask;
                    }, System.TimeSpan.Zero, file.Path))
                    WriteFileItem(file.Path);
            }
        }
    }
}
