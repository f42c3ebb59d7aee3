using System.Management.Automation;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    [Cmdlet(VerbsCommunications.Read, "MailMessage", DefaultParameterSetName = "Path", HelpUri = HelpLinks.Base + "Read-MailMessage.md")]
    [OutputType(typeof(MailMessage), typeof(MailPart))]
    public sealed class ReadMailMessageCommand : PipelineCmdlet
    {
        /// <summary>.eml or mbox files; binds piped files by FullName.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path", ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = new string[0];

        [Parameter(Mandatory = true, ParameterSetName = "Bytes", ValueFromPipeline = true)]
        public byte[] Bytes { get; set; } = new byte[0];

        /// <summary>Write the MIME tree (MailPart objects) instead of the message.</summary>
        [Parameter]
        public SwitchParameter Structure { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == "Bytes")
            {
                Run(ct => { Emit(MailReader.Parse(Bytes)); return System.Threading.Tasks.Task.CompletedTask; }, System.TimeSpan.Zero, null);
                return;
            }
            foreach (var path in Path)
            {
                var full = GetUnresolvedProviderPathFromPSPath(path);
                Run(ct =>
                {
                    foreach (var message in MailReader.ReadFile(full))
                        Emit(message);
                    return System.Threading.Tasks.Task.CompletedTask;
                }, System.TimeSpan.Zero, full);
            }
        }

        private void Emit(MailMessage message)
        {
            if (Structure)
                foreach (var part in message.GetStructure())
                    PostObject(part);
            else
                PostObject(message);
        }
    }
}
