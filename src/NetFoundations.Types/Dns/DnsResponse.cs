using System;
using System.Collections.Generic;
using System.Linq;

namespace NetFoundations.Core.Dns
{
    /// <summary>Response codes (RCODE) by the names dig prints.</summary>
    public enum DnsResponseCode : long
    {
        NOERROR = 0,
        FORMERR = 1,
        SERVFAIL = 2,
        NXDOMAIN = 3,
        NOTIMP = 4,
        REFUSED = 5,
        YXDOMAIN = 6,
        YXRRSET = 7,
        NXRRSET = 8,
        NOTAUTH = 9,
        NOTZONE = 10,
        BADVERS = 16,
        BADKEY = 17,
        BADTIME = 18,
        BADMODE = 19,
        BADNAME = 20,
        BADALG = 21,
        BADTRUNC = 22,
        BADCOOKIE = 23,
    }

    /// <summary>A whole response, as dig shows it: header, flags, the four sections, who answered and how fast.</summary>
    public sealed class DnsResponse
    {
        public DnsResponse(string name, DnsRecordType type, string server, int id, int opCode, DnsResponseCode responseCode,
            bool isAuthoritative, bool isTruncated, bool recursionDesired, bool recursionAvailable, bool authenticData, bool checkingDisabled,
            IReadOnlyList<DnsRecord> answers, IReadOnlyList<DnsRecord> authorities, IReadOnlyList<DnsRecord> additionals,
            TimeSpan duration, int messageSize)
        {
            Name = name;
            Type = type;
            Server = server;
            Id = id;
            OpCode = opCode;
            ResponseCode = responseCode;
            IsAuthoritative = isAuthoritative;
            IsTruncated = isTruncated;
            RecursionDesired = recursionDesired;
            RecursionAvailable = recursionAvailable;
            AuthenticData = authenticData;
            CheckingDisabled = checkingDisabled;
            Answers = answers;
            Authorities = authorities;
            Additionals = additionals;
            DurationMs = duration.TotalMilliseconds;
            MessageSize = messageSize;
        }

        /// <summary>The question: name and type asked.</summary>
        public string Name { get; }
        public DnsRecordType Type { get; }
        public string Server { get; }
        public int Id { get; }
        public int OpCode { get; }
        public DnsResponseCode ResponseCode { get; }
        public bool IsAuthoritative { get; }
        public bool IsTruncated { get; }
        public bool RecursionDesired { get; }
        public bool RecursionAvailable { get; }
        public bool AuthenticData { get; }
        public bool CheckingDisabled { get; }
        public IReadOnlyList<DnsRecord> Answers { get; }
        public IReadOnlyList<DnsRecord> Authorities { get; }
        public IReadOnlyList<DnsRecord> Additionals { get; }
        public double DurationMs { get; }
        public int MessageSize { get; }

        /// <summary>The header flags that are set, as dig lists them: qr aa tc rd ra ad cd.</summary>
        public string Flags => string.Join(" ", new[]
        {
            "qr",
            IsAuthoritative ? "aa" : null,
            IsTruncated ? "tc" : null,
            RecursionDesired ? "rd" : null,
            RecursionAvailable ? "ra" : null,
            AuthenticData ? "ad" : null,
            CheckingDisabled ? "cd" : null,
        }.Where(f => f != null));

        public override string ToString() =>
            $"{Name} {Type}: {ResponseCode}, {Answers.Count} answers from {Server} in {DurationMs:0.#} ms";
    }

    /// <summary>
    /// The server answered, but not with the records asked for: NXDOMAIN (no such name), NODATA
    /// (the name exists without records of the type), SERVFAIL, REFUSED or another error code.
    /// </summary>
    public sealed class DnsQueryException : NetworkException
    {
        public const string NoData = "NODATA";

        public DnsQueryException(string message, string name, DnsRecordType type, string responseCode, DnsResponse response)
            : base(responseCode == nameof(DnsResponseCode.NXDOMAIN) || responseCode == NoData ? NetworkErrorKind.NameResolution : NetworkErrorKind.RemoteError,
                message, name, null, responseCode)
        {
            Name = name;
            Type = type;
            ResponseCode = responseCode;
            Response = response;
        }

        public string Name { get; }
        public DnsRecordType Type { get; }
        /// <summary>NXDOMAIN, NODATA, SERVFAIL, REFUSED …</summary>
        public string ResponseCode { get; }
        public DnsResponse Response { get; }
    }
}
