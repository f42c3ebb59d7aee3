using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core
{
    /// <summary>Name resolution through the system resolver, with the project's errors and a timeout.</summary>
    public static class Endpoints
    {
        public static void ValidatePort(int port, string parameterName = "port")
        {
            if (port < 1 || port > 65535)
                throw new ArgumentOutOfRangeException(parameterName, port, "A port is a number from 1 to 65535.");
        }

        /// <summary>Formats host and port as host:port, with brackets around IPv6 addresses.</summary>
        public static string Format(string host, int port) =>
            host.IndexOf(':') >= 0 && !host.StartsWith("[", StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";

        /// <summary>
        /// The addresses to connect to for host: those that came with it (a DNS record's Address, a mail exchange's
        /// Addresses), as they are and in their order, or else host resolved as ResolveAsync does. A name that came
        /// with addresses is never resolved again: they may come from a resolver the system does not use, and the
        /// name stays only for display, TLS and host keys.
        /// </summary>
        public static Task<IPAddress[]> AddressesAsync(string host, IReadOnlyList<IPAddress>? given, TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (given == null || given.Count == 0)
                return ResolveAsync(host, null, timeout, cancellationToken);
            if (given.Any(a => a == null))
                throw new ArgumentException("An address given for a host cannot be null.", nameof(given));
            return Task.FromResult(given.ToArray());
        }

        /// <summary>
        /// Resolves a host name or address literal to addresses, preferred family first.
        /// A literal is returned as is without asking any resolver.
        /// </summary>
        public static async Task<IPAddress[]> ResolveAsync(string host, AddressFamily? family, TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (string.IsNullOrWhiteSpace(host))
                throw new ArgumentException("A host name or address is needed.", nameof(host));
            var literal = host.Trim().TrimStart('[').TrimEnd(']');
            if (IPAddress.TryParse(literal, out var address))
            {
                if (family.HasValue && address.AddressFamily != family.Value)
                    throw new InvalidNetworkRequestException($"{host} is not an {Describe(family.Value)} address.", host);
                return new[] { address };
            }

            var lookup = System.Net.Dns.GetHostAddressesAsync(literal);
            var finished = await Task.WhenAny(lookup, Task.Delay(timeout, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (finished != lookup)
            {
                _ = lookup.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                throw new NetworkTimeoutException($"Resolving {host} took longer than {timeout.TotalSeconds:0.###} s.", host);
            }

            IPAddress[] addresses;
            try
            {
                addresses = await lookup.ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                throw new NameResolutionException($"The name {host} could not be resolved: {e.Message}", host, e);
            }

            var usable = addresses.Where(a => family == null || a.AddressFamily == family.Value)
                .OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)
                .ToArray();
            if (usable.Length == 0)
            {
                var kind = family.HasValue ? Describe(family.Value) + " " : string.Empty;
                throw new NameResolutionException($"The name {host} has no {kind}address.", host);
            }
            return usable;
        }

        private static string Describe(AddressFamily family) =>
            family == AddressFamily.InterNetworkV6 ? "IPv6" : family == AddressFamily.InterNetwork ? "IPv4" : family.ToString();
    }
}
