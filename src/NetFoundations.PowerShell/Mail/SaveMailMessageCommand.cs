using System.IO;
using System.Management.Automation;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    [Cmdlet(VerbsData.Save, "MailMessage", HelpUri = HelpLinks.Base + "Save-MailMessage.md", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class SaveMailMessageCommand : PipelineCmdlet
    {
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        public MailMessage Message { get; set; } = null!;

        /// <summary>The .eml file to write, or an existing folder (the file is then named after the Message-ID).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Writes the Bcc header too, which is otherwise left out of the file.</summary>
        [Parameter]
        public SwitchParameter IncludeBcc { get; set; }

        protected override void ProcessRecord()
        {
            var path = Message.SavePath(GetUnresolvedProviderPathFromPSPath(Path));
            if (!ShouldProcess(path, "Save message"))
                return;
            var includeBcc = IncludeBcc.IsPresent;
            if (Run(ct =>
                {
                    Message.Save(path, Force, includeBcc);
                    return System.Threading.Tasks.Task.CompletedTask;
                }, System.TimeSpan.Zero, path))
                WriteFileItem(path);
        }
    }
}
