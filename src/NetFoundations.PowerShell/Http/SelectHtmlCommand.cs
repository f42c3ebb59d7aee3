using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using NetFoundations.Core;
using NetFoundations.Core.Http;

namespace NetFoundations.PowerShell.Http
{
    [Cmdlet(VerbsCommon.Select, "Html", DefaultParameterSetName = FromHtml, HelpUri = HelpLinks.Base + "Select-Html.md")]
    [OutputType(typeof(HtmlElement), typeof(PSCustomObject))]
    public sealed class SelectHtmlCommand : HtmlCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Selector { get; set; } = string.Empty;

        [Parameter]
        [Alias("Select")]
        [ValidateNotNullOrEmpty]
        public IDictionary? Property { get; set; }

        private List<KeyValuePair<string, string>>? properties;

        protected override string SelectorText => Selector;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if (Property == null)
                return;
            properties = new List<KeyValuePair<string, string>>();
            foreach (DictionaryEntry entry in Property)
            {
                var name = entry.Key?.ToString();
                if (string.IsNullOrWhiteSpace(name) || entry.Value == null)
                    ThrowTerminatingError(new ErrorRecord(new PSArgumentException("Each -Property entry is a property name and a CSS selector (\"selector@attribute\" for an attribute)."),
                        "InvalidProperty", ErrorCategory.InvalidArgument, entry.Key));
                properties.Add(new KeyValuePair<string, string>(name!, entry.Value!.ToString() ?? string.Empty));
            }
            try
            {
                foreach (var property in properties)
                    HtmlScraper.CheckSelector(HtmlScraper.PropertySelector(property.Value));
            }
            catch (InvalidNetworkRequestException e)
            {
                ThrowTerminatingError(ErrorMapping.ToErrorRecord(e, Property));
            }
        }

        protected override void ProcessRecord() => QueryPage(page => properties == null ? page.Select(Selector) : Records(page));

        private IEnumerable<object> Records(HtmlScraper page)
        {
            foreach (var record in page.SelectProperties(Selector, properties!))
            {
                var row = new PSObject();
                foreach (var pair in record)
                    row.Properties.Add(new PSNoteProperty(pair.Key, pair.Value));
                yield return row;
            }
        }
    }
}
