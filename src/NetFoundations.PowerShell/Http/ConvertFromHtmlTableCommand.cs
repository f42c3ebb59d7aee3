using System.Collections.Generic;
using System.Management.Automation;
using NetFoundations.Core.Http;

namespace NetFoundations.PowerShell.Http
{
    [Cmdlet(VerbsData.ConvertFrom, "HtmlTable", DefaultParameterSetName = FromHtml, HelpUri = HelpLinks.Base + "ConvertFrom-HtmlTable.md")]
    [OutputType(typeof(PSCustomObject), typeof(HtmlTable))]
    public sealed class ConvertFromHtmlTableCommand : HtmlCmdlet
    {
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Selector { get; set; } = "table";

        [Parameter]
        public SwitchParameter AsTable { get; set; }

        protected override string SelectorText => Selector;

        protected override void ProcessRecord() => QueryPage(Rows);

        private IEnumerable<object> Rows(HtmlScraper page)
        {
            foreach (var table in page.Tables(Selector))
            {
                if (AsTable)
                {
                    yield return table;
                    continue;
                }
                foreach (var cells in table.Rows)
                {
                    var row = new PSObject();
                    for (var c = 0; c < table.Columns.Count; c++)
                        row.Properties.Add(new PSNoteProperty(table.Columns[c], cells[c]));
                    yield return row;
                }
            }
        }
    }
}
