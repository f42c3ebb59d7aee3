using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Dns
{
    /// <summary>The mail routing of RFC 5321 section 5.1, with RFC 7505's null MX.</summary>
    public static class MailExchanges
    {
        public static async Task<IReadOnlyList<MailExchange>> ResolveAsync(DnsResolver resolver, string domain, Transcript? transcript,
            CancellationToken cancellationToken)
        {
            var name = DnsNames.Display(domain.Trim());
            IReadOnlyList<DnsRecord> records;
            try
            {
                records = await resolver.ResolveAsync(name, DnsRecordType.MX, transcript, cancellationToken).ConfigureAwait(false);
            }
            catch (DnsQueryException e) when (e.ResponseCode == DnsQueryException.NoData)
            {
                var own = await AddressesAsync(resolver, name, transcript, cancellationToken).ConfigureAwait(false);
                if (own.Addresses.Count == 0)
                    throw new DnsQueryException($"{name} has neither MX nor address records: mail to it cannot be delivered.",
                        name, DnsRecordType.MX, DnsQueryException.NoData, e.Response);
                return new[] { new MailExchange(name, MailExchangeKind.Implicit, 0, name, own.CanonicalName, own.Addresses, null) };
            }

            var mx = records.OfType<DnsMxRecord>().ToArray();
            if (mx.Length > 0 && mx.All(r => r.IsNullMx))
                return new[] { new MailExchange(name, MailExchangeKind.NullMx, mx[0].Preference, ".", null, Array.Empty<string>(), null) };

            var ordered = mx.Where(r => !r.IsNullMx).OrderBy(r => r.Preference).ThenBy(r => r.Exchange, StringComparer.OrdinalIgnoreCase).ToArray();
            var resolved = await Task.WhenAll(ordered.Select(r => AddressesAsync(resolver, r.Exchange, transcript, cancellationToken))).ConfigureAwait(false);
            return ordered.Select((r, i) => new MailExchange(name, MailExchangeKind.Mx, r.Preference, r.Exchange,
                resolved[i].CanonicalName, resolved[i].Addresses, resolved[i].Problem)).ToArray();
        }

        /// <summary>A host's A and AAAA records, following CNAMEs; a missing family is no problem, a missing host is.</summary>
        private static async Task<(IReadOnlyList<string> Addresses, string? CanonicalName, string? Problem)> AddressesAsync(
            DnsResolver resolver, string host, Transcript? transcript, CancellationToken cancellationToken)
        {
            var families = await Task.WhenAll(
                TryResolveAsync(resolver, host, DnsRecordType.A, transcript, cancellationToken),
                TryResolveAsync(resolver, host, DnsRecordType.AAAA, transcript, cancellationToken)).ConfigureAwait(false);
            var records = families.SelectMany(f => f.Records).ToArray();
            var addresses = records.OfType<DnsAddressRecord>().Select(r => r.Address).ToArray();
            var alias = records.OfType<DnsCnameRecord>().LastOrDefault();
            var problem = addresses.Length > 0 ? null : families.Select(f => f.Problem).FirstOrDefault(p => p != null) ?? $"{host} has no A or AAAA records.";
            return (addresses, alias?.NameHost, problem);
        }

        private static async Task<(IReadOnlyList<DnsRecord> Records, string? Problem)> TryResolveAsync(
            DnsResolver resolver, string host, DnsRecordType type, Transcript? transcript, CancellationToken cancellationToken)
        {
            try
            {
                return (await resolver.ResolveAsync(host, type, transcript, cancellationToken).ConfigureAwait(false), null);
            }
            catch (DnsQueryException e) when (e.ResponseCode == DnsQueryException.NoData)
            {
                return (Array.Empty<DnsRecord>(), null);
            }
            catch (NetworkException e)
            {
                return (Array.Empty<DnsRecord>(), e.Message);
            }
        }
    }
}
