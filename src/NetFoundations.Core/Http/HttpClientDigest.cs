using System;
using System.Collections.Generic;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace NetFoundations.Core.Http
{
    /// <summary>
    /// HTTP Digest authentication (RFC 7616) from the client side: the answer to one WWW-Authenticate: Digest challenge,
    /// with qop=auth (or none, RFC 2069 style) and MD5 or SHA-256. The password never crosses the network.
    /// </summary>
    internal static class HttpClientDigest
    {
        /// <summary>The Authorization header answering challenge for method and uri, or null when the challenge is not one we can answer.</summary>
        public static string? Answer(string challenge, NetworkCredential credential, string method, Uri uri) =>
            Answer(challenge, credential, method, uri, Hex(RandomBytes(8)));

        /// <summary>As the other overload, with the client nonce given (tests check RFC 2617's own example with it).</summary>
        internal static string? Answer(string challenge, NetworkCredential credential, string method, Uri uri, string cnonce)
        {
            var fields = ParseChallenge(challenge);
            if (fields == null || !fields.TryGetValue("nonce", out var nonce))
                return null;
            fields.TryGetValue("realm", out var realm);
            realm ??= string.Empty;
            fields.TryGetValue("algorithm", out var algorithm);
            algorithm ??= "MD5";
            Func<string, string> hash;
            switch (algorithm.ToUpperInvariant())
            {
                case "MD5":
                    hash = text => Hex(MD5Hash(text));
                    break;
                case "SHA-256":
                    hash = text => Hex(Sha256Hash(text));
                    break;
                default:
                    return null;
            }
            fields.TryGetValue("qop", out var qopOffered);
            string? qop = null;
            if (qopOffered != null)
            {
                foreach (var option in qopOffered.Split(','))
                    if (string.Equals(option.Trim(), "auth", StringComparison.OrdinalIgnoreCase))
                        qop = "auth";
                if (qop == null)
                    return null;   // auth-int only: not offered here
            }
            var path = uri.PathAndQuery;
            var ha1 = hash($"{credential.UserName}:{realm}:{credential.Password}");
            var ha2 = hash($"{method}:{path}");
            const string count = "00000001";
            var response = qop == null ? hash($"{ha1}:{nonce}:{ha2}") : hash($"{ha1}:{nonce}:{count}:{cnonce}:{qop}:{ha2}");
            var header = new StringBuilder("Digest ");
            header.Append($"username=\"{Quote(credential.UserName)}\", realm=\"{Quote(realm)}\", nonce=\"{Quote(nonce)}\", uri=\"{Quote(path)}\", ");
            header.Append($"algorithm={algorithm}, response=\"{response}\"");
            if (qop != null)
                header.Append($", qop={qop}, nc={count}, cnonce=\"{cnonce}\"");
            if (fields.TryGetValue("opaque", out var opaque))
                header.Append($", opaque=\"{Quote(opaque)}\"");
            return header.ToString();
        }

        /// <summary>The name=value pairs of a Digest challenge (quoted or not), or null when it is not Digest.</summary>
        internal static Dictionary<string, string>? ParseChallenge(string challenge)
        {
            var text = challenge.Trim();
            if (!text.StartsWith("Digest ", StringComparison.OrdinalIgnoreCase))
                return null;
            var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var i = "Digest ".Length;
            while (i < text.Length)
            {
                while (i < text.Length && (text[i] == ' ' || text[i] == ','))
                    i++;
                var equals = text.IndexOf('=', i);
                if (equals < 0)
                    break;
                var name = text.Substring(i, equals - i).Trim();
                i = equals + 1;
                string value;
                if (i < text.Length && text[i] == '"')
                {
                    var builder = new StringBuilder();
                    i++;
                    while (i < text.Length && text[i] != '"')
                    {
                        if (text[i] == '\\' && i + 1 < text.Length)
                            i++;
                        builder.Append(text[i++]);
                    }
                    i++;
                    value = builder.ToString();
                }
                else
                {
                    var end = text.IndexOf(',', i);
                    if (end < 0)
                        end = text.Length;
                    value = text.Substring(i, end - i).Trim();
                    i = end;
                }
                fields[name] = value;
            }
            return fields;
        }

        private static string Quote(string text) => text.Replace("\\", "\\\\").Replace("\"", "\\\"");

        private static byte[] MD5Hash(string text)
        {
            using var md5 = MD5.Create();
            return md5.ComputeHash(Encoding.UTF8.GetBytes(text));
        }

        private static byte[] Sha256Hash(string text)
        {
            using var sha = SHA256.Create();
            return sha.ComputeHash(Encoding.UTF8.GetBytes(text));
        }

        private static byte[] RandomBytes(int count)
        {
            var bytes = new byte[count];
            using var random = RandomNumberGenerator.Create();
            random.GetBytes(bytes);
            return bytes;
        }

        private static string Hex(byte[] bytes)
        {
            var text = new StringBuilder(bytes.Length * 2);
            foreach (var b in bytes)
                text.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            return text.ToString();
        }
    }
}
