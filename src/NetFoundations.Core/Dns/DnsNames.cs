using System;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NetFoundations.Core.Dns
{
    /// <summary>Name helpers: display form, comparison and reverse (PTR) names.</summary>
    public static class DnsNames
    {
        /// <summary>A name without its final dot ("." stays the root).</summary>
        public static string Display(string name) =>
            name.Length > 1 && name.EndsWith(".", StringComparison.Ordinal) ? name.Substring(0, name.Length - 1) : name;

        public static bool Same(string a, string b) =>
            string.Equals(Display(a), Display(b), StringComparison.OrdinalIgnoreCase);

        /// <summary>The in-addr.arpa or ip6.arpa name of an address.</summary>
        public static string ReverseName(IPAddress address)
        {
            var bytes = address.GetAddressBytes();
            var name = new StringBuilder();
            if (address.AddressFamily == AddressFamily.InterNetwork)
            {
                for (var i = bytes.Length - 1; i >= 0; i--)
                    name.Append(bytes[i]).Append('.');
                return name.Append("in-addr.arpa").ToString();
            }
            for (var i = bytes.Length - 1; i >= 0; i--)
                name.Append("0123456789abcdef"[bytes[i] & 0xF]).Append('.').Append("0123456789abcdef"[bytes[i] >> 4]).Append('.');
            return name.Append("ip6.arpa").ToString();
        }

        /// <summary>An IPv6 address, or an IPv4 address in full dotted-quad form ("10" is a name, not 0.0.0.10).</summary>
        public static bool TryParseAddress(string text, out IPAddress address)
        {
            var literal = text.Trim().TrimStart('[').TrimEnd(']');
            address = IPAddress.None;
            if (!IPAddress.TryParse(literal, out var parsed))
                return false;
            if (parsed.AddressFamily == AddressFamily.InterNetwork && literal.Split('.').Length != 4)
                return false;
            address = parsed;
            return true;
        }

        /// <summary>What to ask for a name: an address literal means its reverse name and PTR; otherwise A unless a type is given.</summary>
        public static (string Name, DnsRecordType Type) Question(string name, DnsRecordType? type)
        {
            if (string.IsNullOrWhiteSpace(name))
                throw new ArgumentException("A DNS name is needed.", nameof(name));
            var trimmed = name.Trim();
            if ((type == null || type == DnsRecordType.PTR) && TryParseAddress(trimmed, out var address))
                return (ReverseName(address), DnsRecordType.PTR);
            return (Display(trimmed), type ?? DnsRecordType.A);
        }
    }
}
