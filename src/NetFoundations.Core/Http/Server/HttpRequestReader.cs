using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading.Tasks;

namespace NetFoundations.Core.Http
{
    /// <summary>A request refused before its handler saw it: the status to answer with, and the violation the connection is closed for.</summary>
    internal sealed class HttpRequestRejected : Exception
    {
        public HttpRequestRejected(int statusCode, ProtocolViolationException violation)
            : base(violation.Message, violation)
        {
            StatusCode = statusCode;
            Violation = violation;
        }

        public int StatusCode { get; }
        public ProtocolViolationException Violation { get; }
    }

    /// <summary>The request line and headers of one request, and how its body is framed.</summary>
    internal sealed class HttpRequestHead
    {
        public string Method = "";
        public string Target = "";
        public string Version = "";
        public List<KeyValuePair<string, string>> Headers = new List<KeyValuePair<string, string>>();
        public long ContentLength;
        public bool Chunked;
        public bool ExpectsContinue;
        /// <summary>The client asked to close after this request (Connection: close, or HTTP/1.0 without keep-alive).</summary>
        public bool WantsClose;
    }

    /// <summary>
    /// Reads requests from one connection (RFC 9112), each bound enforced as the bytes come: the request line, the header
    /// count and section size, the body by Content-Length or chunks (and a chunked body's trailers). What breaks a bound or
    /// the syntax is an HttpRequestRejected with the status to answer; the connection is closed after it. Bytes after
    /// one request stay buffered for the next (pipelining).
    /// </summary>
    internal sealed class HttpRequestReader
    {
        private const int InitialBuffer = 16 * 1024;
        private const int MaxChunkLine = 1024;
        private static readonly Encoding Latin1 = Encoding.GetEncoding("iso-8859-1");

        private readonly Stream stream;
        private readonly HttpServerOptions limits;
        private readonly string peer;
        private byte[] buffer = new byte[InitialBuffer];
        private int start;
        private int end;

        public HttpRequestReader(Stream stream, HttpServerOptions limits, string peer)
        {
            this.stream = stream;
            this.limits = limits;
            this.peer = peer;
        }

        /// <summary>Bytes read from the socket in total (the server's received counter).</summary>
        public long BytesRead { get; private set; }

        /// <summary>The next request's head; null when the client closed the connection between requests.</summary>
        public async Task<HttpRequestHead?> ReadHeadAsync()
        {
            string? line;
            // A client may send empty lines before a request (RFC 9112 §2.2): skipped, a few only.
            var empty = 0;
            do
            {
                line = await ReadLineAsync(limits.MaxRequestLineBytes, true, () => Reject(414,
                    $"sent a request line longer than the limit of {limits.MaxRequestLineBytes} bytes")).ConfigureAwait(false);
                if (line == null)
                    return null;
            }
            while (line.Length == 0 && ++empty < 4);
            var head = new HttpRequestHead();
            ParseRequestLine(line, head);
            var headerBytes = 0;
            await ReadFieldsAsync(head.Headers, headerBytes, "header").ConfigureAwait(false);
            Frame(head);
            return head;
        }

        /// <summary>The body the head announced, whole, within the body limit.</summary>
        public async Task<byte[]> ReadBodyAsync(HttpRequestHead head)
        {
            if (!head.Chunked)
                return head.ContentLength == 0 ? Array.Empty<byte>() : await ReadExactlyAsync((int)head.ContentLength).ConfigureAwait(false);
            var body = new MemoryStream();
            while (true)
            {
                var line = await ReadLineAsync(MaxChunkLine, false, () => Reject(400, $"sent a chunk-size line longer than {MaxChunkLine} bytes")).ConfigureAwait(false)
                    ?? throw Cut();
                var semicolon = line.IndexOf(';');
                var hex = (semicolon < 0 ? line : line.Substring(0, semicolon)).Trim();
                if (hex.Length == 0 || hex.Length > 15 || !long.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size))
                    throw Reject(400, $"sent \"{Printable(line)}\" where a chunk size was expected");
                if (size == 0)
                    break;
                if (body.Length + size > limits.MaxBodyBytes)
                    throw Reject(413, $"sent a chunked body larger than the limit of {limits.MaxBodyBytes} bytes");
                var chunk = await ReadExactlyAsync((int)size).ConfigureAwait(false);
                body.Write(chunk, 0, chunk.Length);
                var after = await ReadLineAsync(2, false, () => Reject(400, "sent a chunk longer than its size")).ConfigureAwait(false) ?? throw Cut();
                if (after.Length != 0)
                    throw Reject(400, "sent a chunk longer than its size");
            }
            // Trailers are read (and bounded as headers are), then dropped: nothing here needs them.
            await ReadFieldsAsync(new List<KeyValuePair<string, string>>(), 0, "trailer").ConfigureAwait(false);
            return body.ToArray();
        }

        /// <summary>
        /// After a refusal: reads and drops what the client still sends, up to a bound and as long as it keeps sending,
        /// so that closing does not reset the connection before the client has read the refusal.
        /// </summary>
        public async Task DrainAsync(int maxBytes)
        {
            var scratch = new byte[16 * 1024];
            for (var total = 0; total < maxBytes;)
            {
                var read = await stream.ReadAsync(scratch, 0, scratch.Length).ConfigureAwait(false);
                if (read == 0)
                    return;
                total += read;
            }
        }

        private void ParseRequestLine(string line, HttpRequestHead head)
        {
            var first = line.IndexOf(' ');
            var last = line.LastIndexOf(' ');
            if (first <= 0 || last <= first)
                throw Reject(400, $"sent \"{Printable(line)}\", which is not a request line (method, target, version)");
            head.Method = line.Substring(0, first);
            head.Target = line.Substring(first + 1, last - first - 1);
            head.Version = line.Substring(last + 1);
            if (!HttpServerStatus.IsToken(head.Method) || head.Target.Length == 0 || head.Target.IndexOf(' ') >= 0)
                throw Reject(400, $"sent \"{Printable(line)}\", which is not a request line (method, target, version)");
            if (head.Version != "HTTP/1.1" && head.Version != "HTTP/1.0")
            {
                if (head.Version.StartsWith("HTTP/", StringComparison.Ordinal) && head.Version.Length == 8 && char.IsDigit(head.Version[5]) && char.IsDigit(head.Version[7]))
                    throw Reject(505, $"asked for {head.Version}; this server speaks HTTP/1.1 and HTTP/1.0");
                throw Reject(400, $"sent \"{Printable(line)}\", whose version is not HTTP/1.x");
            }
            var target = head.Target;
            if (!(target[0] == '/' || target == "*" || target.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
                || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
                throw Reject(400, $"sent the request target \"{Printable(target)}\", which is neither a path nor an absolute URL");
        }

        /// <summary>Header (or trailer) lines up to the empty line, within the count and section-size bounds.</summary>
        private async Task ReadFieldsAsync(List<KeyValuePair<string, string>> fields, int used, string kind)
        {
            while (true)
            {
                var room = limits.MaxHeaderBytes - used;
                var line = await ReadLineAsync(Math.Max(0, room - 2), false, () => Reject(431,
                    $"sent {kind}s larger than the limit of {limits.MaxHeaderBytes} bytes")).ConfigureAwait(false) ?? throw Cut();
                used += line.Length + 2;
                if (line.Length == 0)
                    return;
                if (fields.Count == limits.MaxHeaderCount)
                    throw Reject(431, $"sent more {kind}s than the limit of {limits.MaxHeaderCount}");
                if (line[0] == ' ' || line[0] == '\t')
                    throw Reject(400, $"sent a folded {kind} line (obsolete line folding is refused)");
                var colon = line.IndexOf(':');
                var name = colon <= 0 ? "" : line.Substring(0, colon);
                if (!HttpServerStatus.IsToken(name))
                    throw Reject(400, $"sent \"{Printable(line)}\", which is not a {kind} (name: value)");
                fields.Add(new KeyValuePair<string, string>(name, line.Substring(colon + 1).Trim(' ', '\t')));
            }
        }

        /// <summary>How the body is framed, and whether the connection stays open (RFC 9112 §6, §9.3).</summary>
        private void Frame(HttpRequestHead head)
        {
            string? length = null, transfer = null, connection = null, host = null;
            var hosts = 0;
            foreach (var header in head.Headers)
            {
                var name = header.Key;
                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    if (length != null && length != header.Value)
                        throw Reject(400, "sent two different Content-Length headers");
                    length = header.Value;
                }
                else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                    transfer = transfer == null ? header.Value : transfer + ", " + header.Value;
                else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                    connection = connection == null ? header.Value : connection + ", " + header.Value;
                else if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
                {
                    host = header.Value;
                    hosts++;
                }
                else if (name.Equals("Expect", StringComparison.OrdinalIgnoreCase))
                {
                    if (!header.Value.Equals("100-continue", StringComparison.OrdinalIgnoreCase))
                        throw Reject(417, $"expects \"{Printable(header.Value)}\", which this server does not meet");
                    head.ExpectsContinue = true;
                }
            }
            var http11 = head.Version == "HTTP/1.1";
            if (hosts > 1 || (http11 && hosts == 0))
                throw Reject(400, hosts == 0 ? "sent an HTTP/1.1 request without a Host header" : "sent more than one Host header");
            var tokens = (connection ?? "").ToLowerInvariant().Split(',');
            head.WantsClose = http11 ? Array.Exists(tokens, t => t.Trim() == "close") : !Array.Exists(tokens, t => t.Trim() == "keep-alive");
            if (transfer != null)
            {
                // Both framings at once is how requests are smuggled past proxies: refused (RFC 9112 §6.3).
                if (length != null)
                    throw Reject(400, "sent both Transfer-Encoding and Content-Length");
                if (!http11)
                    throw Reject(400, "sent Transfer-Encoding in an HTTP/1.0 request");
                if (!transfer.Trim().Equals("chunked", StringComparison.OrdinalIgnoreCase))
                    throw Reject(501, $"sent the transfer coding \"{Printable(transfer)}\"; only chunked is understood");
                head.Chunked = true;
                return;
            }
            if (length == null)
                return;
            if (length.Length == 0 || length.Length > 19 || !IsDigits(length) || !long.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                throw Reject(400, $"sent the Content-Length \"{Printable(length)}\", which is not a number of bytes");
            if (count > limits.MaxBodyBytes)
                throw Reject(413, $"announced a body of {count} bytes, larger than the limit of {limits.MaxBodyBytes} bytes");
            head.ContentLength = count;
        }

        /// <summary>
        /// One line without its end (CR LF, or a bare LF), decoded as Latin-1 so that every byte survives; more than max
        /// bytes before its end calls tooLong. Null when the stream ends before the line's first byte and atStart says
        /// that is a clean end.
        /// </summary>
        private async Task<string?> ReadLineAsync(int max, bool atStart, Func<Exception> tooLong)
        {
            var scanned = start;
            while (true)
            {
                var lf = Array.IndexOf(buffer, (byte)'\n', scanned, end - scanned);
                if (lf >= 0)
                {
                    var lineEnd = lf > start && buffer[lf - 1] == '\r' ? lf - 1 : lf;
                    if (lineEnd - start > max)
                        throw tooLong();
                    var line = Latin1.GetString(buffer, start, lineEnd - start);
                    start = lf + 1;
                    return line;
                }
                // Without its end the line is already too long when it has more than max bytes and a CR.
                if (end - start > max + 1)
                    throw tooLong();
                scanned = end;
                var pending = end - start;
                if (!await FillAsync(max + 2).ConfigureAwait(false))
                {
                    if (pending == 0 && atStart)
                        return null;
                    throw Cut();
                }
                scanned = start + pending;
            }
        }

        /// <summary>count bytes, from the buffer first, then straight from the stream.</summary>
        private async Task<byte[]> ReadExactlyAsync(int count)
        {
            var bytes = new byte[count];
            var have = Math.Min(count, end - start);
            Buffer.BlockCopy(buffer, start, bytes, 0, have);
            start += have;
            while (have < count)
            {
                var read = await stream.ReadAsync(bytes, have, count - have).ConfigureAwait(false);
                if (read == 0)
                    throw Cut();
                BytesRead += read;
                have += read;
            }
            return bytes;
        }

        /// <summary>Reads more into the buffer (kept from start, room for a line of want bytes); false at the stream's end.</summary>
        private async Task<bool> FillAsync(int want)
        {
            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end == buffer.Length)
                Array.Resize(ref buffer, buffer.Length * 2);
            var read = await stream.ReadAsync(buffer, end, buffer.Length - end).ConfigureAwait(false);
            if (read == 0)
                return false;
            BytesRead += read;
            end += read;
            return true;
        }

        private HttpRequestRejected Reject(int status, string what) =>
            new HttpRequestRejected(status, new ProtocolViolationException($"{peer} {what}.", peer));

        private ProtocolViolationException Cut() =>
            new ProtocolViolationException($"{peer} closed the connection inside a request.", peer);

        private static bool IsDigits(string text)
        {
            foreach (var c in text)
            {
                if (c < '0' || c > '9')
                    return false;
            }
            return true;
        }

        /// <summary>What a client sent, for a message: bounded, control characters escaped.</summary>
        internal static string Printable(string text)
        {
            var shown = new StringBuilder();
            foreach (var c in text.Length > 80 ? text.Substring(0, 80) : text)
                shown.Append(c >= 0x20 && c < 0x7f ? c.ToString() : $"\\x{(int)c:x2}");
            if (text.Length > 80)
                shown.Append("…");
            return shown.ToString();
        }
    }
}
