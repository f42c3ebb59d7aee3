using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Udp
{
    /// <summary>
    /// Path MTU discovery as the book's big_sender does it (Linux only): connect a UDP socket,
    /// forbid fragmentation, send a datagram as large as the known MTU allows, and read back
    /// the kernel's path MTU (IP_MTU), which shrinks when a router answers "fragmentation needed".
    /// </summary>
    public static class PathMtu
    {
        /// <summary>How long to wait after a probe for a router's "fragmentation needed" to arrive.</summary>
        public static readonly TimeSpan ProbeWait = TimeSpan.FromSeconds(0.25);

        public const int MaxProbes = 8;

        /// <param name="addresses">The addresses that came with the name (a DNS record's), or null to resolve it.</param>
        public static async Task<PathMtuResult> MeasureAsync(string computerName, IReadOnlyList<IPAddress>? addresses, int port, TimeSpan resolveTimeout,
            Transcript transcript, CancellationToken cancellationToken)
        {
            if (!LinuxSockets.IsLinux)
                throw new InvalidNetworkRequestException(
                    $"Measuring the path MTU needs Linux's IP_MTU socket option, which {RuntimeInformation.OSDescription} does not have.", computerName);
            Endpoints.ValidatePort(port);
            var target = Endpoints.Format(computerName, port);
            var address = (await Endpoints.AddressesAsync(computerName, addresses, resolveTimeout, cancellationToken).ConfigureAwait(false))[0];
            var family = address.AddressFamily;

            using var socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
            using var cancel = cancellationToken.Register(socket.Dispose);
            try
            {
                socket.Connect(new IPEndPoint(address, port));
                LinuxSockets.ForbidFragmentation(socket);
                var mtu = LinuxSockets.PathMtu(socket);
                transcript.Note($"path MTU to {address} known to the kernel: {mtu}");
                var probes = 0;
                while (probes < MaxProbes)
                {
                    var size = Math.Min(UdpLimits.MaxPayload(family), mtu - UdpLimits.IpHeader(family) - UdpLimits.UdpHeader);
                    var delivered = Probe(socket, size, transcript);
                    probes++;
                    await Task.Delay(ProbeWait, cancellationToken).ConfigureAwait(false);
                    var now = LinuxSockets.PathMtu(socket);
                    if (now == mtu && delivered)
                        break;
                    transcript.Note($"path MTU now {now}");
                    mtu = now;
                }
                return new PathMtuResult(computerName, address, mtu,
                    Math.Min(UdpLimits.MaxPayload(family), mtu - UdpLimits.IpHeader(family) - UdpLimits.UdpHeader), probes);
            }
            catch (Exception e) when (cancellationToken.IsCancellationRequested && (e is SocketException || e is ObjectDisposedException))
            {
                throw new OperationCanceledException(cancellationToken);
            }
            catch (SocketException e)
            {
                throw SocketErrors.Translate(e, target);
            }
        }

        /// <summary>Sends one probe with Don't Fragment; false when the kernel refused it as larger than the path MTU.</summary>
        private static bool Probe(Socket socket, int size, Transcript transcript)
        {
            var probe = new byte[size];
            for (var i = 0; i < probe.Length; i++)
                probe[i] = (byte)'#';
            try
            {
                socket.Send(probe);
                transcript.Note($"probe of {size} bytes, Don't Fragment");
                transcript.Sent(probe, 0, probe.Length);
                return true;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.MessageSize)
            {
                transcript.Note($"a probe of {size} bytes is larger than the path MTU the kernel now knows");
                return false;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                // ICMP port unreachable for the previous probe: it reached the host whole.
                transcript.Note("the host answered the previous probe with port unreachable: it arrived whole");
                return true;
            }
        }
    }
}
