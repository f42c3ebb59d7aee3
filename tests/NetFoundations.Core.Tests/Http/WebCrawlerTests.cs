using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Http;
using NetFoundations.Core.Tests.Udp;

namespace NetFoundations.Core.Tests.Http
{
    /// <summary>
    /// The crawler over a generated site (tests/peers/web_site.py) served by Python's http.server, fetched here with a
    /// plain HttpClient (the crawler's fetcher is the caller's); robots.txt rules on their own.
    /// </summary>
    public sealed class WebCrawlerTests : IDisposable
    {
        private readonly string folder = Path.Combine(Path.GetTempPath(), "nf-site-" + Guid.NewGuid().ToString("N"));
        private readonly PythonPeer site;
        private readonly HttpClient http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        private readonly CancellationToken Ct = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;
        private readonly List<Uri> fetched = new List<Uri>();

        public WebCrawlerTests() => site = PythonPeer.Listening("web_site.py", folder, "40", "--serve");

        private Uri Start => new Uri($"http://127.0.0.1:{site.Port}/");

        private async Task<WebCrawlFetch> FetchAsync(Uri uri, CancellationToken cancel)
        {
            lock (fetched)
                fetched.Add(uri);
            using var response = await http.GetAsync(uri, cancel);
            var type = response.Content.Headers.ContentType?.MediaType;
            var body = await response.Content.ReadAsStringAsync(cancel);
            return new WebCrawlFetch(response.RequestMessage!.RequestUri!, (int)response.StatusCode, type,
                type != null && type.StartsWith("text/", StringComparison.Ordinal) ? body : null, body.Length);
        }

        private async Task<List<WebCrawlPage>> CrawlAsync(WebCrawlOptions options)
        {
            var pages = new List<WebCrawlPage>();
            await WebCrawler.CrawlAsync(options, FetchAsync, pages.Add, Ct);
            return pages;
        }

        private static int TreeDepth(int page) => page == 0 ? 0 : 1 + TreeDepth((page - 1) / 3);

        [Fact]
        public async Task VisitsEverySamePageOnceBreadthFirstAndKeepsOutOfWhatRobotsTxtDisallows()
        {
            var pages = await CrawlAsync(new WebCrawlOptions(Start) { MaxDepth = 10, MaxPages = 1000 });

            var paths = pages.Select(p => new Uri(p.Url).PathAndQuery).ToList();
            var expected = Enumerable.Range(1, 39).Select(i => $"/page-{i}.html")
                .Concat(new[] { "/", "/index.html", "/notes.txt", "/search.html?q=book" });
            Assert.Equal(expected.OrderBy(p => p), paths.OrderBy(p => p));
            Assert.DoesNotContain(fetched, u => u.AbsolutePath.StartsWith("/private/", StringComparison.Ordinal));
            Assert.DoesNotContain(fetched, u => u.Host != "127.0.0.1");
            Assert.All(pages.Where(p => p.Url.Contains("/page-")), p =>
                Assert.Equal(TreeDepth(int.Parse(p.Url.Split("page-")[1].Split('.')[0])), p.Depth));
            // Breadth first: no page comes before one of a smaller depth.
            Assert.Equal(pages.Select(p => p.Depth).OrderBy(d => d), pages.Select(p => p.Depth));
            var start = pages[0];
            Assert.Equal(("Page 0", 200, 0, (string?)null), (start.Title, start.StatusCode, start.Depth, start.Referrer));
            Assert.Contains("http://other.invalid/elsewhere.html", start.Links);
            var notes = pages.Single(p => p.Url.EndsWith("notes.txt", StringComparison.Ordinal));
            Assert.Equal(("text/plain", 0), (notes.ContentType, notes.Links.Count));
        }

        [Fact]
        public async Task StopsAtTheDepthAndPageLimits()
        {
            var shallow = await CrawlAsync(new WebCrawlOptions(Start) { MaxDepth = 1 });
            Assert.Equal(7, shallow.Count);
            Assert.Equal(6, shallow.Count(p => p.Depth == 1));

            var few = await CrawlAsync(new WebCrawlOptions(Start) { MaxDepth = 10, MaxPages = 5 });
            Assert.Equal(5, few.Count);
        }

        [Fact]
        public async Task AFailedPageIsDataAndTheCrawlGoesOn()
        {
            File.Delete(Path.Combine(folder, "page-2.html"));
            var pages = await CrawlAsync(new WebCrawlOptions(Start) { MaxDepth = 2, IgnoreRobots = true });

            var missing = pages.Single(p => p.Url.EndsWith("/page-2.html", StringComparison.Ordinal));
            Assert.Equal(404, missing.StatusCode);
            Assert.Contains(pages, p => p.Url.EndsWith("/page-4.html", StringComparison.Ordinal));
            Assert.DoesNotContain(pages, p => p.Url.EndsWith("/page-7.html", StringComparison.Ordinal));
            // Without robots.txt rules the private page is fetched like any other.
            Assert.Contains(pages, p => p.Url.EndsWith("/private/secret.html", StringComparison.Ordinal));
        }

        [Fact]
        public async Task SpacesRequestsByTheDelay()
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var pages = await CrawlAsync(new WebCrawlOptions(Start) { MaxDepth = 1, MaxPages = 4, Concurrency = 4, Delay = TimeSpan.FromMilliseconds(200) });

            // robots.txt and four pages: four gaps of 200 ms at least.
            Assert.Equal(4, pages.Count);
            Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(790), $"took {watch.Elapsed}");
        }

        [Fact]
        public async Task ASiteThatDoesNotAnswerGivesItsStartPageWithTheFailure()
        {
            var pages = new List<WebCrawlPage>();
            await WebCrawler.CrawlAsync(new WebCrawlOptions(new Uri("http://127.0.0.1:9/")),
                (uri, _) => throw new ConnectionRefusedException("refused", uri.Authority), pages.Add, Ct);

            var page = Assert.Single(pages);
            Assert.Equal((NetworkErrorKind?)NetworkErrorKind.ConnectionRefused, page.ErrorKind);
            Assert.Null(page.StatusCode);
        }

        [Fact]
        public async Task RefusesAStartThatIsNotAWebAddress()
        {
            await Assert.ThrowsAsync<InvalidNetworkRequestException>(() =>
                WebCrawler.CrawlAsync(new WebCrawlOptions(new Uri("ftp://127.0.0.1/")), FetchAsync, _ => { }, Ct));
        }

        [Theory]
        [InlineData("/private/x", false)]
        [InlineData("/public/x", true)]
        [InlineData("/public/secret.pdf", false)]
        [InlineData("/public/secret.pdf?x", true)]
        [InlineData("/tmp/", true)]
        [InlineData("/tmp", false)]
        [InlineData("/robots.txt", true)]
        public void RobotsTxtRulesTakeTheLongestMatchAndAllowOnATie(string path, bool allowed)
        {
            var robots = RobotsTxt.Parse(
                "# comment\nUser-agent: other\nDisallow: /\n\nUser-agent: NetFoundations\nUser-agent: friend\nDisallow: /private\n" +
                "Disallow: /*.pdf$\nDisallow: /tmp\nAllow: /tmp/\nCrawl-delay: 1.5\n\nUser-agent: *\nDisallow: /public\n",
                "NetFoundations/0.1");

            Assert.Equal(allowed, robots.IsAllowed(path));
            Assert.Equal(TimeSpan.FromSeconds(1.5), robots.CrawlDelay);
        }

        [Fact]
        public void RobotsTxtFallsBackToTheStarGroupAndBoundsWhatItReads()
        {
            var star = RobotsTxt.Parse("User-agent: *\nDisallow: /no\n", "NetFoundations");
            Assert.False(star.IsAllowed("/no/thing"));
            Assert.True(star.IsAllowed("/yes"));
            Assert.True(RobotsTxt.Parse("User-agent: *\nDisallow:\n", "x").IsAllowed("/anything"));

            var endless = "User-agent: *\n" + string.Concat(Enumerable.Repeat("Disallow: /a\n", 200_000)) + "Disallow: /late\n";
            Assert.True(RobotsTxt.Parse(endless, "x").IsAllowed("/late"));
        }

        public void Dispose()
        {
            site.Dispose();
            http.Dispose();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
