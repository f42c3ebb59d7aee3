using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;

namespace NetFoundations.Core.Dns
{
    /// <summary>
    /// One name's lookup as a sequence of questions: the first, then the end of each CNAME chain
    /// that leaves what a server answered for. The same steps serve DnsResolver's awaited lookups
    /// and DnsUdpBatch's socket loop.
    /// </summary>
    internal sealed class CnameChain
    {
        private readonly List<DnsRecord> records = new List<DnsRecord>();
        private readonly string firstQuestion;
        private HashSet<string>? visited;

        /// <summary>A lookup of name: an address literal asks for its PTR; no type means A. Throws ArgumentException for an empty name.</summary>
        public CnameChain(string name, DnsRecordType? type, bool wholeResponse)
        {
            Name = name;
            (Question, Type) = DnsNames.Question(name, type);
            firstQuestion = Question;
            WholeResponse = wholeResponse;
        }

        /// <summary>The name as given.</summary>
        public string Name { get; }
        /// <summary>When the lookup began (Stopwatch ticks): its TotalTimeout counts from here, wherever it goes on.</summary>
        public long Started { get; } = Stopwatch.GetTimestamp();
        /// <summary>The name to ask next: the given one, then the end of each chain followed.</summary>
        public string Question { get; private set; }
        public DnsRecordType Type { get; }
        /// <summary>Only the first response is wanted, whole and whatever its response code.</summary>
        public bool WholeResponse { get; }
        public DnsResponse? Response { get; private set; }
        /// <summary>The records found: the CNAMEs followed, then those of the type asked.</summary>
        public IReadOnlyList<DnsRecord> Records => records;

        /// <summary>
        /// Takes the response to Question: true when the lookup is complete, false when Question is
        /// now the next name to ask. Throws DnsQueryException for NXDOMAIN, NODATA and error responses,
        /// ProtocolViolationException for a chain that loops or runs too long.
        /// </summary>
        public bool Take(DnsResponse response)
        {
            if (WholeResponse)
            {
                Response = response;
                return true;
            }
            ThrowOnError(response, Question, Type);
            if (Type == DnsRecordType.CNAME || Type == DnsRecordType.ANY)
            {
                if (response.Answers.Count == 0)
                    throw NoData(response, Question, Type);
                records.AddRange(response.Answers);
                return true;
            }

            var followed = false;
            while (true)
            {
                var found = false;
                DnsCnameRecord? alias = null;
                foreach (var answer in response.Answers)
                {
                    if (answer.Type == Type && DnsNames.Same(answer.Name, Question))
                    {
                        records.Add(answer);
                        found = true;
                    }
                    else if (alias == null && answer is DnsCnameRecord cname && DnsNames.Same(cname.Name, Question))
                    {
                        alias = cname;
                    }
                }
                if (found)
                    return true;
                if (alias == null)
                    break;
                visited ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase) { firstQuestion };
                if (!visited.Add(DnsNames.Display(alias.NameHost)))
                    throw new ProtocolViolationException($"The CNAME chain of {Name} loops back to {alias.NameHost}.", Target(Name, Type));
                if (visited.Count > DnsResolver.MaxCnameHops + 1)
                    throw new ProtocolViolationException($"The CNAME chain of {Name} is longer than {DnsResolver.MaxCnameHops} names.", Target(Name, Type));
                records.Add(alias);
                Question = alias.NameHost;
                followed = true;
            }
            if (!followed)
                throw NoData(response, Question, Type);
            // The chain leaves what this server answered for: its end is the next question.
            return false;
        }

        /// <summary>The outcome once complete.</summary>
        public DnsLookup Outcome() => new DnsLookup(Name, WholeResponse ? null : records, Response, null);

        public static string Target(string name, DnsRecordType type) => $"{DnsNames.Display(name)} {type}";

        private static void ThrowOnError(DnsResponse response, string name, DnsRecordType type)
        {
            if (response.ResponseCode == DnsResponseCode.NOERROR)
                return;
            var meaning = response.ResponseCode switch
            {
                DnsResponseCode.NXDOMAIN => "the name does not exist",
                DnsResponseCode.SERVFAIL => "the server failed to answer",
                DnsResponseCode.REFUSED => "the server refused to answer",
                DnsResponseCode.FORMERR => "the server could not read the query",
                DnsResponseCode.NOTIMP => "the server does not implement this kind of query",
                _ => "the server answered with an error",
            };
            throw new DnsQueryException($"{name} {type}: {meaning} ({response.ResponseCode} from {response.Server}).",
                name, type, response.ResponseCode.ToString(), response);
        }

        private static DnsQueryException NoData(DnsResponse response, string name, DnsRecordType type) =>
            new DnsQueryException($"{name} exists but has no {type} records (NODATA from {response.Server}).",
                name, type, DnsQueryException.NoData, response);
    }
}
