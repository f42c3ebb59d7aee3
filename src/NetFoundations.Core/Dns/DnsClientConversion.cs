using System;
using System.Collections.Generic;
using System.Linq;
using DnsClient;
using DnsClient.Protocol;

namespace NetFoundations.Core.Dns
{
    /// <summary>Turns DnsClient's responses into the project's own types, so nothing outside Core sees DnsClient.</summary>
    internal static class DnsClientConversion
    {
        public static DnsResponse ToResponse(IDnsQueryResponse response, string name, DnsRecordType type, TimeSpan duration)
        {
            var server = Endpoints.Format(response.NameServer.Address, response.NameServer.Port);
            var header = response.Header;
            return new DnsResponse(name, type, server, header.Id, (int)header.OPCode, (DnsResponseCode)(int)header.ResponseCode,
                header.HasAuthorityAnswer, header.ResultTruncated, header.RecursionDesired, header.RecursionAvailable,
                header.IsAuthenticData, header.IsCheckingDisabled,
                Convert(response.Answers, DnsSection.Answer, server),
                Convert(response.Authorities, DnsSection.Authority, server),
                Convert(response.Additionals, DnsSection.Additional, server),
                duration, response.MessageSize);
        }

        private static IReadOnlyList<DnsRecord> Convert(IReadOnlyList<DnsResourceRecord> records, DnsSection section, string server) =>
            records.Where(r => r.RecordType != ResourceRecordType.OPT).Select(r => ToRecord(r, section, server)).ToArray();

        public static DnsRecord ToRecord(DnsResourceRecord record, DnsSection section, string server)
        {
            var name = DnsNames.Display(record.DomainName.Value);
            var ttl = record.TimeToLive;
            switch (record)
            {
                case ARecord a:
                    return new DnsARecord(name, ttl, section, server, a.Address);
                case AaaaRecord aaaa:
                    return new DnsAaaaRecord(name, ttl, section, server, aaaa.Address);
                case CNameRecord cname:
                    return new DnsCnameRecord(name, ttl, section, server, DnsNames.Display(cname.CanonicalName.Value));
                case NsRecord ns:
                    return new DnsNsRecord(name, ttl, section, server, DnsNames.Display(ns.NSDName.Value));
                case PtrRecord ptr:
                    return new DnsPtrRecord(name, ttl, section, server, DnsNames.Display(ptr.PtrDomainName.Value));
                case MxRecord mx:
                    return new DnsMxRecord(name, ttl, section, server, mx.Preference, DnsNames.Display(mx.Exchange.Value));
                case SrvRecord srv:
                    return new DnsSrvRecord(name, ttl, section, server, srv.Priority, srv.Weight, srv.Port, DnsNames.Display(srv.Target.Value));
                case TxtRecord txt:
                    return new DnsTxtRecord(name, ttl, section, server, txt.Text.ToArray(),
                        string.Join(" ", txt.EscapedText.Select(t => "\"" + t + "\"")));
                case SoaRecord soa:
                    return new DnsSoaRecord(name, ttl, section, server, DnsNames.Display(soa.MName.Value), DnsNames.Display(soa.RName.Value),
                        soa.Serial, soa.Refresh, soa.Retry, soa.Expire, soa.Minimum);
                case CaaRecord caa:
                    return new DnsCaaRecord(name, ttl, section, server, caa.Flags, caa.Tag, caa.Value);
                case DsRecord ds:
                    return new DnsDsRecord(name, ttl, section, server, ds.KeyTag, (int)ds.Algorithm, ds.DigestType, ds.DigestAsString);
                case DnsKeyRecord key:
                    return new DnsDnskeyRecord(name, ttl, section, server, key.Flags, key.Protocol, (int)key.Algorithm, key.PublicKeyAsString);
                default:
                    return new DnsOtherRecord(name, (DnsRecordType)(int)record.RecordType, ttl, section, server, RecordData(record));
            }
        }

        /// <summary>DnsClient writes a record as "name ttl class type data"; the data is what follows the fourth field.</summary>
        private static string RecordData(DnsResourceRecord record)
        {
            var parts = record.ToString(0).Split(new[] { ' ', '\t' }, 5, StringSplitOptions.RemoveEmptyEntries);
            return parts.Length == 5 ? parts[4] : string.Empty;
        }
    }
}
