using System;
using System.Collections.Generic;
using System.Net;
using System.Text;

namespace NetFoundations.Core.Dns
{
    /// <summary>
    /// Queries and answers on the wire for DnsLookupLoop, for the plain cases only: host-name labels
    /// and the record types of everyday lookups. Everything else (other types, escaped names,
    /// truncation, malformed data) is left to DnsClient: the readers return null.
    /// </summary>
    internal static class DnsWire
    {
        private const int HeaderSize = 12;
        private const int OptType = 41;
        private const int MaxPointers = 64;

        /// <summary>The types the channel asks for and reads; answers with any other type go to DnsClient.</summary>
        public static bool Reads(DnsRecordType type) =>
            type == DnsRecordType.A || type == DnsRecordType.AAAA || type == DnsRecordType.CNAME || type == DnsRecordType.NS ||
            type == DnsRecordType.PTR || type == DnsRecordType.MX || type == DnsRecordType.SRV || type == DnsRecordType.SOA;

        /// <summary>
        /// A query as DnsClient writes it (RD as asked, one question, an OPT record offering 4096 bytes),
        /// or null when the name is not plain host-name labels.
        /// </summary>
        public static byte[]? Query(string name, DnsRecordType type, ushort id, bool recursion)
        {
            var labels = name.EndsWith(".", StringComparison.Ordinal) ? name.Substring(0, name.Length - 1) : name;
            if (labels.Length == 0 || labels.Length > 253)
                return null;
            var query = new byte[HeaderSize + labels.Length + 2 + 4 + 11];
            query[0] = (byte)(id >> 8);
            query[1] = (byte)id;
            query[2] = (byte)(recursion ? 1 : 0);
            query[5] = 1; // QDCOUNT
            query[11] = 1; // ARCOUNT: the OPT record
            var at = HeaderSize;
            for (int start = 0, end; start <= labels.Length; start = end + 1)
            {
                end = labels.IndexOf('.', start);
                if (end < 0)
                    end = labels.Length;
                if (end == start || end - start > 63)
                    return null;
                query[at++] = (byte)(end - start);
                for (var i = start; i < end; i++)
                {
                    if (!Plain(labels[i]))
                        return null;
                    query[at++] = (byte)labels[i];
                }
            }
            at++; // the root label
            query[at + 1] = (byte)type;
            query[at + 3] = 1; // class IN
            at += 4;
            query[at + 2] = OptType;
            query[at + 3] = 4096 >> 8; // the OPT record's class: the UDP payload size offered
            return query;
        }

        /// <summary>The ID of a datagram, or -1 when it is too short to be an answer.</summary>
        public static int Id(byte[] message, int length) => length < HeaderSize ? -1 : (message[0] << 8) | message[1];

        /// <summary>
        /// The answer to the query (matched by ID by the caller) as a DnsResponse, or null when it is
        /// not a complete answer to this question the channel can read.
        /// </summary>
        public static DnsResponse? Answer(byte[] message, int length, byte[] query, string question, DnsRecordType type, string server, TimeSpan duration)
        {
            try
            {
                return Read(message, length, query, question, type, server, duration);
            }
            catch (IndexOutOfRangeException)
            {
                return null;
            }
        }

        private static DnsResponse? Read(byte[] m, int length, byte[] query, string question, DnsRecordType type, string server, TimeSpan duration)
        {
            if (length < HeaderSize || (m[2] & 0x80) == 0 || (m[2] & 0x02) != 0 || U16(m, 4) != 1)
                return null; // not a response, truncated, or not one question
            // The question must be the one asked, letter case aside.
            var questionEnd = HeaderSize;
            while (query[questionEnd] != 0)
                questionEnd += query[questionEnd] + 1;
            questionEnd += 5;
            if (length < questionEnd)
                return null;
            var sameSpelling = true;
            for (var i = HeaderSize; i < questionEnd; i++)
            {
                if (m[i] == query[i])
                    continue;
                if (char.ToLowerInvariant((char)m[i]) != char.ToLowerInvariant((char)query[i]))
                    return null;
                sameSpelling = false;
            }

            var at = questionEnd;
            var sections = new List<DnsRecord>[3];
            for (var section = 0; section < 3; section++)
            {
                var count = U16(m, 6 + 2 * section);
                sections[section] = new List<DnsRecord>(count);
                for (var i = 0; i < count; i++)
                {
                    string? owner;
                    if (sameSpelling && at + 1 < length && m[at] == 0xC0 && m[at + 1] == HeaderSize)
                    {
                        // Most owners point at the question, which is spelled as asked: no need to read it again.
                        owner = question;
                        at += 2;
                    }
                    else
                    {
                        owner = Name(m, length, ref at);
                    }
                    if (owner == null || at + 10 > length)
                        return null;
                    var recordType = U16(m, at);
                    if (recordType == OptType && m[at + 4] != 0)
                        return null; // an extended response code
                    var ttl = (int)U32(m, at + 4);
                    var dataLength = U16(m, at + 8);
                    at += 10;
                    var end = at + dataLength;
                    if (end > length)
                        return null;
                    if (recordType != OptType)
                    {
                        var record = Record(m, end, at, owner, (DnsRecordType)recordType, ttl, (DnsSection)section, server);
                        if (record == null)
                            return null;
                        sections[section].Add(record);
                    }
                    at = end;
                }
            }
            if (at != length)
                return null;
            var flags = m[2];
            var more = m[3];
            return new DnsResponse(question, type, server, U16(m, 0), (flags >> 3) & 0xF, (DnsResponseCode)(more & 0xF),
                (flags & 0x04) != 0, false, (flags & 0x01) != 0, (more & 0x80) != 0, (more & 0x20) != 0, (more & 0x10) != 0,
                sections[0], sections[1], sections[2], duration, length);
        }

        private static DnsRecord? Record(byte[] m, int end, int at, string owner, DnsRecordType type, int ttl, DnsSection section, string server)
        {
            switch (type)
            {
                case DnsRecordType.A when end - at == 4:
                    return new DnsARecord(owner, ttl, section, server, new IPAddress((uint)(m[at] | (m[at + 1] << 8) | (m[at + 2] << 16) | (m[at + 3] << 24))));
                case DnsRecordType.AAAA when end - at == 16:
                    var bytes = new byte[16];
                    Array.Copy(m, at, bytes, 0, 16);
                    return new DnsAaaaRecord(owner, ttl, section, server, new IPAddress(bytes));
                case DnsRecordType.CNAME:
                    return Exactly(Name(m, end, ref at), at, end, host => new DnsCnameRecord(owner, ttl, section, server, host));
                case DnsRecordType.NS:
                    return Exactly(Name(m, end, ref at), at, end, host => new DnsNsRecord(owner, ttl, section, server, host));
                case DnsRecordType.PTR:
                    return Exactly(Name(m, end, ref at), at, end, host => new DnsPtrRecord(owner, ttl, section, server, host));
                case DnsRecordType.MX when end - at > 2:
                    var preference = U16(m, at);
                    at += 2;
                    return Exactly(Name(m, end, ref at), at, end, host => new DnsMxRecord(owner, ttl, section, server, preference, host));
                case DnsRecordType.SRV when end - at > 6:
                    var (priority, weight, port) = (U16(m, at), U16(m, at + 2), U16(m, at + 4));
                    at += 6;
                    return Exactly(Name(m, end, ref at), at, end, host => new DnsSrvRecord(owner, ttl, section, server, priority, weight, port, host));
                case DnsRecordType.SOA:
                    var primary = Name(m, end, ref at);
                    var person = Name(m, end, ref at);
                    if (primary == null || person == null || at + 20 != end)
                        return null;
                    return new DnsSoaRecord(owner, ttl, section, server, primary, person,
                        U32(m, at), U32(m, at + 4), U32(m, at + 8), U32(m, at + 12), U32(m, at + 16));
                default:
                    return null;
            }
        }

        private static DnsRecord? Exactly(string? host, int at, int end, Func<string, DnsRecord> make) =>
            host != null && at == end ? make(host) : null;

        /// <summary>A name at at (compression followed), without its final dot; null when it is not plain labels or points astray.</summary>
        private static string? Name(byte[] m, int limit, ref int at)
        {
            var name = new StringBuilder();
            var position = at;
            var jumped = false;
            for (var pointers = 0; ;)
            {
                var size = m[position];
                if (!jumped && position + ((size & 0xC0) == 0 ? size : 1) >= limit)
                    return null;
                if (size == 0)
                {
                    if (!jumped)
                        at = position + 1;
                    return name.Length == 0 ? "." : name.ToString();
                }
                if ((size & 0xC0) == 0xC0)
                {
                    var target = ((size & 0x3F) << 8) | m[position + 1];
                    if (++pointers > MaxPointers || target >= position)
                        return null;
                    if (!jumped)
                        at = position + 2;
                    jumped = true;
                    position = target;
                    continue;
                }
                if ((size & 0xC0) != 0 || name.Length + size > 253)
                    return null;
                if (name.Length > 0)
                    name.Append('.');
                for (var i = position + 1; i <= position + size; i++)
                {
                    var c = (char)m[i];
                    if (!Plain(c))
                        return null;
                    name.Append(c);
                }
                position += size + 1;
            }
        }

        private static bool Plain(char c) =>
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '*';

        private static int U16(byte[] m, int at) => (m[at] << 8) | m[at + 1];

        private static uint U32(byte[] m, int at) => (uint)((m[at] << 24) | (m[at + 1] << 16) | (m[at + 2] << 8) | m[at + 3]);
    }
}
