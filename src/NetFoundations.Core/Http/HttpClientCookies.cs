using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;

namespace NetFoundations.Core.Http
{
    /// <summary>
    /// The session's cookie jar rules (RFC 6265) over a plain list of System.Net.Cookie, so that users see and edit the
    /// very objects that are sent. A cookie whose Domain starts with a dot came with a Domain attribute and goes to that
    /// domain and its subdomains; one without a dot goes to that host only.
    /// </summary>
    internal static class HttpClientCookies
    {
        /// <summary>The most cookies a session keeps (a server that sets more pushes out the oldest).</summary>
        internal const int MaxCookies = 3000;
        /// <summary>The longest Set-Cookie header taken; longer ones are dropped as a browser drops them.</summary>
        internal const int MaxSetCookieLength = 8192;

        /// <summary>The Cookie header for uri, or null when no cookie matches; expired cookies are dropped from the list.</summary>
        public static string? HeaderFor(List<Cookie> jar, Uri uri, DateTime now)
        {
            lock (jar)
            {
                jar.RemoveAll(c => c == null || c.Expired || (c.Expires != DateTime.MinValue && c.Expires.ToUniversalTime() <= now));
                var matching = jar.Where(c => DomainMatches(c.Domain, uri.Host) && PathMatches(c.Path, uri.AbsolutePath)
                        && (!c.Secure || uri.Scheme == Uri.UriSchemeHttps))
                    .OrderByDescending(c => (c.Path ?? "/").Length)
                    .ToList();
                if (matching.Count == 0)
                    return null;
                return string.Join("; ", matching.Select(c => c.Name + "=" + c.Value));
            }
        }

        /// <summary>Takes in the Set-Cookie headers of a response to uri: new cookies added, same name/domain/path replaced, expired removed.</summary>
        public static void Store(List<Cookie> jar, Uri uri, IEnumerable<string> setCookies, DateTime now)
        {
            foreach (var header in setCookies)
            {
                var cookie = Parse(header, uri, now, out var expired);
                if (cookie == null)
                    continue;
                lock (jar)
                {
                    jar.RemoveAll(c => c != null && string.Equals(c.Name, cookie.Name, StringComparison.Ordinal)
                        && string.Equals(c.Domain, cookie.Domain, StringComparison.OrdinalIgnoreCase)
                        && string.Equals(c.Path, cookie.Path, StringComparison.Ordinal));
                    if (expired)
                        continue;
                    jar.Add(cookie);
                    if (jar.Count > MaxCookies)
                        jar.RemoveAt(0);
                }
            }
        }

        /// <summary>One Set-Cookie header as a cookie, or null when it is malformed or names a domain that uri is not in.</summary>
        internal static Cookie? Parse(string header, Uri uri, DateTime now, out bool expired)
        {
            expired = false;
            if (string.IsNullOrEmpty(header) || header.Length > MaxSetCookieLength)
                return null;
            var parts = header.Split(';');
            var pair = parts[0];
            var equals = pair.IndexOf('=');
            if (equals <= 0)
                return null;
            var name = pair.Substring(0, equals).Trim();
            var value = pair.Substring(equals + 1).Trim();
            if (name.Length == 0)
                return null;
            string? domain = null;
            string? path = null;
            DateTime? expires = null;
            long? maxAge = null;
            bool secure = false, httpOnly = false;
            foreach (var part in parts.Skip(1))
            {
                var at = part.IndexOf('=');
                var key = (at < 0 ? part : part.Substring(0, at)).Trim();
                var arg = at < 0 ? string.Empty : part.Substring(at + 1).Trim();
                switch (key.ToLowerInvariant())
                {
                    case "domain":
                        if (arg.Length > 0)
                            domain = arg.TrimStart('.').ToLowerInvariant();
                        break;
                    case "path":
                        if (arg.StartsWith("/", StringComparison.Ordinal))
                            path = arg;
                        break;
                    case "expires":
                        if (TryParseDate(arg, out var date))
                            expires = date;
                        break;
                    case "max-age":
                        if (long.TryParse(arg, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
                            maxAge = seconds;
                        break;
                    case "secure":
                        secure = true;
                        break;
                    case "httponly":
                        httpOnly = true;
                        break;
                }
            }
            var host = uri.Host.ToLowerInvariant();
            if (domain != null && !(host == domain || host.EndsWith("." + domain, StringComparison.Ordinal)))
                return null;
            DateTime expiry = DateTime.MinValue;
            if (maxAge != null)
            {
                expired = maxAge <= 0;
                expiry = expired ? now : now.AddSeconds(Math.Min(maxAge.Value, 400L * 24 * 3600));
            }
            else if (expires != null)
            {
                expired = expires.Value <= now;
                expiry = expires.Value;
            }
            try
            {
                var cookie = new Cookie(name, value, path ?? DefaultPath(uri), domain != null ? "." + domain : host)
                {
                    Secure = secure,
                    HttpOnly = httpOnly,
                };
                if (expiry != DateTime.MinValue && !expired)
                    cookie.Expires = expiry.ToLocalTime();
                return cookie;
            }
            catch (CookieException)
            {
                return null;
            }
        }

        private static bool TryParseDate(string text, out DateTime date)
        {
            var formats = new[] { "r", "ddd, dd-MMM-yyyy HH:mm:ss 'GMT'", "ddd, dd MMM yyyy HH:mm:ss 'GMT'", "dddd, dd-MMM-yy HH:mm:ss 'GMT'", "ddd MMM d HH:mm:ss yyyy" };
            return DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out date)
                || DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out date);
        }

        /// <summary>RFC 6265's default-path: the request path up to its last slash.</summary>
        private static string DefaultPath(Uri uri)
        {
            var path = uri.AbsolutePath;
            var last = path.LastIndexOf('/');
            return last <= 0 ? "/" : path.Substring(0, last);
        }

        private static bool DomainMatches(string? cookieDomain, string host)
        {
            if (string.IsNullOrEmpty(cookieDomain))
                return false;
            host = host.ToLowerInvariant();
            var domain = cookieDomain!.ToLowerInvariant();
            if (domain.StartsWith(".", StringComparison.Ordinal))
                return host == domain.Substring(1) || host.EndsWith(domain, StringComparison.Ordinal);
            return host == domain;
        }

        private static bool PathMatches(string? cookiePath, string requestPath)
        {
            var path = string.IsNullOrEmpty(cookiePath) ? "/" : cookiePath!;
            if (requestPath == path)
                return true;
            return requestPath.StartsWith(path, StringComparison.Ordinal)
                && (path.EndsWith("/", StringComparison.Ordinal) || requestPath[path.Length] == '/');
        }
    }
}
