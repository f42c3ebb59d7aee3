using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;

namespace NetFoundations.Core.Tls
{
    /// <summary>Certificates to and from PEM, and client certificates from PFX or PEM files.</summary>
    public static class TlsPem
    {
        private static readonly Regex CertificateBlock = new Regex(
            "-----BEGIN CERTIFICATE-----(?<body>[A-Za-z0-9+/=\\s]*?)-----END CERTIFICATE-----", RegexOptions.CultureInvariant);

        /// <summary>Reads every certificate of a PEM bundle (a CA file).</summary>
        public static X509Certificate2Collection ReadCertificates(string path)
        {
            var certificates = ParseCertificates(File.ReadAllText(path));
            if (certificates.Count == 0)
                throw new InvalidNetworkRequestException($"{path} holds no PEM certificate (-----BEGIN CERTIFICATE-----).", path);
            return certificates;
        }

        public static X509Certificate2Collection ParseCertificates(string pem)
        {
            var certificates = new X509Certificate2Collection();
            foreach (Match block in CertificateBlock.Matches(pem))
            {
                try
                {
                    certificates.Add(new X509Certificate2(Convert.FromBase64String(block.Groups["body"].Value)));
                }
                catch (Exception e) when (e is FormatException || e is CryptographicException)
                {
                    throw new InvalidNetworkRequestException($"A PEM certificate block is not a valid certificate: {e.Message}", null, e);
                }
            }
            return certificates;
        }

        public static string ToPem(IEnumerable<X509Certificate2> certificates)
        {
            var text = new StringBuilder();
            foreach (var certificate in certificates)
            {
                text.Append("-----BEGIN CERTIFICATE-----\n");
                var base64 = Convert.ToBase64String(certificate.RawData);
                for (var i = 0; i < base64.Length; i += 64)
                    text.Append(base64, i, Math.Min(64, base64.Length - i)).Append('\n');
                text.Append("-----END CERTIFICATE-----\n");
            }
            return text.ToString();
        }

        /// <summary>
        /// Loads a client certificate with its private key: a PFX/PKCS#12 file (password optional), or PEM — the
        /// certificate in path and an unencrypted key in keyPath, or both in path. PEM needs .NET 5 or later
        /// (PowerShell 7); an encrypted key must come as PFX.
        /// </summary>
        public static X509Certificate2 LoadClientCertificate(string path, string? keyPath, SecureString? password) =>
            LoadWithKey(path, keyPath, password, "a client certificate");

        /// <summary>
        /// Loads a server certificate with its private key: a PFX/PKCS#12 file (password optional), or PEM — the
        /// certificate in path and an unencrypted key in keyPath, or both in path. PEM needs .NET 5 or later
        /// (PowerShell 7); an encrypted key must come as PFX.
        /// </summary>
        public static X509Certificate2 LoadServerCertificate(string path, string? keyPath, SecureString? password) =>
            LoadWithKey(path, keyPath, password, "a server certificate");

        private static X509Certificate2 LoadWithKey(string path, string? keyPath, SecureString? password, string role)
        {
            var bytes = File.ReadAllBytes(path);
            X509Certificate2 certificate;
            if (keyPath != null)
            {
                if (!LooksLikePem(bytes))
                    throw new InvalidNetworkRequestException($"{path} is not a PEM certificate: a separate key file goes with a PEM certificate only.", path);
                certificate = LoadPem(path, keyPath, File.ReadAllBytes(keyPath));
            }
            else
            {
                certificate = LooksLikePem(bytes) ? LoadPem(path, null, bytes) : LoadPfx(path, password);
            }
            if (!certificate.HasPrivateKey)
            {
                certificate.Dispose();
                throw new InvalidNetworkRequestException($"{path} has no private key for its certificate: {role} needs one.", path);
            }
            return certificate;
        }

        private static bool LooksLikePem(byte[] bytes) =>
            Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 4096)).IndexOf("-----BEGIN ", StringComparison.Ordinal) >= 0;

        private static X509Certificate2 LoadPfx(string path, SecureString? password)
        {
            try
            {
                return new X509Certificate2(path, password ?? new SecureString());
            }
            catch (CryptographicException e)
            {
                throw new InvalidNetworkRequestException($"{path} could not be opened as PFX (wrong password, or not a PFX/PEM file): {e.Message}", path, e);
            }
        }

        /// <summary>keyBytes: the key file's (keyPath), else the certificate file's own.</summary>
        private static X509Certificate2 LoadPem(string path, string? keyPath, byte[] keyBytes)
        {
            var keyFile = keyPath ?? path;
            var text = Encoding.ASCII.GetString(keyBytes);
            if (text.IndexOf("ENCRYPTED", StringComparison.Ordinal) >= 0)
                throw new InvalidNetworkRequestException($"The private key in {keyFile} is encrypted: give the certificate and key as a PFX file with its password instead.", keyFile);
            var createFromPemFile = typeof(X509Certificate2).GetMethod(
                "CreateFromPemFile", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(string), typeof(string) }, null);
            if (createFromPemFile == null)
                throw new InvalidNetworkRequestException($"PEM certificates with their keys need PowerShell 7 (.NET 5 or later); give {path} as a PFX file here.", path);
            X509Certificate2 fromPem;
            try
            {
                fromPem = (X509Certificate2)createFromPemFile.Invoke(null, new object?[] { path, keyPath })!;
            }
            catch (TargetInvocationException e) when (e.InnerException is CryptographicException || e.InnerException is ArgumentException)
            {
                var what = keyPath == null ? $"{path} does not hold a certificate and its private key" : $"{path} and {keyPath} do not hold a certificate and its private key";
                throw new InvalidNetworkRequestException($"{what} in PEM: {e.InnerException.Message}", path, e.InnerException);
            }
            // A key from PEM lives only in memory, which SslStream on Windows cannot use; a PFX round trip gives it a home.
            using (fromPem)
                return new X509Certificate2(fromPem.Export(X509ContentType.Pkcs12));
        }
    }
}
