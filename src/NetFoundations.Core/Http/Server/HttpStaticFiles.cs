using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace NetFoundations.Core.Http
{
    /// <summary>
    /// Files from one folder, never outside it: Content-Type by extension, ETag and Last-Modified, 304 for a client
    /// whose copy is current (If-None-Match, else If-Modified-Since), one byte range (206, or 416 when it lies past the
    /// end; If-Range honoured), index.html for a folder (a folder without its final '/' is redirected to it).
    /// </summary>
    public sealed class HttpStaticFiles
    {
        private static readonly Dictionary<string, string> Types = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [".html"] = "text/html; charset=utf-8",
            [".htm"] = "text/html; charset=utf-8",
            [".txt"] = "text/plain; charset=utf-8",
            [".css"] = "text/css; charset=utf-8",
            [".js"] = "text/javascript; charset=utf-8",
            [".json"] = "application/json",
            [".xml"] = "application/xml",
            [".csv"] = "text/csv; charset=utf-8",
            [".md"] = "text/markdown; charset=utf-8",
            [".png"] = "image/png",
            [".jpg"] = "image/jpeg",
            [".jpeg"] = "image/jpeg",
            [".gif"] = "image/gif",
            [".svg"] = "image/svg+xml",
            [".ico"] = "image/x-icon",
            [".webp"] = "image/webp",
            [".pdf"] = "application/pdf",
            [".zip"] = "application/zip",
            [".gz"] = "application/gzip",
            [".wasm"] = "application/wasm",
        };

        private readonly string root;

        public HttpStaticFiles(string folder)
        {
            var full = Path.GetFullPath(folder);
            if (!Directory.Exists(full))
                throw new InvalidNetworkRequestException($"The static folder {full} does not exist.", full);
            root = full.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) + Path.DirectorySeparatorChar;
        }

        /// <summary>The answer for the request's path, or null when no file of the folder is there.</summary>
        public HttpServerResponse? Answer(HttpServerRequest request)
        {
            var path = request.Path;
            if (path.IndexOf('\0') >= 0 || path.IndexOf('\\') >= 0)
                return null;
            foreach (var segment in path.Split('/'))
            {
                if (segment == "..")
                    return null;
            }
            var local = Path.GetFullPath(Path.Combine(root, path.TrimStart('/').Replace('/', Path.DirectorySeparatorChar)));
            if (!local.StartsWith(root, StringComparison.Ordinal) && local + Path.DirectorySeparatorChar != root)
                return null;
            if (Directory.Exists(local))
            {
                if (!path.EndsWith("/", StringComparison.Ordinal))
                {
                    var query = request.QueryString.Length > 0 ? "?" + request.QueryString : "";
                    return HttpServerResponse.Status(301).AddHeader("Location", EscapePath(path) + "/" + query);
                }
                local = Path.Combine(local, "index.html");
            }
            var file = new FileInfo(local);
            return file.Exists ? File(file, request) : null;
        }

        /// <summary>A file as the answer to a request: 200, 206, 304 or 416, with its validators.</summary>
        public static HttpServerResponse File(FileInfo file, HttpServerRequest? request, string? contentType = null)
        {
            var length = file.Length;
            var modified = file.LastWriteTimeUtc;
            var etag = "\"" + length.ToString("x", CultureInfo.InvariantCulture) + "-" + modified.Ticks.ToString("x", CultureInfo.InvariantCulture) + "\"";
            var lastModified = modified.ToString("r", CultureInfo.InvariantCulture);
            var type = contentType ?? (Types.TryGetValue(file.Extension, out var known) ? known : "application/octet-stream");
            HttpServerResponse Validators(HttpServerResponse response) => response
                .AddHeader("ETag", etag).AddHeader("Last-Modified", lastModified).AddHeader("Accept-Ranges", "bytes");
            if (request != null && NotModified(request, etag, modified))
                return Validators(new HttpServerResponse(304));
            var offset = 0L;
            var count = length;
            var status = 200;
            var range = request?.Header("Range");
            if (range != null && RangeApplies(request!, etag, lastModified))
            {
                var parsed = ParseRange(range, length);
                if (parsed == null)
                    return Validators(HttpServerResponse.Status(416)).AddHeader("Content-Range", $"bytes */{length}");
                if (parsed.Value.Count >= 0)
                {
                    (offset, count) = parsed.Value;
                    status = 206;
                }
            }
            var answer = Validators(new HttpServerResponse(status) { FilePath = file.FullName, FileOffset = offset, FileLength = count })
                .AddHeader("Content-Type", type);
            if (status == 206)
                answer.AddHeader("Content-Range", $"bytes {offset}-{offset + count - 1}/{length}");
            return answer;
        }

        /// <summary>If-None-Match decides when given (RFC 9110 §13.2.2), else If-Modified-Since, to the second.</summary>
        private static bool NotModified(HttpServerRequest request, string etag, DateTime modified)
        {
            var match = request.Header("If-None-Match");
            if (match != null)
            {
                foreach (var tag in match.Split(','))
                {
                    var t = tag.Trim();
                    if (t == "*" || t == etag || t == "W/" + etag)
                        return true;
                }
                return false;
            }
            var since = request.Header("If-Modified-Since");
            return since != null
                && DateTime.TryParseExact(since, "r", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date)
                && modified.Ticks / TimeSpan.TicksPerSecond <= date.Ticks / TimeSpan.TicksPerSecond;
        }

        /// <summary>A Range applies unless an If-Range names another version of the file.</summary>
        private static bool RangeApplies(HttpServerRequest request, string etag, string lastModified)
        {
            var ifRange = request.Header("If-Range");
            return ifRange == null || ifRange == etag || ifRange == lastModified;
        }

        /// <summary>
        /// One "bytes=" range as (offset, count); (0, -1) to ignore the header (another unit, several ranges, or
        /// syntax this server does not take — the whole file is then sent, as RFC 9110 allows); null when unsatisfiable.
        /// </summary>
        private static (long Offset, long Count)? ParseRange(string header, long length)
        {
            var ignore = ((long, long)?)(0L, -1L);
            if (!header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) || header.IndexOf(',') >= 0)
                return ignore;
            var spec = header.Substring(6).Trim();
            var dash = spec.IndexOf('-');
            if (dash < 0)
                return ignore;
            var first = spec.Substring(0, dash).Trim();
            var last = spec.Substring(dash + 1).Trim();
            if (first.Length == 0)
            {
                if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix))
                    return ignore;
                if (suffix == 0 || length == 0)
                    return null;
                var take = Math.Min(suffix, length);
                return (length - take, take);
            }
            if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var from))
                return ignore;
            var to = length - 1;
            if (last.Length > 0 && (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out to) || to < from))
                return ignore;
            if (from >= length)
                return null;
            to = Math.Min(to, length - 1);
            return (from, to - from + 1);
        }

        private static string EscapePath(string path) => Uri.EscapeUriString(path);
    }
}
