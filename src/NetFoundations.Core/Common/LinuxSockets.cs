using System;
using System.ComponentModel;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace NetFoundations.Core
{
    /// <summary>
    /// Linux socket options that netstandard2.0 has no API for, set with libc's setsockopt and
    /// getsockopt on the socket's descriptor. Callers check IsLinux first.
    /// </summary>
    internal static class LinuxSockets
    {
        private const int SolIp = 0;
        private const int SolIpv6 = 41;
        private const int IpMtuDiscover = 10;
        private const int IpRecvErr = 11;
        private const int IpMtu = 14;
        private const int Ipv6MtuDiscover = 23;
        private const int Ipv6Mtu = 24;
        private const int Ipv6RecvErr = 25;
        private const int PmtuDiscDo = 2;

        public static bool IsLinux => RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

        /// <summary>
        /// IP_RECVERR: lets an unconnected socket hear ICMP errors (port unreachable) for what it
        /// sent, which Linux otherwise reports to connected sockets only. Best effort.
        /// </summary>
        public static void ReportIcmpErrors(Socket socket)
        {
            if (!IsLinux)
                return;
            var v6 = socket.AddressFamily == AddressFamily.InterNetworkV6;
            var on = 1;
            setsockopt(Descriptor(socket), v6 ? SolIpv6 : SolIp, v6 ? Ipv6RecvErr : IpRecvErr, ref on, sizeof(int));
        }

        /// <summary>IP_MTU_DISCOVER = IP_PMTUDISC_DO: set Don't Fragment and refuse to send datagrams larger than the path MTU.</summary>
        public static void ForbidFragmentation(Socket socket)
        {
            var v6 = socket.AddressFamily == AddressFamily.InterNetworkV6;
            var value = PmtuDiscDo;
            if (setsockopt(Descriptor(socket), v6 ? SolIpv6 : SolIp, v6 ? Ipv6MtuDiscover : IpMtuDiscover, ref value, sizeof(int)) != 0)
                throw Failure("setsockopt(IP_MTU_DISCOVER)");
        }

        /// <summary>IP_MTU: the kernel's path MTU for the connected socket's destination.</summary>
        public static int PathMtu(Socket socket)
        {
            var v6 = socket.AddressFamily == AddressFamily.InterNetworkV6;
            var length = (uint)sizeof(int);
            if (getsockopt(Descriptor(socket), v6 ? SolIpv6 : SolIp, v6 ? Ipv6Mtu : IpMtu, out var mtu, ref length) != 0)
                throw Failure("getsockopt(IP_MTU)");
            return mtu;
        }

        private static int Descriptor(Socket socket) => socket.Handle.ToInt32();

        private static Exception Failure(string call)
        {
            var errno = Marshal.GetLastWin32Error();
            return new InvalidNetworkRequestException($"{call} failed: {new Win32Exception(errno).Message} (errno {errno}).", null);
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int setsockopt(int socket, int level, int name, ref int value, uint length);

        [DllImport("libc", SetLastError = true)]
        private static extern int getsockopt(int socket, int level, int name, out int value, ref uint length);
    }
}
