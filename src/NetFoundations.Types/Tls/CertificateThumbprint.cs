using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NetFoundations.Core.Tls
{
    internal static class CertificateThumbprint
    {
        /// <summary>SHA-256 of the certificate, hexadecimal (upper case, no separators).</summary>
        public static string Sha256(X509Certificate2 certificate)
        {
            using var sha = SHA256.Create();
            return BitConverter.ToString(sha.ComputeHash(certificate.RawData)).Replace("-", string.Empty);
        }
    }
}
