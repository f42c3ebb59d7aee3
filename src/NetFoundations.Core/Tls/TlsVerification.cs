using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NetFoundations.Core.Tls
{
    /// <summary>Verifies a server certificate: chain to a trusted root, host name, validity dates.</summary>
    public static class TlsVerifier
    {
        private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";
        private const X509ChainStatusFlags TimeFlags = X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.NotTimeNested;

        /// <summary>
        /// Verifies leaf for serverName. presented: the certificates the server sent (intermediates).
        /// trustedAuthorities: when given, the only roots trusted (like openssl -CAfile); else the system's store.
        /// Revocation is not checked.
        /// </summary>
        public static TlsVerification Verify(X509Certificate2 leaf, IEnumerable<X509Certificate2> presented, string serverName,
            X509Certificate2Collection? trustedAuthorities, DateTime now) =>
            Verify(leaf, presented, serverName, trustedAuthorities, now, preferCustomRootTrust: true);

        /// <summary>
        /// Verifies a client's certificate for a TLS server: chain to a trusted root, dates, and a use that allows client
        /// authentication; there is no name to match (ServerName is empty).
        /// </summary>
        internal static TlsVerification VerifyClient(X509Certificate2 leaf, IEnumerable<X509Certificate2> presented,
            X509Certificate2Collection? trustedAuthorities, DateTime now) =>
            Verify(leaf, presented, null, trustedAuthorities, now, preferCustomRootTrust: true);

        /// <summary>
        /// preferCustomRootTrust false forces the netstandard2.0 fallback (tests use it). A null serverName verifies a
        /// client certificate: no name, and the chain must allow client authentication.
        /// </summary>
        internal static TlsVerification Verify(X509Certificate2 leaf, IEnumerable<X509Certificate2> presented, string? serverName,
            X509Certificate2Collection? trustedAuthorities, DateTime now, bool preferCustomRootTrust)
        {
            using var chain = new X509Chain();
            var policy = chain.ChainPolicy;
            policy.RevocationMode = X509RevocationMode.NoCheck;
            policy.VerificationTime = now;
            if (serverName == null)
                policy.ApplicationPolicy.Add(new Oid(ClientAuthentication));
            foreach (var certificate in presented)
                if (!certificate.RawData.SequenceEqual(leaf.RawData))
                    policy.ExtraStore.Add(certificate);
            var custom = trustedAuthorities != null && trustedAuthorities.Count > 0;
            var customRootTrust = custom && preferCustomRootTrust && TryUseCustomRootTrust(policy, trustedAuthorities!);
            if (custom && !customRootTrust)
            {
                // Build through the bundle as if any root were fine, then require that the root is one of the bundle's.
                policy.ExtraStore.AddRange(trustedAuthorities!);
                policy.VerificationFlags |= X509VerificationFlags.AllowUnknownCertificateAuthority;
            }
            chain.Build(leaf);

            var elements = chain.ChainElements.Cast<X509ChainElement>()
                .Select(e => new TlsChainElement(new X509Certificate2(e.Certificate), e.ChainElementStatus.Select(s => s.Status.ToString()).ToArray()))
                .ToList();
            var statuses = chain.ChainStatus.Where(s => s.Status != X509ChainStatusFlags.NoError).ToList();
            var ignored = TimeFlags | (custom && !customRootTrust ? X509ChainStatusFlags.UntrustedRoot : X509ChainStatusFlags.NoError);
            var trustProblems = statuses.Where(s => (s.Status & ~ignored) != 0).ToList();
            var root = elements.Count > 0 ? elements[elements.Count - 1].Certificate : null;
            var rootInBundle = root != null && custom
                && trustedAuthorities!.Cast<X509Certificate2>().Any(ca => ca.RawData.SequenceEqual(root.RawData));
            var isTrusted = elements.Count > 0 && trustProblems.Count == 0 && (!custom || customRootTrust || rootInBundle);

            var problems = new List<string>();
            if (!isTrusted)
            {
                var why = trustProblems.Count > 0
                    ? string.Join("; ", trustProblems.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}"))
                    : $"its root {root?.Subject} is not in the trusted CA bundle";
                problems.Add($"The certificate chain is not trusted ({why}).");
            }
            var nameMatches = serverName == null || TlsNames.Matches(leaf, serverName);
            if (!nameMatches)
            {
                var names = TlsNames.SubjectAlternativeNames(leaf);
                var shown = names.Length > 0 ? string.Join(", ", names) : "subject " + leaf.Subject;
                problems.Add($"The name {serverName} does not match the certificate ({shown}).");
            }
            var isInDate = true;
            foreach (var element in elements.Count > 0 ? elements.Select(e => e.Certificate) : new[] { leaf })
            {
                var which = element.RawData.SequenceEqual(leaf.RawData) ? "The certificate" : $"The chain certificate {element.Subject}";
                if (now > element.NotAfter)
                    problems.Add($"{which} expired on {element.NotAfter:yyyy-MM-dd HH:mm:ss}.");
                else if (now < element.NotBefore)
                    problems.Add($"{which} is not valid before {element.NotBefore:yyyy-MM-dd HH:mm:ss}.");
                else
                    continue;
                isInDate = false;
            }

            return new TlsVerification(serverName ?? string.Empty, isTrusted, nameMatches, isInDate,
                statuses.Select(s => s.Status.ToString()).Distinct().ToArray(), elements, problems);
        }

        // X509ChainTrustMode.CustomRootTrust exists from .NET 5 on; netstandard2.0 cannot name it.
        private static bool TryUseCustomRootTrust(X509ChainPolicy policy, X509Certificate2Collection authorities)
        {
            var trustMode = typeof(X509ChainPolicy).GetProperty("TrustMode", BindingFlags.Public | BindingFlags.Instance);
            var store = typeof(X509ChainPolicy).GetProperty("CustomTrustStore", BindingFlags.Public | BindingFlags.Instance);
            if (trustMode == null || store == null || !trustMode.PropertyType.IsEnum)
                return false;
            trustMode.SetValue(policy, Enum.Parse(trustMode.PropertyType, "CustomRootTrust"));
            ((X509Certificate2Collection)store.GetValue(policy)!).AddRange(authorities);
            return true;
        }
    }
}
