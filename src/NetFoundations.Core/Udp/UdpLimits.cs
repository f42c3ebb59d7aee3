using System.Net.Sockets;

namespace NetFoundations.Core.Udp
{
    /// <summary>Sizes that bound a UDP datagram.</summary>
    public static class UdpLimits
    {
        /// <summary>65535 (IPv4 total length) - 20 (IPv4 header) - 8 (UDP header).</summary>
        public const int MaxPayloadIPv4 = 65507;

        /// <summary>65535 (IPv6 payload length, which counts the UDP header) - 8 (UDP header).</summary>
        public const int MaxPayloadIPv6 = 65527;

        public const int UdpHeader = 8;

        public static int MaxPayload(AddressFamily family) =>
            family == AddressFamily.InterNetworkV6 ? MaxPayloadIPv6 : MaxPayloadIPv4;

        public static int IpHeader(AddressFamily family) =>
            family == AddressFamily.InterNetworkV6 ? 40 : 20;

        internal static void CheckPayload(int length, AddressFamily family, string target)
        {
            var max = MaxPayload(family);
            if (length > max)
                throw new InvalidNetworkRequestException(
                    $"A datagram of {length} bytes is larger than UDP over {(family == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4")} can carry ({max} bytes); nothing was sent to {target}.",
                    target);
        }
    }
}
