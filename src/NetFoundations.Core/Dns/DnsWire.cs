using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Text;

namespace NetFoundations.Core.Dns
{
    /// <summary>
    /// DNS messages on the wire, the module's own reader and writer: the queries and answers of DnsLookupLoop (which
    /// reads only the plain cases and leaves the rest to DnsClient) and of the TCP leg, DnsTcpExchange (which reads
    /// every answer whole). Every size comes from the message and is checked against it: a count, length or pointer
    /// that leads outside the message, a name longer than 255 bytes or a pointer that does not lead backwards (the
    /// only way a loop can be made) is a ProtocolViolationException saying where.
    /// </summary>
    internal static class DnsWire
    {
        public const int HeaderSize = 12;
        private const int OptType = 41;
        private const int MaxNameBytes = 255;
        private const int SmallestRecord = 11; // a root owner, type, class, TTL, data length

        /// <summary>The types the batch loop asks for and reads; answers with any other type go to DnsClient.</summary>
        public static bool Reads(DnsRecordType type) =>
            type == DnsRecordType.A || type == DnsRecordType.AAAA || type == DnsRecordType.CNAME || type == DnsRecordType.NS ||
            type == DnsRecordType.PTR || type == DnsRecordType.MX || type == DnsRecordType.SRV || type == DnsRecordType.SOA;

        /// <summary>
        /// The batch loop's query, as DnsClient writes it (RD as asked, one question, an OPT record offering 4096
        /// bytes), or null when the name is not plain host-name labels.
        /// </summary>
        public static byte[]? Query(string name, DnsRecordType type, ushort id, bool recursion)
        {
            foreach (var c in name)
            {
                if (c != '.' && !Plain(c))
                    return null;
            }
            try
            {
                return Query(name, type, id, recursion, false);
            }
            catch (ArgumentException)
            {
                return null;
            }
        }

        /// <summary>
        /// A query for any name (zone-file escapes \. \\ \DDD allowed; other names are sent as IDNA) with RD as asked,
        /// one question and an OPT record offering 4096 bytes, with the DO bit when dnssecOk. ArgumentException when
        /// the name cannot be sent (an empty label, a label over 63 or a name over 255 bytes).
        /// </summary>
        public static byte[] Query(string name, DnsRecordType type, ushort id, bool recursion, bool dnssecOk)
        {
            var query = new List<byte>(HeaderSize + name.Length + 2 + 4 + 11)
            {
                (byte)(id >> 8), (byte)id, (byte)(recursion ? 1 : 0), 0, 0, 1, 0, 0, 0, 0, 0, 1, // QDCOUNT 1, ARCOUNT 1 (OPT)
            };
            query.AddRange(EncodeName(name));
            query.AddRange(new byte[] { (byte)((int)type >> 8), (byte)type, 0, 1 }); // class IN
            // OPT: root owner, type 41, class = the UDP payload size offered, TTL = extended RCODE, version, flags (DO).
            query.AddRange(new byte[] { 0, 0, OptType, 4096 >> 8, 0, 0, 0, (byte)(dnssecOk ? 0x80 : 0), 0, 0, 0 });
            return query.ToArray();
        }

        private static byte[] EncodeName(string name)
        {
            var text = name.Trim();
            if (text == "." || text.Length == 0)
                return new byte[] { 0 };
            foreach (var c in text)
            {
                if (c > 0x7E)
                {
                    text = new IdnMapping().GetAscii(text);
                    break;
                }
            }
            var wire = new List<byte>(text.Length + 2);
            var label = new List<byte>();
            void EndLabel()
            {
                if (label.Count == 0 || label.Count > 63)
                    throw new ArgumentException($"'{name}' has an empty label or one longer than 63 bytes.", nameof(name));
                wire.Add((byte)label.Count);
                wire.AddRange(label);
                label.Clear();
            }
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '.')
                {
                    if (i == text.Length - 1)
                        break; // the final dot
                    EndLabel();
                    continue;
                }
                if (c == '\\' && i + 3 < text.Length && char.IsDigit(text[i + 1]) && char.IsDigit(text[i + 2]) && char.IsDigit(text[i + 3]))
                {
                    var value = int.Parse(text.Substring(i + 1, 3), NumberStyles.None, CultureInfo.InvariantCulture);
                    if (value > 255)
                        throw new ArgumentException($"'{name}' has an escape \\{value} beyond 255.", nameof(name));
                    label.Add((byte)value);
                    i += 3;
                    continue;
                }
                if (c == '\\' && i + 1 < text.Length)
                    c = text[++i];
                if (c > 0x7E)
                    throw new ArgumentException($"'{name}' cannot be sent as a DNS name.", nameof(name));
                label.Add((byte)c);
            }
            EndLabel();
            wire.Add(0);
            if (wire.Count > MaxNameBytes)
                throw new ArgumentException($"'{name}' is longer than {MaxNameBytes} bytes on the wire.", nameof(name));
            return wire.ToArray();
        }

        /// <summary>The ID of a message, or -1 when it is too short to be an answer.</summary>
        public static int Id(byte[] message, int length) => length < HeaderSize ? -1 : (message[0] << 8) | message[1];

        /// <summary>
        /// For the batch loop: the answer to the query (matched by ID by the caller) as a DnsResponse, or null when it
        /// is not a complete answer to this question of the everyday types in plain names (DnsClient then asks).
        /// </summary>
        public static DnsResponse? Answer(byte[] message, int length, byte[] query, string question, DnsRecordType type, string server, TimeSpan duration)
        {
            try
            {
                return new Reader(message, length, server, $"{question} {type}", false).Response(query, question, type, duration);
            }
            catch (ProtocolViolationException)
            {
                return null;
            }
            catch (NotPlainException)
            {
                return null;
            }
        }

        /// <summary>
        /// A whole answer to the query, every record type read (those without a type of their own as RFC 3597 data:
        /// \# length hex). ProtocolViolationException when it is malformed, has another ID or answers another question.
        /// </summary>
        public static DnsResponse Read(byte[] message, int length, byte[] query, string question, DnsRecordType type, string server, TimeSpan duration)
        {
            if (Id(message, length) != Id(query, query.Length))
                throw new ProtocolViolationException($"{question} {type}: the answer from {server} has another ID than the query (a stray or forged answer); none was taken.",
                    $"{question} {type}");
            return new Reader(message, length, server, $"{question} {type}", true).Response(query, question, type, duration);
        }

        /// <summary>What the batch loop leaves to DnsClient: a type it does not read, a name that is not plain labels.</summary>
        private sealed class NotPlainException : Exception
        {
        }

        private sealed class Reader
        {
            private readonly byte[] m;
            private readonly int length;
            private readonly string server;
            private readonly string target;
            private readonly bool everyType;

            public Reader(byte[] message, int length, string server, string target, bool everyType)
            {
                this.target = target;
                m = message;
                this.length = Math.Min(length, message.Length);
                this.server = server;
                this.everyType = everyType;
            }

            private ProtocolViolationException Malformed(string what, int at) =>
                new ProtocolViolationException($"{target}: the answer from {server} is malformed: {what} (at byte {at} of {length}).", target);

            public DnsResponse Response(byte[] query, string question, DnsRecordType type, TimeSpan duration)
            {
                if (length < HeaderSize)
                    throw Malformed("it is shorter than a header", length);
                if ((m[2] & 0x80) == 0)
                    throw Malformed("it is a query, not a response", 2);
                if (!everyType && (m[2] & 0x02) != 0)
                    throw new NotPlainException(); // truncated: DnsClient asks again over TCP
                var at = HeaderSize;
                var questions = U16(4);
                if (questions > 1 || (questions == 0 && (m[3] & 0xF) == 0))
                    throw Malformed($"it has {questions} questions", 4);
                var sameSpelling = false;
                if (questions == 1)
                {
                    // The question must be the one asked, letter case aside.
                    sameSpelling = true;
                    var questionEnd = HeaderSize;
                    while (query[questionEnd] != 0)
                        questionEnd += query[questionEnd] + 1;
                    questionEnd += 5;
                    if (length < questionEnd)
                        throw Malformed("it ends in its question", length);
                    for (var i = HeaderSize; i < questionEnd; i++)
                    {
                        if (m[i] == query[i])
                            continue;
                        if (char.ToLowerInvariant((char)m[i]) != char.ToLowerInvariant((char)query[i]))
                            throw new ProtocolViolationException(
                                $"{question} {type}: the answer from {server} is for another question; it was not taken.", $"{question} {type}");
                        sameSpelling = false;
                    }
                    at = questionEnd;
                }

                var extendedCode = 0;
                var sections = new List<DnsRecord>[3];
                for (var section = 0; section < 3; section++)
                {
                    var count = U16(6 + 2 * section);
                    // Room only for as many records as the bytes left can hold: a count is the peer's to choose.
                    sections[section] = new List<DnsRecord>(Math.Min(count, (length - at) / SmallestRecord));
                    for (var i = 0; i < count; i++)
                    {
                        if (at >= length)
                            throw Malformed($"it claims {count} records in section {section + 1} but ends after {i}", at);
                        string owner;
                        if (!everyType && sameSpelling && at + 1 < length && m[at] == 0xC0 && m[at + 1] == HeaderSize)
                        {
                            // Most owners point at the question, spelled as asked (a plain name): no need to read it again.
                            owner = question;
                            at += 2;
                        }
                        else
                        {
                            owner = Name(ref at, length);
                        }
                        if (at + 10 > length)
                            throw Malformed("a record ends in its header", at);
                        var recordType = U16(at);
                        var ttl = (int)U32(at + 4);
                        var dataLength = U16(at + 8);
                        at += 10;
                        var end = at + dataLength;
                        if (end > length)
                            throw Malformed($"a record's data of {dataLength} bytes runs past the end", at);
                        if (recordType == OptType)
                            extendedCode = m[at - 6] << 4;
                        else
                            sections[section].Add(Record(at, end, owner, (DnsRecordType)recordType, ttl, (DnsSection)section));
                        at = end;
                    }
                }
                if (at != length)
                    throw Malformed($"{length - at} bytes follow the last record", at);
                if (!everyType && extendedCode != 0)
                    throw new NotPlainException();
                var flags = m[2];
                var more = m[3];
                return new DnsResponse(question, type, server, U16(0), (flags >> 3) & 0xF, (DnsResponseCode)(extendedCode | (more & 0xF)),
                    (flags & 0x04) != 0, (flags & 0x02) != 0, (flags & 0x01) != 0, (more & 0x80) != 0, (more & 0x20) != 0, (more & 0x10) != 0,
                    sections[0], sections[1], sections[2], duration, length);
            }

            private DnsRecord Record(int at, int end, string owner, DnsRecordType type, int ttl, DnsSection section)
            {
                if (!everyType && !Reads(type))
                    throw new NotPlainException();
                var start = at;
                var size = end - at;
                switch (type)
                {
                    case DnsRecordType.A:
                        Expect(size == 4, type, start);
                        return new DnsARecord(owner, ttl, section, server, new IPAddress(Bytes(at, 4)));
                    case DnsRecordType.AAAA:
                        Expect(size == 16, type, start);
                        return new DnsAaaaRecord(owner, ttl, section, server, new IPAddress(Bytes(at, 16)));
                    case DnsRecordType.CNAME:
                        return Filled(new DnsCnameRecord(owner, ttl, section, server, Name(ref at, end)), at, end, type, start);
                    case DnsRecordType.NS:
                        return Filled(new DnsNsRecord(owner, ttl, section, server, Name(ref at, end)), at, end, type, start);
                    case DnsRecordType.PTR:
                        return Filled(new DnsPtrRecord(owner, ttl, section, server, Name(ref at, end)), at, end, type, start);
                    case DnsRecordType.MX:
                        Expect(size > 2, type, start);
                        var preference = U16(at);
                        at += 2;
                        return Filled(new DnsMxRecord(owner, ttl, section, server, preference, Name(ref at, end)), at, end, type, start);
                    case DnsRecordType.SRV:
                        Expect(size > 6, type, start);
                        var (priority, weight, port) = (U16(at), U16(at + 2), U16(at + 4));
                        at += 6;
                        return Filled(new DnsSrvRecord(owner, ttl, section, server, priority, weight, port, Name(ref at, end)), at, end, type, start);
                    case DnsRecordType.SOA:
                        var primary = Name(ref at, end);
                        var person = Name(ref at, end);
                        Expect(at + 20 == end, type, start);
                        return new DnsSoaRecord(owner, ttl, section, server, primary, person, U32(at), U32(at + 4), U32(at + 8), U32(at + 12), U32(at + 16));
                    case DnsRecordType.TXT:
                        var strings = new List<string>();
                        var data = new StringBuilder();
                        while (at < end)
                        {
                            var stringLength = m[at++];
                            Expect(at + stringLength <= end, type, start);
                            strings.Add(Encoding.UTF8.GetString(m, at, stringLength));
                            if (data.Length > 0)
                                data.Append(' ');
                            data.Append('"').Append(Escaped(at, at + stringLength, true)).Append('"');
                            at += stringLength;
                        }
                        return new DnsTxtRecord(owner, ttl, section, server, strings, data.ToString());
                    case DnsRecordType.CAA:
                        Expect(size >= 2 && m[at + 1] > 0 && at + 2 + m[at + 1] <= end, type, start);
                        var tag = Encoding.ASCII.GetString(m, at + 2, m[at + 1]);
                        return new DnsCaaRecord(owner, ttl, section, server, m[at], tag, Encoding.UTF8.GetString(m, at + 2 + m[at + 1], end - at - 2 - m[at + 1]));
                    case DnsRecordType.DS:
                        Expect(size > 4, type, start);
                        return new DnsDsRecord(owner, ttl, section, server, U16(at), m[at + 2], m[at + 3], Hex(at + 4, end));
                    case DnsRecordType.DNSKEY:
                        Expect(size > 4, type, start);
                        return new DnsDnskeyRecord(owner, ttl, section, server, U16(at), m[at + 2], m[at + 3], Convert.ToBase64String(m, at + 4, end - at - 4));
                    default:
                        return new DnsOtherRecord(owner, type, ttl, section, server,
                            size == 0 ? @"\# 0" : $@"\# {size} {Hex(at, end)}");
                }
            }

            private void Expect(bool holds, DnsRecordType type, int at)
            {
                if (!holds)
                    throw Malformed($"a {type} record's data does not have its form", at);
            }

            private DnsRecord Filled(DnsRecord record, int at, int end, DnsRecordType type, int start)
            {
                Expect(at == end, type, start);
                return record;
            }

            /// <summary>
            /// The name at at, compression followed, without its final dot ("." for the root); at moves past it. Its own
            /// bytes end before limit; a pointer leads only backwards, within the message.
            /// </summary>
            private string Name(ref int at, int limit)
            {
                var name = new StringBuilder();
                var position = at;
                var end = limit; // where the bytes being read must end: the record, then (after a pointer) the message
                var wireBytes = 1;
                var jumped = false;
                while (true)
                {
                    if (position >= end)
                        throw Malformed("a name runs past its end", position);
                    var size = m[position];
                    if (size == 0)
                    {
                        if (!jumped)
                            at = position + 1;
                        return name.Length == 0 ? "." : name.ToString();
                    }
                    if ((size & 0xC0) == 0xC0)
                    {
                        if (position + 1 >= end)
                            throw Malformed("a name's pointer runs past its end", position);
                        var target = ((size & 0x3F) << 8) | m[position + 1];
                        if (target >= position)
                            throw Malformed($"a name points forwards, to byte {target} (names could loop)", position);
                        if (!jumped)
                            at = position + 2;
                        jumped = true;
                        end = position; // what a pointer leads to lies before it
                        position = target;
                        continue;
                    }
                    if ((size & 0xC0) != 0)
                        throw Malformed($"a name has a label of unknown kind 0x{size:X2}", position);
                    wireBytes += size + 1;
                    if (wireBytes > MaxNameBytes)
                        throw Malformed($"a name is longer than {MaxNameBytes} bytes", position);
                    if (position + 1 + size > end)
                        throw Malformed("a name's label runs past its end", position);
                    if (name.Length > 0)
                        name.Append('.');
                    name.Append(Escaped(position + 1, position + 1 + size, false));
                    position += size + 1;
                }
            }

            /// <summary>
            /// Bytes as zone files write them: \. and \\ (and \" in a string) escaped, other bytes outside printable
            /// ASCII as \DDD. The batch loop reads only plain host-name characters in names.
            /// </summary>
            private string Escaped(int from, int to, bool inString)
            {
                var text = new StringBuilder(to - from);
                for (var i = from; i < to; i++)
                {
                    var c = (char)m[i];
                    if (!inString && !Plain(c) && !everyType)
                        throw new NotPlainException();
                    if (c == '\\' || (inString ? c == '"' : c == '.'))
                        text.Append('\\').Append(c);
                    else if (c < 0x20 || c > 0x7E || (!inString && c == ' '))
                        text.Append('\\').Append(((int)c).ToString("000", CultureInfo.InvariantCulture));
                    else
                        text.Append(c);
                }
                return text.ToString();
            }

            private byte[] Bytes(int at, int count)
            {
                var bytes = new byte[count];
                Array.Copy(m, at, bytes, 0, count);
                return bytes;
            }

            private string Hex(int from, int to)
            {
                var text = new StringBuilder(2 * (to - from));
                for (var i = from; i < to; i++)
                    text.Append(m[i].ToString("X2", CultureInfo.InvariantCulture));
                return text.ToString();
            }

            private int U16(int at) => (m[at] << 8) | m[at + 1];

            private uint U32(int at) => (uint)((m[at] << 24) | (m[at + 1] << 16) | (m[at + 2] << 8) | m[at + 3]);
        }

        private static bool Plain(char c) =>
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '*';
    }
}
