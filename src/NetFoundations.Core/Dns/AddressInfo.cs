using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Dns
{
    /// <summary>The system resolver's view of a name (hosts file, DNS, whatever the system is set up with), like getaddrinfo.</summary>
    public static class AddressInfoLookup
    {
        public static async Task<IReadOnlyList<AddressInfo>> GetAsync(string host, string? service, AddressFamily? family, SocketType? socketType,
            TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (string.IsNullOrWhiteSpace(host))
                throw new ArgumentException("A host name or address is needed.", nameof(host));
            if (family.HasValue && family != AddressFamily.InterNetwork && family != AddressFamily.InterNetworkV6)
                throw new ArgumentException("The family is InterNetwork (IPv4) or InterNetworkV6 (IPv6).", nameof(family));
            if (socketType.HasValue && socketType != SocketType.Stream && socketType != SocketType.Dgram)
                throw new ArgumentException("The socket type is Stream (TCP) or Dgram (UDP).", nameof(socketType));
            var name = host.Trim();
            var (port, protocols) = Service(service);
            var types = new[] { SocketType.Stream, SocketType.Dgram }
                .Where(t => (socketType == null || t == socketType) && protocols.Contains(t == SocketType.Stream ? ProtocolType.Tcp : ProtocolType.Udp))
                .ToArray();
            if (types.Length == 0)
                throw new InvalidNetworkRequestException($"The service {service} is not defined for {socketType} sockets.", service);

            var (canonical, addresses) = await LookupAsync(name, timeout, cancellationToken).ConfigureAwait(false);
            var usable = addresses.Where(a => family == null || a.AddressFamily == family).ToArray();
            if (usable.Length == 0)
                throw new NameResolutionException($"The name {name} has no {(family == AddressFamily.InterNetworkV6 ? "IPv6 " : family == AddressFamily.InterNetwork ? "IPv4 " : string.Empty)}address.", name);
            return usable.SelectMany(a => types.Select(t => new AddressInfo(a.AddressFamily, t, t == SocketType.Stream ? ProtocolType.Tcp : ProtocolType.Udp,
                a, port, canonical))).ToArray();
        }

        private static async Task<(string Canonical, IPAddress[] Addresses)> LookupAsync(string name, TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (DnsNames.TryParseAddress(name, out var literal))
                return (literal.ToString(), new[] { literal });
            var lookup = System.Net.Dns.GetHostEntryAsync(name);
            var finished = await Task.WhenAny(lookup, Task.Delay(timeout, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (finished != lookup)
            {
                _ = lookup.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                throw new NetworkTimeoutException($"The system resolver did not resolve {name} within {timeout.TotalSeconds:0.###} s.", name);
            }
            try
            {
                var entry = await lookup.ConfigureAwait(false);
                return (entry.HostName, entry.AddressList);
            }
            catch (SocketException e)
            {
                throw Translate(e, name);
            }
        }

        /// <summary>
        /// The book's distinction: the name service said no (the name does not exist or has no
        /// address) versus the name service could not be reached (a network failure).
        /// </summary>
        public static NetworkException Translate(SocketException error, string name) => error.SocketErrorCode switch
        {
            SocketError.HostNotFound => new NameResolutionException($"The name service says {name} does not exist: {error.Message}", name, error),
            SocketError.NoData => new NameResolutionException($"The name service knows {name} but has no address for it: {error.Message}", name, error),
            SocketError.TryAgain => new NetworkUnreachableException(
                $"The name service could not be reached to resolve {name} (a network failure, try again later): {error.Message}", name, error),
            _ => SocketErrors.Translate(error, name),
        };

        /// <summary>A port number or a service name from the services file; no service means port 0 for TCP and UDP.</summary>
        public static (int Port, IReadOnlyCollection<ProtocolType> Protocols) Service(string? service)
        {
            var both = new[] { ProtocolType.Tcp, ProtocolType.Udp };
            if (string.IsNullOrWhiteSpace(service))
                return (0, both);
            var text = service!.Trim();
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                Endpoints.ValidatePort(number, nameof(service));
                return (number, both);
            }
            var found = ServicesFile()
                .Select(line => line.Split('#')[0].Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries))
                .Where(fields => fields.Length >= 2 && fields[1].Contains('/')
                    && fields.Where((f, i) => i != 1).Any(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase)))
                .Select(fields => fields[1].Split('/'))
                .ToArray();
            if (found.Length == 0)
                throw new InvalidNetworkRequestException($"The service '{text}' is not in the services file: give a port number.", text);
            var protocols = found.Select(p => string.Equals(p[1], "udp", StringComparison.OrdinalIgnoreCase) ? ProtocolType.Udp : ProtocolType.Tcp).Distinct().ToArray();
            return (int.Parse(found[0][0], CultureInfo.InvariantCulture), protocols);
        }

        private static IEnumerable<string> ServicesFile()
        {
            var path = RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.System), "drivers", "etc", "services")
                : "/etc/services";
            return File.Exists(path) ? File.ReadLines(path) : Enumerable.Empty<string>();
        }
    }
}
