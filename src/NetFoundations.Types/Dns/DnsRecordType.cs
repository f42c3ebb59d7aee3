namespace NetFoundations.Core.Dns
{
    /// <summary>The record types a query can ask for, with their IANA numbers (the ones DnsClient knows).</summary>
    public enum DnsRecordType : long
    {
        A = 1,
        NS = 2,
        MD = 3,
        MF = 4,
        CNAME = 5,
        SOA = 6,
        MB = 7,
        MG = 8,
        MR = 9,
        NULL = 10,
        WKS = 11,
        PTR = 12,
        HINFO = 13,
        MINFO = 14,
        MX = 15,
        TXT = 16,
        RP = 17,
        AFSDB = 18,
        AAAA = 28,
        SRV = 33,
        NAPTR = 35,
        CERT = 37,
        DS = 43,
        SSHFP = 44,
        RRSIG = 46,
        NSEC = 47,
        DNSKEY = 48,
        NSEC3 = 50,
        NSEC3PARAM = 51,
        TLSA = 52,
        SPF = 99,
        ANY = 255,
        URI = 256,
        CAA = 257,
    }

    /// <summary>The section of a response a record came from.</summary>
    public enum DnsSection : long
    {
        Answer,
        Authority,
        Additional,
    }
}
