using System.IO;
using System.Management.Automation;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    [Cmdlet(VerbsData.Save, "MailMessage")]
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

        protected override void ProcessRecord()
        {
            var path = GetUnresolvedProviderPathFromPSPath(Path);
            Run(ct =>
            {
                PostObject(new FileInfo(Message.Save(path, Force)));
                return System.Threading.Tasks.Task.CompletedTask;
            }, System.TimeSpan.Zero, path);
        }
    }
}
