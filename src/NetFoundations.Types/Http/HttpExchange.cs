using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace NetFoundations.Core.Http
{
    /// <summary>
    /// One request and its response on the way to the final answer: the first request, then one per redirect followed.
    /// Times are milliseconds since the hop began, cumulative as curl -w gives them (time_namelookup, time_connect,
    /// time_appconnect, time_pretransfer, time_starttransfer, time_total); a stage that did not happen on this hop (a
    /// reused connection has no lookup, connect or TLS) is null, and so is every stage but first byte and total where
    /// the runtime cannot see them (Windows PowerShell: no SocketsHttpHandler).
    /// </summary>
    public sealed class HttpHop
    {
        internal HttpHop(int index, string method, Uri uri, int statusCode, string reason, string version,
            IReadOnlyDictionary<string, string> headers, IReadOnlyList<string> setCookie, string? location)
        {
            Index = index;
            Method = method;
            Uri = uri;
            StatusCode = statusCode;
            Reason = reason;
            Version = version;
            Headers = headers;
            SetCookie = setCookie;
            Location = location;
        }

        /// <summary>0 for the first request, then one more per redirect.</summary>
        public int Index { get; }
        public string Method { get; }
        public Uri Uri { get; }
        public int StatusCode { get; }
        public string Reason { get; }
        /// <summary>The HTTP version the response came in: 1.0, 1.1 or 2.</summary>
        public string Version { get; }
        /// <summary>The response's headers (content headers too), a repeated header's values joined by ", " (Set-Cookie: SetCookie).</summary>
        public IReadOnlyDictionary<string, string> Headers { get; }
        /// <summary>The Set-Cookie headers of this response, as sent.</summary>
        public IReadOnlyList<string> SetCookie { get; }
        /// <summary>Where a redirect pointed, as sent (relative or absolute).</summary>
        public string? Location { get; }

        /// <summary>The server's address and port, when the connection was seen.</summary>
        public string? RemoteEndPoint { get; internal set; }
        /// <summary>Which of the session's connections carried this hop (1 = the first it opened); null when not seen.</summary>
        public int? ConnectionId { get; internal set; }
        /// <summary>True when the hop went over a connection an earlier request had opened (keep-alive).</summary>
        public bool? ConnectionReused { get; internal set; }

        public double? NameLookupMs { get; internal set; }
        public double? ConnectMs { get; internal set; }
        /// <summary>The TLS handshake done (curl's time_appconnect).</summary>
        public double? TlsMs { get; internal set; }
        /// <summary>The request written (close to curl's time_pretransfer).</summary>
        public double? RequestSentMs { get; internal set; }
        /// <summary>The first byte of the response (curl's time_starttransfer).</summary>
        public double? FirstByteMs { get; internal set; }
        /// <summary>The response read to its end (for a redirect, its body discarded).</summary>
        public double TotalMs { get; internal set; }

        /// <summary>Tls12, Tls13 … for https; null for http.</summary>
        public string? TlsProtocol { get; internal set; }
        /// <summary>The subject of the server's certificate (https).</summary>
        public string? CertificateSubject { get; internal set; }
        /// <summary>True when the certificate passed the checks (chain, name, dates); false when it was accepted under -SkipCertificateCheck.</summary>
        public bool? CertificateValid { get; internal set; }
        /// <summary>What the checks found wrong, when anything.</summary>
        public string? CertificateProblems { get; internal set; }

        public override string ToString() => $"{StatusCode} {Method} {Uri}";
    }

    /// <summary>
    /// An HTTP exchange as Invoke-HttpRequest returns it: the final response (status, headers, body as text, bytes or
    /// parsed JSON) and every hop that led to it (Hops: each redirect's status, Location, cookies and timings).
    /// </summary>
    public sealed class HttpExchange
    {
        internal HttpExchange(string requestMethod, Uri requestUri, IReadOnlyList<HttpHop> hops, byte[]? rawContent, string? content,
            string? outFile, long contentLength, long wireBytes, TimeSpan elapsed)
        {
            RequestMethod = requestMethod;
            RequestUri = requestUri;
            Hops = hops;
            RawContent = rawContent;
            Content = content;
            OutFile = outFile;
            ContentLength = contentLength;
            WireBytes = wireBytes;
            ElapsedMs = elapsed.TotalMilliseconds;
        }

        private HttpHop Last => Hops[Hops.Count - 1];

        /// <summary>The method of the final request (a 303, or a 301/302 after a POST, turns it into GET).</summary>
        public string Method => Last.Method;
        /// <summary>The method first asked for.</summary>
        public string RequestMethod { get; }
        /// <summary>The URI first asked for.</summary>
        public Uri RequestUri { get; }
        /// <summary>The URI of the final response, after the redirects followed.</summary>
        public Uri Uri => Last.Uri;
        public int StatusCode => Last.StatusCode;
        public string Reason => Last.Reason;
        public string Version => Last.Version;
        public bool IsSuccess => StatusCode >= 200 && StatusCode < 300;
        public IReadOnlyDictionary<string, string> Headers => Last.Headers;
        /// <summary>Where the final response points: a 3xx returned because -MaximumRedirection was reached (0: not followed).</summary>
        public string? Location => Last.Location;
        public string? ContentType => Last.Headers.TryGetValue("Content-Type", out var type) ? type : null;
        /// <summary>How the body came compressed on the wire (gzip, deflate, br); the body here is decompressed.</summary>
        public string? ContentEncoding => Last.Headers.TryGetValue("Content-Encoding", out var encoding) ? encoding : null;
        /// <summary>The body as text (its charset, else UTF-8), for a textual content type; null when it went to -OutFile.</summary>
        public string? Content { get; }
        /// <summary>The body's bytes (decompressed); null when it went to -OutFile.</summary>
        public byte[]? RawContent { get; }
        /// <summary>The body parsed as JSON (objects as dictionaries, arrays as lists), with -ParseJson.</summary>
        public object? Json { get; internal set; }
        /// <summary>The file the body was saved to (-OutFile).</summary>
        public string? OutFile { get; }
        /// <summary>The body's length after decompression (with -Resume, the bytes of this response only).</summary>
        public long ContentLength { get; }
        /// <summary>The body's bytes as they crossed the network (compressed, when compressed).</summary>
        public long WireBytes { get; }
        /// <summary>From the first request to the end of the last body.</summary>
        public double ElapsedMs { get; }
        /// <summary>Every request made for this exchange, the redirects first, the final one last.</summary>
        public IReadOnlyList<HttpHop> Hops { get; }
        public int RedirectCount => Hops.Count - 1;

        public override string ToString() => $"{StatusCode} {Reason} {Uri}";
    }
}
