using System.Management.Automation;
using NetFoundations.Core.Ssh;

namespace NetFoundations.PowerShell.Ssh
{
    /// <summary>Makes a remote directory.</summary>
    [Cmdlet(VerbsCommon.New, "SftpDirectory", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, HelpUri = HelpLinks.Base + "New-SftpDirectory.md")]
    [OutputType(typeof(SftpItem))]
    public sealed class NewSftpDirectoryCommand : SftpCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        protected override void ProcessRecord()
        {
            if (!ShouldProcess($"{Session}:{Path}", "Make directory"))
                return;
            var transcript = NewTranscript();
            Run(async cancel => PostObject(await Session.Connection().NewDirectoryAsync(Path, transcript, cancel)), Seconds(TimeoutSeconds), Path);
        }
    }
}
