using System;
using System.Collections.Generic;

namespace NetFoundations.Core.Http
{
    /// <summary>One page a crawl visited (Invoke-WebCrawl): where it was found, what the server said, and its links.</summary>
    public sealed class WebCrawlPage
    {
        private readonly NetworkException? exception;

        public WebCrawlPage(string url, int depth, string? referrer, int? statusCode, string? finalUrl, string? contentType, string? title,
            IReadOnlyList<string> links, long bytes, TimeSpan elapsed, NetworkException? error)
        {
            Url = url;
            Depth = depth;
            Referrer = referrer;
            StatusCode = statusCode;
            FinalUrl = finalUrl;
            ContentType = contentType;
            Title = title;
            Links = links;
            Bytes = bytes;
            Elapsed = elapsed;
            exception = error;
        }

        /// <summary>The address asked for.</summary>
        public string Url { get; }
        /// <summary>Links followed from the start page to reach this one (the start page is 0).</summary>
        public int Depth { get; }
        /// <summary>The page whose link led here; null for the start page.</summary>
        public string? Referrer { get; }
        /// <summary>The final status (after redirects); null when no answer came.</summary>
        public int? StatusCode { get; }
        /// <summary>Where redirects ended; the same as Url without them.</summary>
        public string? FinalUrl { get; }
        public string? ContentType { get; }
        public string? Title { get; }
        /// <summary>Every link of an HTML page, absolute, in page order, each once (also those not followed).</summary>
        public IReadOnlyList<string> Links { get; }
        /// <summary>Body bytes read.</summary>
        public long Bytes { get; }
        /// <summary>From the request until the body was read, redirects included.</summary>
        public TimeSpan Elapsed { get; }
        /// <summary>The kind of failure when the page could not be fetched or read (a page's failure is data: the crawl goes on).</summary>
        public NetworkErrorKind? ErrorKind => exception?.Kind;
        /// <summary>What went wrong, in words.</summary>
        public string? Error => exception?.Message;

        /// <summary>The failure as the typed exception, for a script that rethrows it.</summary>
        public NetworkException? GetException() => exception;

        public override string ToString() => Url;
    }
}
