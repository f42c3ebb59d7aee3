using System;
using System.Collections.Generic;
using System.Text;

namespace NetFoundations.Core.Http
{
    /// <summary>
    /// What a handler answers: a status, headers and a body — bytes in memory, or a part of a file the server streams
    /// (FilePath, FileOffset, FileLength). The server adds Date, Content-Length and Connection itself; a HEAD request
    /// gets the headers without the body.
    /// </summary>
    public sealed class HttpServerResponse
    {
        private readonly List<KeyValuePair<string, string>> headers = new List<KeyValuePair<string, string>>();

        public HttpServerResponse(int statusCode)
        {
            if (statusCode < 100 || statusCode > 999)
                throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "An HTTP status has three digits.");
            StatusCode = statusCode;
            ReasonPhrase = HttpServerStatus.Reason(statusCode);
        }

        public int StatusCode { get; }
        public string ReasonPhrase { get; set; }
        /// <summary>The body in memory; empty for none (or when a file is the body).</summary>
        public byte[] Body { get; set; } = Array.Empty<byte>();
        /// <summary>A file whose bytes FileOffset to FileOffset+FileLength are the body, streamed; null for a body in memory.</summary>
        public string? FilePath { get; set; }
        public long FileOffset { get; set; }
        public long FileLength { get; set; }
        /// <summary>The body's length, in memory or from the file.</summary>
        public long ContentLength => FilePath != null ? FileLength : Body.Length;
        public IReadOnlyList<KeyValuePair<string, string>> Headers => headers;

        /// <summary>Adds a header (the server's own Content-Length, Date and Connection are not given here).</summary>
        public HttpServerResponse AddHeader(string name, string value)
        {
            if (!HttpServerStatus.IsToken(name))
                throw new ArgumentException($"\"{name}\" is not a header name.", nameof(name));
            if (value.IndexOf('\r') >= 0 || value.IndexOf('\n') >= 0)
                throw new ArgumentException($"The value of the {name} header holds a line break.", nameof(value));
            headers.Add(new KeyValuePair<string, string>(name, value));
            return this;
        }

        /// <summary>A header's first value, or null.</summary>
        public string? Header(string name)
        {
            foreach (var header in headers)
            {
                if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
                    return header.Value;
            }
            return null;
        }

        public bool HasHeader(string name) => Header(name) != null;

        /// <summary>A text body (UTF-8) with its Content-Type ("text/plain; charset=utf-8" unless given).</summary>
        public static HttpServerResponse Text(int statusCode, string text, string contentType = "text/plain; charset=utf-8") =>
            new HttpServerResponse(statusCode) { Body = Encoding.UTF8.GetBytes(text) }.AddHeader("Content-Type", contentType);

        /// <summary>A body of bytes ("application/octet-stream" unless given).</summary>
        public static HttpServerResponse Bytes(int statusCode, byte[] body, string contentType = "application/octet-stream") =>
            new HttpServerResponse(statusCode) { Body = body ?? Array.Empty<byte>() }.AddHeader("Content-Type", contentType);

        /// <summary>A status with its reason as the text body (the book's "404 Not Found").</summary>
        public static HttpServerResponse Status(int statusCode) => Text(statusCode, $"{statusCode} {HttpServerStatus.Reason(statusCode)}");

        public override string ToString() => $"{StatusCode} {ReasonPhrase}";
    }

    /// <summary>Reason phrases and the token rule of header names.</summary>
    public static class HttpServerStatus
    {
        public static string Reason(int statusCode) => statusCode switch
        {
            100 => "Continue",
            200 => "OK",
            201 => "Created",
            202 => "Accepted",
            204 => "No Content",
            206 => "Partial Content",
            301 => "Moved Permanently",
            302 => "Found",
            303 => "See Other",
            304 => "Not Modified",
            307 => "Temporary Redirect",
            308 => "Permanent Redirect",
            400 => "Bad Request",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            408 => "Request Timeout",
            409 => "Conflict",
            411 => "Length Required",
            412 => "Precondition Failed",
            413 => "Content Too Large",
            414 => "URI Too Long",
            415 => "Unsupported Media Type",
            416 => "Range Not Satisfiable",
            417 => "Expectation Failed",
            422 => "Unprocessable Content",
            429 => "Too Many Requests",
            431 => "Request Header Fields Too Large",
            500 => "Internal Server Error",
            501 => "Not Implemented",
            502 => "Bad Gateway",
            503 => "Service Unavailable",
            505 => "HTTP Version Not Supported",
            _ => statusCode < 200 ? "Informational" : statusCode < 300 ? "Success" : statusCode < 400 ? "Redirection" : statusCode < 500 ? "Client Error" : "Server Error",
        };

        /// <summary>RFC 9110's token: what a method or a header name is made of.</summary>
        public static bool IsToken(string? text)
        {
            if (string.IsNullOrEmpty(text))
                return false;
            foreach (var c in text!)
            {
                if (c <= 0x20 || c >= 0x7f || "\"(),/:;<=>?@[\\]{}".IndexOf(c) >= 0)
                    return false;
            }
            return true;
        }
    }
}
