using System;
using System.Collections.Generic;
using System.Security.Authentication;

namespace NetFoundations.Core.Tls
{
    /// <summary>The TLS protocol versions a client can ask for.</summary>
    public enum TlsVersion : long
    {
        Tls10,
        Tls11,
        Tls12,
        Tls13,
    }

    internal static class TlsVersions
    {
        // netstandard2.0 has no SslProtocols.Tls13; the runtimes that support it use this value.
        private const SslProtocols Tls13 = (SslProtocols)12288;

        public static readonly TlsVersion[] All = { TlsVersion.Tls10, TlsVersion.Tls11, TlsVersion.Tls12, TlsVersion.Tls13 };

        /// <summary>The SslProtocols for versions; none given means the system's default choice.</summary>
        public static SslProtocols ToSslProtocols(IEnumerable<TlsVersion>? versions)
        {
            var protocols = SslProtocols.None;
            if (versions != null)
                foreach (var version in versions)
                    protocols |= ToSslProtocols(version);
            return protocols;
        }

#pragma warning disable CS0618 // TLS 1.0 and 1.1 are obsolete, and testing for them is the point.
        public static SslProtocols ToSslProtocols(TlsVersion version) => version switch
        {
            TlsVersion.Tls10 => SslProtocols.Tls,
            TlsVersion.Tls11 => SslProtocols.Tls11,
            TlsVersion.Tls12 => SslProtocols.Tls12,
            TlsVersion.Tls13 => Tls13,
            _ => throw new ArgumentOutOfRangeException(nameof(version), version, null),
        };

        public static TlsVersion? FromSslProtocols(SslProtocols protocol) => protocol switch
        {
            SslProtocols.Tls => TlsVersion.Tls10,
            SslProtocols.Tls11 => TlsVersion.Tls11,
            SslProtocols.Tls12 => TlsVersion.Tls12,
            Tls13 => TlsVersion.Tls13,
            _ => null,
        };
#pragma warning restore CS0618

        public static string Describe(TlsVersion version) => version switch
        {
            TlsVersion.Tls10 => "TLS 1.0",
            TlsVersion.Tls11 => "TLS 1.1",
            TlsVersion.Tls12 => "TLS 1.2",
            _ => "TLS 1.3",
        };
    }
}
