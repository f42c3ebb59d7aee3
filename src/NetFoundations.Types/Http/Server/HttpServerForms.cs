using System;
using System.Collections;
using System.Collections.Generic;
using System.Text;

namespace NetFoundations.Core.Http
{
    /// <summary>Decoding what a request carries in text: percent-encoding, query strings and forms, media types, hosts.</summary>
    internal static class HttpServerForms
    {
        /// <summary>name=value pairs joined by '&amp;', '+' for a space, percent-decoded as UTF-8; a repeated name's values become an array.</summary>
        public static Hashtable Parse(string text)
        {
            var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
            if (string.IsNullOrEmpty(text))
                return table;
            foreach (var pair in text.Split('&'))
            {
                if (pair.Length == 0)
                    continue;
                var equals = pair.IndexOf('=');
                var name = Decode(equals < 0 ? pair : pair.Substring(0, equals), true);
                var value = equals < 0 ? "" : Decode(pair.Substring(equals + 1), true);
                table[name] = table[name] switch
                {
                    null => value,
                    string one => new object[] { one, value },
                    object[] many => Append(many, value),
                    _ => value,
                };
            }
            return table;
        }

        /// <summary>Percent-decoding as UTF-8 (an invalid escape stays as it was); with plusIsSpace, '+' is a space (forms and queries).</summary>
        public static string Decode(string text, bool plusIsSpace)
        {
            if (text.IndexOf('%') < 0 && (!plusIsSpace || text.IndexOf('+') < 0))
                return text;
            var bytes = new List<byte>(text.Length);
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '+' && plusIsSpace)
                    bytes.Add((byte)' ');
                else if (c == '%' && i + 2 < text.Length && Hex(text[i + 1]) >= 0 && Hex(text[i + 2]) >= 0)
                {
                    bytes.Add((byte)(Hex(text[i + 1]) * 16 + Hex(text[i + 2])));
                    i += 2;
                }
                else
                    bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
            return Encoding.UTF8.GetString(bytes.ToArray());
        }

        /// <summary>"text/html; charset=utf-8" → "text/html", lower-cased.</summary>
        public static string MediaType(string contentType)
        {
            var semicolon = contentType.IndexOf(';');
            return (semicolon < 0 ? contentType : contentType.Substring(0, semicolon)).Trim().ToLowerInvariant();
        }

        /// <summary>The charset a Content-Type names, or UTF-8 (also for a charset this runtime does not know).</summary>
        public static Encoding Charset(string? contentType)
        {
            if (contentType != null)
            {
                foreach (var part in contentType.Split(';'))
                {
                    var p = part.Trim();
                    if (p.StartsWith("charset=", StringComparison.OrdinalIgnoreCase))
                    {
                        try
                        {
                            return Encoding.GetEncoding(p.Substring(8).Trim('"', ' '));
                        }
                        catch (ArgumentException)
                        {
                        }
                    }
                }
            }
            return new UTF8Encoding(false);
        }

        /// <summary>"Example.com:8080" → "example.com"; "[::1]:80" → "::1".</summary>
        public static string HostWithoutPort(string host)
        {
            host = host.Trim();
            if (host.StartsWith("[", StringComparison.Ordinal))
            {
                var close = host.IndexOf(']');
                return (close < 0 ? host.Substring(1) : host.Substring(1, close - 1)).ToLowerInvariant();
            }
            var colon = host.IndexOf(':');
            return (colon < 0 ? host : host.Substring(0, colon)).ToLowerInvariant();
        }

        private static object[] Append(object[] many, string value)
        {
            var more = new object[many.Length + 1];
            many.CopyTo(more, 0);
            more[many.Length] = value;
            return more;
        }

        private static int Hex(char c) =>
            c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }
}
