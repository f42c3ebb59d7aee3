using System.Management.Automation;
using NetFoundations.Core.Ssh;

namespace NetFoundations.PowerShell.Ssh
{
    /// <summary>Lists remote files and directories over SFTP.</summary>
    [Cmdlet(VerbsCommon.Get, "SftpItem", HelpUri = HelpLinks.Base + "Get-SftpItem.md")]
    [OutputType(typeof(SftpItem))]
    public sealed class GetSftpItemCommand : SftpCmdlet
    {
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = ".";

        [Parameter]
        public SwitchParameter Recurse { get; set; }

        /// <summary>A wildcard on the entry names (* and ?).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Filter { get; set; }

        protected override void ProcessRecord()
        {
            var transcript = NewTranscript();
            Run(cancel => Session.Connection().ListAsync(Path, Recurse, Filter, PostObject, transcript, cancel), Seconds(TimeoutSeconds), Path);
        }
    }
}
