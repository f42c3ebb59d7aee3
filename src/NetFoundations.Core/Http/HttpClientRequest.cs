using System;
using System.Collections.Generic;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading;

namespace NetFoundations.Core.Http
{
    /// <summary>How the server asks to be authenticated, when a credential is given.</summary>
    public enum HttpAuthentication
    {
        /// <summary>Sent with the first request to the URI's origin (as curl -u and Python requests do).</summary>
        Basic,
        /// <summary>Sent only in answer to the server's Digest challenge (a 401), which the hops show.</summary>
        Digest,
    }

    /// <summary>What a session is made with: its trust, its credential and the bounds of what its servers send.</summary>
    public sealed class HttpClientSessionOptions
    {
        public const int DefaultMaximumHeaderBytes = 64 * 1024;

        /// <summary>When given, the only roots trusted (a PEM bundle); else the system's store.</summary>
        public X509Certificate2Collection? TrustedAuthorities { get; set; }
        public bool SkipCertificateCheck { get; set; }
        public NetworkCredential? Credential { get; set; }
        public HttpAuthentication Authentication { get; set; } = HttpAuthentication.Basic;
        /// <summary>Lets the credential go over http:// (in clear for Basic).</summary>
        public bool AllowUnencryptedAuthentication { get; set; }
        /// <summary>The most bytes of one response's status line and headers (the runtime counts them in whole KiB).</summary>
        public int MaximumHeaderBytes { get; set; } = DefaultMaximumHeaderBytes;
        public IDictionary<string, string>? Headers { get; set; }
    }

    /// <summary>A request body: bytes in memory, or a file read again for each hop that sends it (307/308).</summary>
    public sealed class HttpClientBody
    {
        private HttpClientBody(byte[]? bytes, string? path, string contentType)
        {
            Bytes = bytes;
            Path = path;
            ContentType = contentType;
        }

        public byte[]? Bytes { get; }
        public string? Path { get; }
        public string ContentType { get; }

        public static HttpClientBody FromBytes(byte[] bytes, string contentType) => new HttpClientBody(bytes, null, contentType);
        public static HttpClientBody FromFile(string path, string contentType) => new HttpClientBody(null, path, contentType);
    }

    /// <summary>How far a body has come, for a progress bar that reads it on its own clock (ProgressTicker).</summary>
    public sealed class HttpTransferProgress
    {
        private long done;
        private long total = -1;

        public long BytesDone => Interlocked.Read(ref done);
        /// <summary>The body's announced length; negative while unknown.</summary>
        public long BytesTotal => Interlocked.Read(ref total);
        internal void Add(long bytes) => Interlocked.Add(ref done, bytes);
        internal void Start(long already, long announced)
        {
            Interlocked.Exchange(ref done, already);
            Interlocked.Exchange(ref total, announced);
        }
    }

    /// <summary>One call of Invoke-HttpRequest: what to send, where the body goes, and the bounds.</summary>
    public sealed class HttpClientRequest
    {
        public const long DefaultMaximumBodyBytes = 64L << 20;
        public const long DefaultMaximumFileBytes = 64L << 30;
        public const int DefaultMaximumRedirection = 10;

        public HttpClientRequest(Uri uri, string method)
        {
            if (uri == null || !uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                throw new InvalidNetworkRequestException($"{uri} is not an http:// or https:// URI.", uri?.ToString());
            Uri = uri;
            Method = string.IsNullOrEmpty(method) ? "GET" : method.ToUpperInvariant();
        }

        public Uri Uri { get; }
        public string Method { get; }
        /// <summary>Headers of this request; they win over the session's.</summary>
        public IDictionary<string, string>? Headers { get; set; }
        public HttpClientBody? Body { get; set; }
        /// <summary>Overrides the session's credential for this request.</summary>
        public NetworkCredential? Credential { get; set; }
        public HttpAuthentication? Authentication { get; set; }
        public bool AllowUnencryptedAuthentication { get; set; }
        /// <summary>Redirects followed; 0 returns a 3xx as it came, with its Location.</summary>
        public int MaximumRedirection { get; set; } = DefaultMaximumRedirection;
        /// <summary>A final 4xx or 5xx becomes a RemoteErrorException (with the exchange) instead of data.</summary>
        public bool FailOnErrorStatus { get; set; }
        /// <summary>The most bytes of a body read, after decompression (a gzip bomb stops here) and on the wire.</summary>
        public long MaximumBodyBytes { get; set; } = DefaultMaximumBodyBytes;
        /// <summary>The whole exchange, every hop and the last body, ends by then.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
        /// <summary>A 2xx body goes to this file, through OutFile + ".partial", renamed when complete.</summary>
        public string? OutFile { get; set; }
        /// <summary>Continue OutFile's .partial file with a Range request.</summary>
        public bool Resume { get; set; }
        public bool ParseJson { get; set; }
        public HttpTransferProgress? Progress { get; set; }

        internal string Target => Uri.GetLeftPart(UriPartial.Path);
    }
}
