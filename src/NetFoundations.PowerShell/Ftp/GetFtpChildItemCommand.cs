using System.Management.Automation;
using NetFoundations.Core.Ftp;

namespace NetFoundations.PowerShell.Ftp
{
    /// <summary>Lists remote files and directories: MLSD where the server offers it, else LIST parsed.</summary>
    [Cmdlet(VerbsCommon.Get, "FtpChildItem", HelpUri = HelpLinks.Base + "Get-FtpChildItem.md")]
    [OutputType(typeof(FtpItem))]
    public sealed class GetFtpChildItemCommand : FtpCmdlet
    {
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = ".";

        [Parameter]
        public SwitchParameter Recurse { get; set; }

        /// <summary>With -Recurse, how many levels below Path are walked (0: Path's own entries only).</summary>
        [Parameter]
        [ValidateRange(0, FtpConnection.MaxDepth)]
        public int Depth { get; set; } = FtpConnection.MaxDepth;

        /// <summary>A wildcard on the entry names (* and ?).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Filter { get; set; }

        protected override void ProcessRecord()
        {
            var transcript = NewTranscript();
            Run(cancel => Session.Connection().ListAsync(Path, Recurse || MyInvocation.BoundParameters.ContainsKey(nameof(Depth)), Depth, Filter, PostObject, transcript, cancel),
                Seconds(TimeoutSeconds), Path);
        }
    }
}
