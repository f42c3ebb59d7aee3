using System;
using System.Management.Automation;
using System.Threading;
using NetFoundations.Core;
using NetFoundations.Core.Http;

namespace NetFoundations.PowerShell.Http
{
    /// <summary>
    /// Crawls a site from a start page (the book's ch11 crawler) and writes one object per page as it is read. Pages come
    /// through the module's HTTP client: a -Session's cookies and connections, or a session of the command's own.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "WebCrawl", HelpUri = HelpLinks.Base + "Invoke-WebCrawl.md")]
    [OutputType(typeof(WebCrawlPage))]
    public sealed class InvokeWebCrawlCommand : NetworkCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Link")]
        [ValidateNotNull]
        public Uri Uri { get; set; } = null!;

        /// <summary>Links followed from the start page at most; 0 reads the start page only.</summary>
        [Parameter]
        [ValidateRange(0, 100)]
        public int Depth { get; set; } = 3;

        [Parameter]
        [ValidateRange(1, WebCrawlOptions.PageCeiling)]
        public int MaxPages { get; set; } = 100;

        /// <summary>Pages fetched at once.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 2;

        /// <summary>The least time between the starts of two requests; a robots.txt Crawl-delay that is longer wins.</summary>
        [Parameter]
        [ValidateRange(0.0, 3600.0)]
        public double DelaySeconds { get; set; }

        [Parameter]
        public SwitchParameter FollowOtherSites { get; set; }

        [Parameter]
        public SwitchParameter IgnoreRobots { get; set; }

        /// <summary>Do not submit GET forms with their default values as links.</summary>
        [Parameter]
        public SwitchParameter NoForms { get; set; }

        [Parameter]
        [ValidateNotNull]
        public HttpClientSession? Session { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [Alias("CAFile")]
        public string? CertificateAuthorityPath { get; set; }

        [Parameter]
        public SwitchParameter SkipCertificateCheck { get; set; }

        /// <summary>The most bytes of one page read (after decompression).</summary>
        [Parameter]
        [ValidateRange(1024L, 1L << 30)]
        public long MaximumPageBytes { get; set; } = 16L << 20;

        /// <summary>One page's exchange, redirects included, ends by then (a page that does not is a page with an error).</summary>
        [Parameter]
        [ValidateRange(0.1, 3600.0)]
        public double TimeoutSeconds { get; set; } = 30;

        protected override void BeginProcessing()
        {
            if (Session != null && (CertificateAuthorityPath != null || SkipCertificateCheck))
                ThrowTerminatingError(new ErrorRecord(new ArgumentException(
                    "-CertificateAuthorityPath and -SkipCertificateCheck belong to the session: give them to New-HttpSession."),
                    "SessionSetting", ErrorCategory.InvalidArgument, Session));
        }

        protected override void ProcessRecord()
        {
            var options = new WebCrawlOptions(Uri)
            {
                MaxDepth = Depth,
                MaxPages = MaxPages,
                Concurrency = ThrottleLimit,
                Delay = TimeSpan.FromSeconds(DelaySeconds),
                FollowOtherSites = FollowOtherSites,
                IgnoreRobots = IgnoreRobots,
                FollowGetForms = !NoForms,
            };
            var own = Session == null ? HttpClientSessions.Create(new HttpClientSessionOptions
            {
                TrustedAuthorities = CertificateAuthorityPath == null ? null : ReadAuthorityBundle(CertificateAuthorityPath, out _),
                SkipCertificateCheck = SkipCertificateCheck,
            }) : null;
            if (SkipCertificateCheck)
                WarnCertificateNotVerified("these requests", credentialIncluded: false);
            var session = Session ?? own!;
            var transcript = NewTranscript();
            long pages = 0;
            var activity = $"Crawling {Uri.GetLeftPart(UriPartial.Authority)}";
            var progress = CountedProgress(activity, "pages", () => Interlocked.Read(ref pages), () => MaxPages);
            try
            {
                Run(cancel => WebCrawler.CrawlAsync(options, async (uri, ct) =>
                {
                    var exchange = await HttpClientSessions.SendAsync(session, new HttpClientRequest(uri, "GET")
                    {
                        MaximumBodyBytes = MaximumPageBytes,
                        Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
                    }, transcript, ct).ConfigureAwait(false);
                    var type = exchange.ContentType;
                    var isText = type != null && type.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
                        || type != null && type.StartsWith("application/xhtml+xml", StringComparison.OrdinalIgnoreCase);
                    return new WebCrawlFetch(exchange.Uri, exchange.StatusCode, type, isText ? exchange.Content : null, exchange.ContentLength);
                }, page =>
                {
                    Interlocked.Increment(ref pages);
                    PostObject(page);
                }, cancel), Timeout.InfiniteTimeSpan, Uri);
            }
            finally
            {
                CompleteProgress(progress, activity);
                own?.Dispose();
            }
        }
    }
}
