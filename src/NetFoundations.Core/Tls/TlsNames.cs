using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace NetFoundations.Core.Tls
{
    /// <summary>A certificate's names (subjectAltName) and whether a server name matches them (RFC 6125).</summary>
    internal static class TlsNames
    {
        private const string SubjectAltNameOid = "2.5.29.17";

        /// <summary>The DNS names and IP addresses of the subjectAltName extension, as text.</summary>
        public static string[] SubjectAlternativeNames(X509Certificate2 certificate)
        {
            Read(certificate, out var dnsNames, out var addresses);
            return dnsNames.Concat(addresses.Select(a => a.ToString())).ToArray();
        }

        public static bool Matches(X509Certificate2 certificate, string serverName)
        {
            Read(certificate, out var dnsNames, out var addresses);
            var name = serverName.Trim().TrimEnd('.');
            if (IPAddress.TryParse(name.TrimStart('[').TrimEnd(']'), out var address))
                return addresses.Any(a => a.Equals(address));
            // Like OpenSSL and browsers: the subject's CN counts only when there is no DNS name.
            var patterns = dnsNames.Count > 0
                ? dnsNames
                : new List<string> { certificate.GetNameInfo(X509NameType.SimpleName, false) ?? string.Empty };
            var host = ToAscii(name);
            return patterns.Any(pattern => MatchesPattern(pattern.TrimEnd('.'), host));
        }

        /// <summary>Exact match, or "*.rest" matching exactly one leftmost label over a name with at least two labels.</summary>
        private static bool MatchesPattern(string pattern, string host)
        {
            if (!pattern.StartsWith("*.", StringComparison.Ordinal))
                return string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);
            var rest = pattern.Substring(2);
            var firstDot = host.IndexOf('.');
            return rest.IndexOf('.') > 0 && firstDot > 0
                && string.Equals(host.Substring(firstDot + 1), rest, StringComparison.OrdinalIgnoreCase);
        }

        private static string ToAscii(string name)
        {
            try { return new IdnMapping().GetAscii(name); }
            catch (ArgumentException) { return name; }
        }

        // The extension is SEQUENCE OF GeneralName; dNSName is [2] IA5String, iPAddress is [7] OCTET STRING.
        private static void Read(X509Certificate2 certificate, out List<string> dnsNames, out List<IPAddress> addresses)
        {
            dnsNames = new List<string>();
            addresses = new List<IPAddress>();
            var extension = certificate.Extensions.Cast<X509Extension>().FirstOrDefault(e => e.Oid?.Value == SubjectAltNameOid);
            if (extension == null)
                return;
            var der = extension.RawData;
            var position = 0;
            if (!ReadHeader(der, ref position, out var tag, out var length) || tag != 0x30)
                return;
            var end = Math.Min(der.Length, position + length);
            while (position < end && ReadHeader(der, ref position, out tag, out length) && position + length <= end)
            {
                if (tag == 0x82)
                    dnsNames.Add(Encoding.ASCII.GetString(der, position, length));
                else if (tag == 0x87 && (length == 4 || length == 16))
                {
                    var bytes = new byte[length];
                    Array.Copy(der, position, bytes, 0, length);
                    addresses.Add(new IPAddress(bytes));
                }
                position += length;
            }
        }

        private static bool ReadHeader(byte[] der, ref int position, out int tag, out int length)
        {
            tag = 0;
            length = 0;
            if (position + 2 > der.Length)
                return false;
            tag = der[position++];
            int first = der[position++];
            if (first < 0x80)
            {
                length = first;
                return true;
            }
            var count = first & 0x7f;
            if (count == 0 || count > 3 || position + count > der.Length)
                return false;
            for (var i = 0; i < count; i++)
                length = (length << 8) | der[position++];
            return true;
        }
    }
}
