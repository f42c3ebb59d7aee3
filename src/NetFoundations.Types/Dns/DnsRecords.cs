using System;
using System.Collections.Generic;
using System.Net;

namespace NetFoundations.Core.Dns
{
    /// <summary>
    /// One resource record of a response. Every type has Name, Type, TTL, Section, Server and Data
    /// (the record's data as a zone file writes it); ComputerName is the host the record points at,
    /// so records bind by property name into cmdlets that connect somewhere.
    /// </summary>
    public abstract class DnsRecord
    {
        protected DnsRecord(string name, DnsRecordType type, int ttl, DnsSection section, string server, string data)
        {
            Name = name;
            Type = type;
            TTL = ttl;
            Section = section;
            Server = server;
            Data = data;
        }

        /// <summary>The owner name, without the final dot.</summary>
        public string Name { get; }
        public DnsRecordType Type { get; }
        public int TTL { get; }
        public DnsSection Section { get; }
        /// <summary>The server that answered, as address:port.</summary>
        public string Server { get; }
        public string Data { get; }

        /// <summary>The host this record names (its own name for A and AAAA), or null.</summary>
        public virtual string? ComputerName => null;

        public override string ToString() => $"{Name} {TTL} IN {Type} {Data}";
    }

    public abstract class DnsAddressRecord : DnsRecord
    {
        protected DnsAddressRecord(string name, DnsRecordType type, int ttl, DnsSection section, string server, IPAddress address)
            : base(name, type, ttl, section, server, address.ToString())
        {
            Address = address.ToString();
        }

        /// <summary>The address as text ("::1"); in PowerShell an IPAddress (NetFoundations.Types.ps1xml).</summary>
        public string Address { get; }
        public override string? ComputerName => Name;
    }

    public sealed class DnsARecord : DnsAddressRecord
    {
        public DnsARecord(string name, int ttl, DnsSection section, string server, IPAddress address)
            : base(name, DnsRecordType.A, ttl, section, server, address) { }
    }

    public sealed class DnsAaaaRecord : DnsAddressRecord
    {
        public DnsAaaaRecord(string name, int ttl, DnsSection section, string server, IPAddress address)
            : base(name, DnsRecordType.AAAA, ttl, section, server, address) { }
    }

    /// <summary>CNAME, NS and PTR: records whose data is one host name.</summary>
    public abstract class DnsNameHostRecord : DnsRecord
    {
        protected DnsNameHostRecord(string name, DnsRecordType type, int ttl, DnsSection section, string server, string nameHost)
            : base(name, type, ttl, section, server, nameHost)
        {
            NameHost = nameHost;
        }

        public string NameHost { get; }
        public override string? ComputerName => NameHost;
    }

    public sealed class DnsCnameRecord : DnsNameHostRecord
    {
        public DnsCnameRecord(string name, int ttl, DnsSection section, string server, string nameHost)
            : base(name, DnsRecordType.CNAME, ttl, section, server, nameHost) { }
    }

    public sealed class DnsNsRecord : DnsNameHostRecord
    {
        public DnsNsRecord(string name, int ttl, DnsSection section, string server, string nameHost)
            : base(name, DnsRecordType.NS, ttl, section, server, nameHost) { }
    }

    public sealed class DnsPtrRecord : DnsNameHostRecord
    {
        public DnsPtrRecord(string name, int ttl, DnsSection section, string server, string nameHost)
            : base(name, DnsRecordType.PTR, ttl, section, server, nameHost) { }
    }

    public sealed class DnsMxRecord : DnsRecord
    {
        public DnsMxRecord(string name, int ttl, DnsSection section, string server, int preference, string exchange)
            : base(name, DnsRecordType.MX, ttl, section, server, $"{preference} {exchange}")
        {
            Preference = preference;
            Exchange = exchange;
        }

        public int Preference { get; }
        public string Exchange { get; }
        /// <summary>RFC 7505: an exchange of "." says the domain accepts no mail.</summary>
        public bool IsNullMx => Exchange == ".";
        public override string? ComputerName => IsNullMx ? null : Exchange;
    }

    public sealed class DnsSrvRecord : DnsRecord
    {
        public DnsSrvRecord(string name, int ttl, DnsSection section, string server, int priority, int weight, int port, string target)
            : base(name, DnsRecordType.SRV, ttl, section, server, $"{priority} {weight} {port} {target}")
        {
            Priority = priority;
            Weight = weight;
            Port = port;
            Target = target;
        }

        public int Priority { get; }
        public int Weight { get; }
        public int Port { get; }
        public string Target { get; }
        public override string? ComputerName => Target;
    }

    public sealed class DnsTxtRecord : DnsRecord
    {
        private readonly IReadOnlyList<string> strings;

        public DnsTxtRecord(string name, int ttl, DnsSection section, string server, IReadOnlyList<string> strings, string data)
            : base(name, DnsRecordType.TXT, ttl, section, server, data)
        {
            this.strings = strings;
            Text = string.Concat(strings);
        }

        /// <summary>The character-strings joined, as SPF and DKIM read them.</summary>
        public string Text { get; }

        /// <summary>
        /// The character-strings as they are on the wire (each at most 255 bytes). A method, not a property: a list in a
        /// record in a response's list would pass ConvertTo-Json's default depth; Data shows them quoted.
        /// </summary>
        public IReadOnlyList<string> GetStrings() => strings;
    }

    public sealed class DnsSoaRecord : DnsRecord
    {
        public DnsSoaRecord(string name, int ttl, DnsSection section, string server, string primaryServer, string responsiblePerson,
            long serialNumber, long refresh, long retry, long expire, long minimumTtl)
            : base(name, DnsRecordType.SOA, ttl, section, server,
                $"{primaryServer} {responsiblePerson} {serialNumber} {refresh} {retry} {expire} {minimumTtl}")
        {
            PrimaryServer = primaryServer;
            ResponsiblePerson = responsiblePerson;
            SerialNumber = serialNumber;
            Refresh = refresh;
            Retry = retry;
            Expire = expire;
            MinimumTtl = minimumTtl;
        }

        public string PrimaryServer { get; }
        /// <summary>The zone's contact mailbox in DNS form (the first dot stands for @).</summary>
        public string ResponsiblePerson { get; }
        public long SerialNumber { get; }
        public long Refresh { get; }
        public long Retry { get; }
        public long Expire { get; }
        public long MinimumTtl { get; }
        public override string? ComputerName => PrimaryServer;
    }

    public sealed class DnsCaaRecord : DnsRecord
    {
        public DnsCaaRecord(string name, int ttl, DnsSection section, string server, int flags, string tag, string value)
            : base(name, DnsRecordType.CAA, ttl, section, server, $"{flags} {tag} \"{value}\"")
        {
            Flags = flags;
            Tag = tag;
            Value = value;
        }

        public int Flags { get; }
        /// <summary>issue, issuewild, iodef …</summary>
        public string Tag { get; }
        public string Value { get; }
        /// <summary>The issuer-critical flag (128): a CA that does not understand the tag must not issue.</summary>
        public bool IsCritical => (Flags & 0x80) != 0;
    }

    public sealed class DnsDsRecord : DnsRecord
    {
        public DnsDsRecord(string name, int ttl, DnsSection section, string server, int keyTag, int algorithm, int digestType, string digest)
            : base(name, DnsRecordType.DS, ttl, section, server, $"{keyTag} {algorithm} {digestType} {digest}")
        {
            KeyTag = keyTag;
            Algorithm = algorithm;
            DigestType = digestType;
            Digest = digest;
        }

        public int KeyTag { get; }
        public int Algorithm { get; }
        public int DigestType { get; }
        /// <summary>The digest in hexadecimal.</summary>
        public string Digest { get; }
    }

    public sealed class DnsDnskeyRecord : DnsRecord
    {
        public DnsDnskeyRecord(string name, int ttl, DnsSection section, string server, int flags, int protocol, int algorithm, string publicKey)
            : base(name, DnsRecordType.DNSKEY, ttl, section, server, $"{flags} {protocol} {algorithm} {publicKey}")
        {
            Flags = flags;
            Protocol = protocol;
            Algorithm = algorithm;
            PublicKey = publicKey;
        }

        public int Flags { get; }
        public int Protocol { get; }
        public int Algorithm { get; }
        /// <summary>The key in base64.</summary>
        public string PublicKey { get; }
        /// <summary>Flag 257 marks a key-signing key (secure entry point).</summary>
        public bool IsKeySigningKey => (Flags & 1) != 0;
    }

    /// <summary>Any other type: its data as text only.</summary>
    public sealed class DnsOtherRecord : DnsRecord
    {
        public DnsOtherRecord(string name, DnsRecordType type, int ttl, DnsSection section, string server, string data)
            : base(name, type, ttl, section, server, data) { }
    }
}
