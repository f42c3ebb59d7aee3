using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace NetFoundations.Core.Dns
{
    /// <summary>The failures getaddrinfo reports, by their POSIX names (EAI_*); each platform numbers them differently.</summary>
    internal enum ResolverError
    {
        NoName,
        NoData,
        AddressFamily,
        Again,
        Fail,
        Family,
        SocketType,
        Service,
        BadFlags,
        Memory,
        System,
        Overflow,
        Unknown,
    }

    /// <summary>
    /// The platform's getaddrinfo, called as every program calls it: libc's on Linux (glibc, musl) and macOS,
    /// ws2_32's GetAddrInfoW on Windows; other systems get PlatformNotSupportedException. It blocks until the
    /// resolver answers and cannot be cancelled: callers run it on a thread they can leave behind.
    /// </summary>
    internal static class SystemResolver
    {
        private const int AiCanonName = 2; // the same value on Linux, macOS and Windows
        private const int AfUnspec = 0;
        private const int AfInet = 2;

        private static readonly bool IsWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        private static readonly bool IsMac = RuntimeInformation.IsOSPlatform(OSPlatform.OSX);
        private static readonly bool IsLinux = RuntimeInformation.IsOSPlatform(OSPlatform.Linux);
        private static readonly Lazy<int> WinsockStarted = new Lazy<int>(StartWinsock);

        /// <summary>
        /// One call to getaddrinfo with these hints and AI_CANONNAME; the entries in the resolver's order. The
        /// canonical name, which getaddrinfo puts on the first entry only, is given to every entry.
        /// </summary>
        public static IReadOnlyList<AddressInfo> Resolve(string host, string? service, AddressFamily? family, SocketType? socketType)
        {
            if (!IsWindows && !IsMac && !IsLinux)
                throw new PlatformNotSupportedException("Get-AddressInfo calls getaddrinfo on Linux, macOS and Windows only.");
            var hints = new Hints
            {
                Flags = AiCanonName,
                Family = family == null ? AfUnspec : family == AddressFamily.InterNetwork ? AfInet : AfInet6,
                SocketType = socketType == null ? 0 : (int)socketType.Value,
            };
            var list = IntPtr.Zero;
            try
            {
                int code;
                if (IsWindows)
                {
                    _ = WinsockStarted.Value;
                    code = GetAddrInfoW(host, service, ref hints, out list);
                }
                else
                {
                    code = getaddrinfo(host, service, ref hints, out list);
                }
                if (code != 0)
                    throw Translate(Classify(code, CurrentPlatform), Describe(code), host, service);
                return Read(list, host);
            }
            finally
            {
                if (list != IntPtr.Zero)
                {
                    if (IsWindows)
                        FreeAddrInfoW(list);
                    else
                        freeaddrinfo(list);
                }
            }
        }

        private static OSPlatform CurrentPlatform => IsWindows ? OSPlatform.Windows : IsMac ? OSPlatform.OSX : OSPlatform.Linux;

        private static int AfInet6 => IsWindows ? 23 : IsMac ? 30 : 10;

        /// <summary>
        /// Walks the list. struct addrinfo begins with four ints and the address length (socklen_t, or size_t on
        /// Windows), then three pointers; Linux puts ai_addr before ai_canonname, macOS and Windows the other way.
        /// </summary>
        private static IReadOnlyList<AddressInfo> Read(IntPtr list, string host)
        {
            var pointers = 16 + IntPtr.Size;
            var addressSlot = IsLinux ? 0 : 1;
            var canonicalSlot = IsLinux ? 1 : 0;
            var entries = new List<(AddressFamily Family, SocketType Type, ProtocolType Protocol, IPAddress Address, int Port)>();
            string? canonical = null;
            for (var node = list; node != IntPtr.Zero; node = Marshal.ReadIntPtr(node, pointers + 2 * IntPtr.Size))
            {
                var nativeFamily = Marshal.ReadInt32(node, 4);
                var socketType = (SocketType)Marshal.ReadInt32(node, 8);
                var protocol = (ProtocolType)Marshal.ReadInt32(node, 12);
                var address = Marshal.ReadIntPtr(node, pointers + addressSlot * IntPtr.Size);
                var name = Marshal.ReadIntPtr(node, pointers + canonicalSlot * IntPtr.Size);
                if (canonical == null && name != IntPtr.Zero)
                    canonical = IsWindows ? Marshal.PtrToStringUni(name) : Marshal.PtrToStringAnsi(name);
                if (address == IntPtr.Zero || (nativeFamily != AfInet && nativeFamily != AfInet6))
                    continue;
                var (ip, port) = SocketAddress(address, nativeFamily == AfInet6);
                entries.Add((ip.AddressFamily, socketType, protocol, ip, port));
            }
            var canonicalName = string.IsNullOrEmpty(canonical) ? host : canonical!;
            return entries.ConvertAll(e => new AddressInfo(e.Family, e.Type, e.Protocol, e.Address, e.Port, canonicalName));
        }

        /// <summary>sockaddr_in and sockaddr_in6 agree on every platform past the family field: port at 2, the address at 4 (IPv4) or 8 (IPv6), the scope at 24.</summary>
        private static (IPAddress Address, int Port) SocketAddress(IntPtr address, bool v6)
        {
            var port = (Marshal.ReadByte(address, 2) << 8) | Marshal.ReadByte(address, 3);
            var bytes = new byte[v6 ? 16 : 4];
            Marshal.Copy(address + (v6 ? 8 : 4), bytes, 0, bytes.Length);
            return (v6 ? new IPAddress(bytes, (uint)Marshal.ReadInt32(address, 24)) : new IPAddress(bytes), port);
        }

        /// <summary>The resolver's own words for a failure: gai_strerror, and errno's text for EAI_SYSTEM; Windows' message for its code.</summary>
        private static string Describe(int code)
        {
            if (IsWindows)
                return new Win32Exception(code).Message;
            var errno = Marshal.GetLastWin32Error();
            var text = Marshal.PtrToStringAnsi(gai_strerror(code)) ?? $"getaddrinfo error {code}";
            return Classify(code, CurrentPlatform) == ResolverError.System && errno != 0 ? $"{text}: {new Win32Exception(errno).Message}" : text;
        }

        /// <summary>The EAI_* (or Windows WSA*) code's meaning on a platform.</summary>
        internal static ResolverError Classify(int code, OSPlatform platform)
        {
            if (platform == OSPlatform.Windows)
            {
                return code switch
                {
                    11001 => ResolverError.NoName,         // WSAHOST_NOT_FOUND
                    11004 => ResolverError.NoData,         // WSANO_DATA
                    11002 => ResolverError.Again,          // WSATRY_AGAIN
                    11003 => ResolverError.Fail,           // WSANO_RECOVERY
                    10047 => ResolverError.Family,         // WSAEAFNOSUPPORT
                    10044 => ResolverError.SocketType,     // WSAESOCKTNOSUPPORT
                    10109 => ResolverError.Service,        // WSATYPE_NOT_FOUND
                    10022 => ResolverError.BadFlags,       // WSAEINVAL
                    8 => ResolverError.Memory,             // WSA_NOT_ENOUGH_MEMORY
                    _ => ResolverError.Unknown,
                };
            }
            if (platform == OSPlatform.OSX)
            {
                return code switch
                {
                    1 => ResolverError.AddressFamily,
                    2 => ResolverError.Again,
                    3 => ResolverError.BadFlags,
                    4 => ResolverError.Fail,
                    5 => ResolverError.Family,
                    6 => ResolverError.Memory,
                    7 => ResolverError.NoData,
                    8 => ResolverError.NoName,
                    9 => ResolverError.Service,
                    10 => ResolverError.SocketType,
                    11 => ResolverError.System,
                    12 => ResolverError.BadFlags,          // EAI_BADHINTS
                    14 => ResolverError.Overflow,
                    _ => ResolverError.Unknown,
                };
            }
            return code switch // glibc and musl
            {
                -1 => ResolverError.BadFlags,
                -2 => ResolverError.NoName,
                -3 => ResolverError.Again,
                -4 => ResolverError.Fail,
                -5 => ResolverError.NoData,
                -6 => ResolverError.Family,
                -7 => ResolverError.SocketType,
                -8 => ResolverError.Service,
                -9 => ResolverError.AddressFamily,
                -10 => ResolverError.Memory,
                -11 => ResolverError.System,
                -12 => ResolverError.Overflow,
                _ => ResolverError.Unknown,
            };
        }

        /// <summary>
        /// The book's distinction: the name service said no (the name does not exist or has no address of the
        /// family) versus the name service could not be reached (try again later); a request the resolver
        /// refuses (service, socket type, family, flags) is the caller's mistake.
        /// </summary>
        internal static NetworkException Translate(ResolverError error, string text, string name, string? service) => error switch
        {
            ResolverError.NoName => new NameResolutionException($"The name service says {name} does not exist: {text}", name),
            ResolverError.NoData => new NameResolutionException($"The name service knows {name} but has no address for it: {text}", name),
            ResolverError.AddressFamily => new NameResolutionException($"The name service has no address of that family for {name}: {text}", name),
            ResolverError.Fail => new NameResolutionException($"The name service failed for good on {name}: {text}", name),
            ResolverError.Again => new NetworkUnreachableException(
                $"The name service could not be reached to resolve {name} (a network failure, try again later): {text}", name),
            ResolverError.Service => new InvalidNetworkRequestException($"The service '{service}' is not defined for that socket type: {text}", service),
            ResolverError.SocketType => new InvalidNetworkRequestException($"The resolver does not support that socket type: {text}", name),
            ResolverError.Family => new InvalidNetworkRequestException($"The resolver does not support that address family: {text}", name),
            ResolverError.BadFlags => new InvalidNetworkRequestException($"The resolver refused the request's flags: {text}", name),
            _ => new NameResolutionException($"The system resolver failed on {name}: {text}", name),
        };

        /// <summary>
        /// The hints: flags, family, socket type and protocol, the rest zero. The four pointer-sized fields cover
        /// the address length (with its padding) and the three pointers, so the size fits every layout above.
        /// </summary>
        [StructLayout(LayoutKind.Sequential)]
        private struct Hints
        {
            public int Flags;
            public int Family;
            public int SocketType;
            public int Protocol;
            public IntPtr AddressLength;
            public IntPtr First;
            public IntPtr Second;
            public IntPtr Next;
        }

        private static int StartWinsock()
        {
            // GetAddrInfoW needs Winsock started in the process; the count is never released, like .NET's own.
            var data = Marshal.AllocHGlobal(1024); // WSADATA is about 400 bytes
            try
            {
                var code = WSAStartup(0x0202, data);
                if (code != 0)
                    throw new InvalidOperationException($"Winsock could not be started: {new Win32Exception(code).Message}");
                return code;
            }
            finally
            {
                Marshal.FreeHGlobal(data);
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int getaddrinfo(string node, string? service, ref Hints hints, out IntPtr result);

        [DllImport("libc")]
        private static extern void freeaddrinfo(IntPtr list);

        [DllImport("libc")]
        private static extern IntPtr gai_strerror(int code);

        [DllImport("ws2_32", CharSet = CharSet.Unicode)]
        private static extern int GetAddrInfoW(string node, string? service, ref Hints hints, out IntPtr result);

        [DllImport("ws2_32")]
        private static extern void FreeAddrInfoW(IntPtr list);

        [DllImport("ws2_32")]
        private static extern int WSAStartup(ushort version, IntPtr data);
    }
}
