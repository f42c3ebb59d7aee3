using System.Management.Automation;
using NetFoundations.Core.Ftp;

namespace NetFoundations.PowerShell.Ftp
{
    /// <summary>
    /// Lists remote files and directories: MLSD where the server offers it, else LIST parsed; with -Name the names
    /// NLST gives, with -Raw the LIST lines as the server sent them (strings, as the book's nlst.py and dir.py).
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "FtpChildItem", DefaultParameterSetName = ItemsSet, HelpUri = HelpLinks.Base + "Get-FtpChildItem.md")]
    [OutputType(typeof(FtpItem), ParameterSetName = new[] { ItemsSet })]
    [OutputType(typeof(string), ParameterSetName = new[] { NameSet, RawSet })]
    public sealed class GetFtpChildItemCommand : FtpCmdlet
    {
        private const string ItemsSet = "Items";
        private const string NameSet = "Name";
        private const string RawSet = "Raw";

        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = ".";

        [Parameter(ParameterSetName = ItemsSet)]
        public SwitchParameter Recurse { get; set; }

        /// <summary>With -Recurse, how many levels below Path are walked (0: Path's own entries only).</summary>
        [Parameter(ParameterSetName = ItemsSet)]
        [ValidateRange(0, FtpConnection.MaxDepth)]
        public int Depth { get; set; } = FtpConnection.MaxDepth;

        /// <summary>A wildcard on the entry names (* and ?).</summary>
        [Parameter(ParameterSetName = ItemsSet)]
        [ValidateNotNullOrEmpty]
        public string? Filter { get; set; }

        /// <summary>The names only, from NLST, as strings.</summary>
        [Parameter(Mandatory = true, ParameterSetName = NameSet)]
        public SwitchParameter Name { get; set; }

        /// <summary>The server's LIST lines as they came, as strings.</summary>
        [Parameter(Mandatory = true, ParameterSetName = RawSet)]
        public SwitchParameter Raw { get; set; }

        protected override void ProcessRecord()
        {
            if (!UseSession())
                return;
            var transcript = NewTranscript();
            if (ParameterSetName != ItemsSet)
            {
                Run(cancel => Session.Connection().ListLinesAsync(Path, ParameterSetName == NameSet, PostObject, transcript, cancel),
                    Seconds(TimeoutSeconds), Path);
                return;
            }
            Run(cancel => Session.Connection().ListAsync(Path, Recurse || MyInvocation.BoundParameters.ContainsKey(nameof(Depth)), Depth, Filter, PostObject, transcript, cancel),
                Seconds(TimeoutSeconds), Path);
        }
    }
}
