using System.Management.Automation;
using NetFoundations.Core.Ftp;

namespace NetFoundations.PowerShell.Ftp
{
    /// <summary>Makes a remote directory.</summary>
    [Cmdlet(VerbsCommon.New, "FtpDirectory", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, HelpUri = HelpLinks.Base + "New-FtpDirectory.md")]
    [OutputType(typeof(FtpItem))]
    public sealed class NewFtpDirectoryCommand : FtpCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        protected override void ProcessRecord()
        {
            if (!UseSession())
                return;
            if (!ShouldProcess($"{Session}:{Path}", "Make directory"))
                return;
            var transcript = NewTranscript();
            Run(async cancel => PostObject(await Session.Connection().NewDirectoryAsync(Path, transcript, cancel)), Seconds(TimeoutSeconds), Path);
        }
    }
}
