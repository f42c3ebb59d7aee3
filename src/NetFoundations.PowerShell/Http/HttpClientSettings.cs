using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using NetFoundations.Core.Http;

namespace NetFoundations.PowerShell.Http
{
    /// <summary>
    /// What New-HttpSession and Invoke-HttpRequest (for the session it makes when given none) share: the trust, the
    /// credential and the header bound of a session, and the warnings their opt-outs write.
    /// </summary>
    internal static class HttpClientSettings
    {
        /// <summary>The session options from the cmdlet's parameters; the CA bundle is read through the cmdlet (a bad path ends it).</summary>
        public static HttpClientSessionOptions Options(PipelineCmdlet cmdlet, string? certificateAuthorityPath, bool skipCertificateCheck,
            PSCredential? credential, HttpAuthentication authentication, bool allowUnencryptedAuthentication, int maximumHeaderBytes, IDictionary? headers)
        {
            X509Certificate2Collection? authorities = null;
            if (certificateAuthorityPath != null)
                authorities = cmdlet.ReadAuthorityBundle(certificateAuthorityPath, out _);
            if (skipCertificateCheck)
                cmdlet.WarnCertificateNotVerified("these requests", credentialIncluded: credential != null);
            if (credential != null && allowUnencryptedAuthentication)
                cmdlet.WarnCredentialInClear("-AllowUnencryptedAuthentication");
            return new HttpClientSessionOptions
            {
                TrustedAuthorities = authorities,
                SkipCertificateCheck = skipCertificateCheck,
                Credential = credential?.GetNetworkCredential(),
                Authentication = authentication,
                AllowUnencryptedAuthentication = allowUnencryptedAuthentication,
                MaximumHeaderBytes = maximumHeaderBytes,
                Headers = Strings(headers),
            };
        }

        /// <summary>A hashtable of names and values as strings (a null value as empty).</summary>
        public static Dictionary<string, string>? Strings(IDictionary? table)
        {
            if (table == null)
                return null;
            var strings = new Dictionary<string, string>(System.StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry entry in table)
                strings[entry.Key?.ToString() ?? string.Empty] = LanguagePrimitives.ConvertTo<string>(entry.Value) ?? string.Empty;
            return strings;
        }
    }
}
