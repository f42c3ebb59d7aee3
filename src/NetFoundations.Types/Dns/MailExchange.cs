using System.Collections.Generic;

namespace NetFoundations.Core.Dns
{
    /// <summary>Where a domain's mail goes: listed MX, the implicit MX (the domain itself), or a null MX.</summary>
    public enum MailExchangeKind : long
    {
        Mx,
        Implicit,
        NullMx,
    }

    /// <summary>One host that takes a domain's mail, with its addresses, in the order a sender tries them.</summary>
    public sealed class MailExchange
    {
        public const int SmtpPort = 25;

        public MailExchange(string domain, MailExchangeKind kind, int preference, string exchange, string? canonicalName,
            IReadOnlyList<string> addresses, string? problem)
        {
            Domain = domain;
            Kind = kind;
            Preference = preference;
            Exchange = exchange;
            CanonicalName = canonicalName;
            Addresses = addresses;
            Problem = problem;
        }

        public string Domain { get; }
        public MailExchangeKind Kind { get; }
        public int Preference { get; }
        /// <summary>The exchange as the MX names it ("." for a null MX; the domain itself when implicit).</summary>
        public string Exchange { get; }
        /// <summary>Where the exchange's CNAME chain ends, when it is an alias (RFC 5321 says it should not be).</summary>
        public string? CanonicalName { get; }
        /// <summary>IPv4 addresses first, then IPv6, as text; in PowerShell IPAddress objects (NetFoundations.Types.ps1xml).</summary>
        public IReadOnlyList<string> Addresses { get; }
        /// <summary>Why the exchange has no addresses, when it has none.</summary>
        public string? Problem { get; }
        public bool AcceptsMail => Kind != MailExchangeKind.NullMx;
        public string? ComputerName => AcceptsMail ? Exchange : null;
        public int Port => SmtpPort;

        public override string ToString() => AcceptsMail ? $"{Domain}: {Preference} {Exchange}" : $"{Domain}: accepts no mail (null MX)";
    }
}
