using System.Management.Automation;
using NetFoundations.Core.Http;

namespace NetFoundations.PowerShell.Http
{
    [Cmdlet(VerbsCommon.Get, "HtmlForm", DefaultParameterSetName = FromHtml, HelpUri = HelpLinks.Base + "Get-HtmlForm.md")]
    [OutputType(typeof(HtmlForm))]
    public sealed class GetHtmlFormCommand : HtmlCmdlet
    {
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Selector { get; set; } = "form";

        protected override string SelectorText => Selector;

        protected override void ProcessRecord() => QueryPage(page => page.Forms(Selector));
    }
}
