using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Http
{
    /// <summary>What a crawl's fetcher gives back for one address: the last hop's answer, its body as text when it is text.</summary>
    public sealed class WebCrawlFetch
    {
        public WebCrawlFetch(Uri finalUri, int statusCode, string? contentType, string? text, long bytes)
        {
            FinalUri = finalUri;
            StatusCode = statusCode;
            ContentType = contentType;
            Text = text;
            Bytes = bytes;
        }

        /// <summary>Where redirects ended.</summary>
        public Uri FinalUri { get; }
        public int StatusCode { get; }
        public string? ContentType { get; }
        /// <summary>The body when its type is text/* (bounded by the fetcher), else null.</summary>
        public string? Text { get; }
        public long Bytes { get; }
    }

    public sealed class WebCrawlOptions
    {
        /// <summary>The most pages one crawl may visit, whatever MaxPages says.</summary>
        public const int PageCeiling = 100_000;
        /// <summary>Links taken from one page: a hostile page of endless links grows the queue no further.</summary>
        public const int MaxLinksPerPage = 10_000;
        /// <summary>An address longer than this is not followed (a link generator's endless growth).</summary>
        public const int MaxUrlLength = 4096;

        public WebCrawlOptions(Uri start) => Start = start;

        public Uri Start { get; }
        /// <summary>Links followed from the start page at most (0: the start page only).</summary>
        public int MaxDepth { get; set; } = 3;
        public int MaxPages { get; set; } = 100;
        /// <summary>Pages fetched at once.</summary>
        public int Concurrency { get; set; } = 2;
        /// <summary>The least time between the starts of two requests (a robots.txt Crawl-delay that is longer wins).</summary>
        public TimeSpan Delay { get; set; } = TimeSpan.Zero;
        /// <summary>Follow links to other sites too (scheme, host and port other than the start page's).</summary>
        public bool FollowOtherSites { get; set; }
        public bool IgnoreRobots { get; set; }
        /// <summary>Submit the forms whose method is GET with their default values, as links (the book's tinysite search).</summary>
        public bool FollowGetForms { get; set; } = true;
        /// <summary>The product token robots.txt groups are matched against.</summary>
        public string UserAgent { get; set; } = "NetFoundations";
    }

    /// <summary>
    /// Chapter 11's crawler: breadth first from a start page, depth by depth, within the page and depth limits, the same
    /// site only unless told, robots.txt honoured, a delay between requests and a bound on those in flight; only HTML
    /// is read for links (resolved against the page's address or its base element), GET forms become links, each address
    /// is visited once (without its fragment). Fetching is the caller's (the module's HTTP client, with its deadlines and
    /// bounds); a page's failure is a page with an error, and the crawl goes on.
    /// </summary>
    public static class WebCrawler
    {
        public static async Task CrawlAsync(WebCrawlOptions options, Func<Uri, CancellationToken, Task<WebCrawlFetch>> fetch,
            Action<WebCrawlPage> onPage, CancellationToken cancel)
        {
            if (!IsWeb(options.Start))
                throw new InvalidNetworkRequestException($"A crawl starts at an http or https address, not '{options.Start}'.", options.Start.OriginalString);
            var maxPages = Math.Min(Math.Max(options.MaxPages, 1), WebCrawlOptions.PageCeiling);
            var seen = new HashSet<string>(StringComparer.Ordinal) { Key(options.Start) };
            var robots = new Dictionary<string, (RobotsTxt, NetworkException?)>(StringComparer.Ordinal);
            var pacer = new Pacer(options.Delay);
            var gate = new object();
            var visited = 0;
            var level = new List<(Uri Uri, string? Referrer)> { (options.Start, null) };
            for (var depth = 0; level.Count > 0 && visited < maxPages; depth++)
            {
                var next = new List<(Uri, string?)>[level.Count];
                var inFlight = new SemaphoreSlim(Math.Max(1, options.Concurrency));
                var tasks = new List<Task>();
                for (var i = 0; i < level.Count && visited < maxPages; i++)
                {
                    var (uri, referrer) = level[i];
                    var (rules, unreachable) = options.IgnoreRobots ? (RobotsTxt.AllowAll, null)
                        : await RobotsForAsync(uri, options.UserAgent, robots, fetch, pacer, cancel).ConfigureAwait(false);
                    if (unreachable != null)
                    {
                        // The site did not answer for its robots.txt: the page is not asked for, and says why.
                        visited++;
                        lock (gate)
                            onPage(new WebCrawlPage(uri.AbsoluteUri, depth, referrer, null, null, null, null, Array.Empty<string>(), 0,
                                TimeSpan.Zero, unreachable));
                        continue;
                    }
                    if (!rules.IsAllowed(uri.PathAndQuery))
                        continue;
                    visited++;
                    await inFlight.WaitAsync(cancel).ConfigureAwait(false);
                    var index = i;
                    var pageDepth = depth;
                    tasks.Add(Task.Run(async () =>
                    {
                        try
                        {
                            await pacer.WaitAsync(rules.CrawlDelay, cancel).ConfigureAwait(false);
                            var (page, links) = await VisitAsync(options, uri, referrer, pageDepth, fetch, cancel).ConfigureAwait(false);
                            // No more of a page's links are kept than pages could still be read.
                            next[index] = links.Take(maxPages).Select(l => (l, (string?)page.Url)).ToList();
                            lock (gate)
                                onPage(page);
                        }
                        finally
                        {
                            inFlight.Release();
                        }
                    }, cancel));
                }
                await Task.WhenAll(tasks).ConfigureAwait(false);
                if (depth >= options.MaxDepth)
                    break;
                // The next depth in the order its pages were found, whatever order the fetches ended in; bounded, whatever
                // a site of endless links offers.
                level = next.Where(n => n != null).SelectMany(n => n).Where(n => seen.Add(Key(n.Item1)))
                    .Take(WebCrawlOptions.PageCeiling).ToList();
            }
        }

        private static async Task<(WebCrawlPage Page, List<Uri> Links)> VisitAsync(WebCrawlOptions options, Uri uri, string? referrer, int depth,
            Func<Uri, CancellationToken, Task<WebCrawlFetch>> fetch, CancellationToken cancel)
        {
            var watch = Stopwatch.StartNew();
            WebCrawlFetch answer;
            try
            {
                answer = await fetch(uri, cancel).ConfigureAwait(false);
            }
            catch (NetworkException e) when (!cancel.IsCancellationRequested)
            {
                return (new WebCrawlPage(uri.AbsoluteUri, depth, referrer, null, null, null, null, Array.Empty<string>(), 0, watch.Elapsed, e),
                    new List<Uri>());
            }
            var follow = new List<Uri>();
            string? title = null;
            IReadOnlyList<string> links = Array.Empty<string>();
            NetworkException? error = null;
            if (answer.Text != null && IsHtml(answer.ContentType))
            {
                try
                {
                    var page = HtmlScraper.Parse(answer.Text, answer.FinalUri, cancel);
                    title = page.Title;
                    links = page.Links.Take(WebCrawlOptions.MaxLinksPerPage).ToList();
                    var targets = links.ToList();
                    if (options.FollowGetForms)
                        targets.AddRange(page.Forms("form").Where(f => string.Equals(f.Method, "get", StringComparison.OrdinalIgnoreCase))
                            .Select(GetFormTarget).Where(t => t != null).Select(t => t!.AbsoluteUri));
                    // A redirect to another site ends there: its links are not this site's.
                    if (options.FollowOtherSites || SameSite(answer.FinalUri, options.Start))
                        follow = targets.Take(WebCrawlOptions.MaxLinksPerPage).Select(Followable).Where(l => l != null)
                            .Select(l => l!).Where(l => options.FollowOtherSites || SameSite(l, options.Start)).ToList();
                }
                catch (NetworkException e)
                {
                    error = e;
                }
            }
            return (new WebCrawlPage(uri.AbsoluteUri, depth, referrer, answer.StatusCode, answer.FinalUri.AbsoluteUri, answer.ContentType, title,
                links, answer.Bytes, watch.Elapsed, error), follow);
        }

        /// <summary>
        /// A site's robots.txt, fetched once per site: 4xx allows all, 5xx disallows all (RFC 9309); a site that does not
        /// answer at all gives its failure instead, for the pages that were to be asked of it.
        /// </summary>
        private static async Task<(RobotsTxt Rules, NetworkException? Unreachable)> RobotsForAsync(Uri uri, string userAgent,
            Dictionary<string, (RobotsTxt, NetworkException?)> robots, Func<Uri, CancellationToken, Task<WebCrawlFetch>> fetch, Pacer pacer,
            CancellationToken cancel)
        {
            var site = uri.GetLeftPart(UriPartial.Authority);
            if (robots.TryGetValue(site, out var known))
                return known;
            (RobotsTxt, NetworkException?) found;
            try
            {
                await pacer.WaitAsync(null, cancel).ConfigureAwait(false);
                var answer = await fetch(new Uri(site + "/robots.txt"), cancel).ConfigureAwait(false);
                found = (answer.StatusCode >= 200 && answer.StatusCode < 300 ? RobotsTxt.Parse(answer.Text ?? string.Empty, userAgent)
                    : answer.StatusCode >= 400 && answer.StatusCode < 500 ? RobotsTxt.AllowAll
                    : RobotsTxt.DisallowAll, null);
            }
            catch (NetworkException e) when (!cancel.IsCancellationRequested)
            {
                found = (RobotsTxt.DisallowAll, e);
            }
            robots[site] = found;
            return found;
        }

        private static Uri? GetFormTarget(HtmlForm form)
        {
            if (!Uri.TryCreate(form.Action, UriKind.Absolute, out var action))
                return null;
            var query = string.Join("&", form.GetSubmission((System.Collections.IDictionary?)null)
                .Select(p => WebUtility.UrlEncode(p.Key) + "=" + WebUtility.UrlEncode(p.Value)));
            return new UriBuilder(action) { Query = query, Fragment = string.Empty }.Uri;
        }

        /// <summary>The address to visit for a link (without its fragment), or null when it is not one to follow.</summary>
        private static Uri? Followable(string link)
        {
            if (link.Length > WebCrawlOptions.MaxUrlLength || !Uri.TryCreate(link, UriKind.Absolute, out var uri) || !IsWeb(uri))
                return null;
            return uri.Fragment.Length == 0 ? uri : new UriBuilder(uri) { Fragment = string.Empty }.Uri;
        }

        private static bool IsWeb(Uri uri) => uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

        private static bool SameSite(Uri a, Uri b) =>
            string.Equals(a.GetLeftPart(UriPartial.Authority), b.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);

        private static bool IsHtml(string? contentType) =>
            contentType != null && (contentType.StartsWith("text/html", StringComparison.OrdinalIgnoreCase)
                || contentType.StartsWith("application/xhtml+xml", StringComparison.OrdinalIgnoreCase));

        private static string Key(Uri uri) => uri.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped);

        /// <summary>Spaces the starts of requests by the delay (or a site's longer Crawl-delay), whatever runs at once.</summary>
        private sealed class Pacer
        {
            private readonly TimeSpan delay;
            private readonly SemaphoreSlim turn = new SemaphoreSlim(1);
            private readonly Stopwatch clock = Stopwatch.StartNew();
            private TimeSpan? last;

            public Pacer(TimeSpan delay) => this.delay = delay;

            public async Task WaitAsync(TimeSpan? siteDelay, CancellationToken cancel)
            {
                var gap = siteDelay.HasValue && siteDelay.Value > delay ? siteDelay.Value : delay;
                await turn.WaitAsync(cancel).ConfigureAwait(false);
                try
                {
                    if (last.HasValue && gap > TimeSpan.Zero)
                    {
                        var wait = last.Value + gap - clock.Elapsed;
                        if (wait > TimeSpan.Zero)
                            await Task.Delay(wait, cancel).ConfigureAwait(false);
                    }
                    last = clock.Elapsed;
                }
                finally
                {
                    turn.Release();
                }
            }
        }
    }
}
