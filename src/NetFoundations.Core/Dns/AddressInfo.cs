using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Dns
{
    /// <summary>
    /// The system resolver's view of a name (hosts file, DNS, whatever the system is set up with): the platform's
    /// getaddrinfo, as every program calls it, so the answer is what getent ahosts or Python would get.
    /// </summary>
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
            var serviceName = Service(service);

            // getaddrinfo cannot be cancelled: it runs on a pool thread, which is left to end when the resolver answers.
            var lookup = Task.Run(() => SystemResolver.Resolve(name, serviceName, family, socketType));
            var finished = await Task.WhenAny(lookup, Task.Delay(timeout, cancellationToken)).ConfigureAwait(false);
            if (finished != lookup)
            {
                _ = lookup.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                cancellationToken.ThrowIfCancellationRequested();
                throw new NetworkTimeoutException($"The system resolver did not resolve {name} within {timeout.TotalSeconds:0.###} s.", name);
            }
            var entries = await lookup.ConfigureAwait(false);
            if (entries.Count == 0)
                throw new NameResolutionException($"The system resolver gave no IPv4 or IPv6 address for {name}.", name);
            return entries;
        }

        /// <summary>
        /// The service as getaddrinfo takes it: a port number or a name it looks up in the services file. A number
        /// is checked here, because getaddrinfo takes any number and keeps its low 16 bits.
        /// </summary>
        private static string? Service(string? service)
        {
            if (string.IsNullOrWhiteSpace(service))
                return null;
            var text = service!.Trim();
            if (text.All(c => c >= '0' && c <= '9'))
                Endpoints.ValidatePort(int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : int.MaxValue, nameof(service));
            return text;
        }
    }
}
