using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Threading.Tasks;
using NetFoundations.Core;
using NetFoundations.Core.Http;

namespace NetFoundations.PowerShell.Http
{
    /// <summary>
    /// Base of the cmdlets that read HTML pages: the page comes as text (a string, or the Content of an HTTP exchange,
    /// whose Uri comes along as the base of its links) or from a file. Parsing is local work (no -TranscriptPath), but
    /// a hostile page can make it slow, so it runs under Run with -TimeoutSeconds and Ctrl+C.
    /// </summary>
    public abstract class HtmlCmdlet : PipelineCmdlet
    {
        protected const string FromHtml = "Html";
        protected const string FromFile = "Path";

        [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = FromHtml)]
        [Alias("Content")]
        [AllowEmptyString]
        public string Html { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = FromFile)]
        [Alias("FullName", "LiteralPath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Uri")]
        public Uri? BaseUri { get; set; }

        [Parameter]
        [ValidateRange(0.1, 3600.0)]
        public double TimeoutSeconds { get; set; } = 30;

        /// <summary>The CSS selector the cmdlet queries with; checked once, before any page.</summary>
        protected abstract string SelectorText { get; }

        protected override void BeginProcessing()
        {
            try
            {
                HtmlScraper.CheckSelector(SelectorText);
            }
            catch (InvalidNetworkRequestException e)
            {
                ThrowTerminatingError(ErrorMapping.ToErrorRecord(e, SelectorText));
            }
        }

        /// <summary>Parses the current input's page and writes what query finds in it; a file's own address is its base when no -BaseUri is given.</summary>
        protected void QueryPage(Func<HtmlScraper, IEnumerable<object>> query)
        {
            var html = Html;
            var baseUri = BaseUri;
            object target = baseUri?.ToString() ?? "the page";
            if (ParameterSetName == FromFile)
            {
                var file = GetUnresolvedProviderPathFromPSPath(Path);
                html = LoadFile(() => File.ReadAllText(file), Path);
                baseUri ??= new Uri(System.IO.Path.GetFullPath(file));
                target = Path;
            }
            Run(cancel =>
            {
                var page = HtmlScraper.Parse(html, baseUri, cancel);
                foreach (var result in query(page))
                    PostObject(result);
                return Task.CompletedTask;
            }, Seconds(TimeoutSeconds), target);
        }
    }
}
