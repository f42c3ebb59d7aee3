using System.Management.Automation;
using NetFoundations.Core.Ftp;

namespace NetFoundations.PowerShell.Ftp
{
    /// <summary>Removes a remote file, or a directory (its contents too with -Recurse).</summary>
    [Cmdlet(VerbsCommon.Remove, "FtpItem", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpLinks.Base + "Remove-FtpItem.md")]
    [OutputType(typeof(void))]
    public sealed class RemoveFtpItemCommand : FtpCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        [Parameter]
        public SwitchParameter Recurse { get; set; }

        protected override void ProcessRecord()
        {
            if (!UseSession())
                return;
            if (!ShouldProcess($"{Session}:{Path}", Recurse ? "Remove with everything in it" : "Remove"))
                return;
            var transcript = NewTranscript();
            Run(cancel => Session.Connection().RemoveAsync(Path, Recurse, transcript, cancel), Seconds(TimeoutSeconds), Path);
        }
    }
}
