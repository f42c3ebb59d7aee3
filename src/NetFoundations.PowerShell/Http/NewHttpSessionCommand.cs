using System.Collections;
using System.Management.Automation;
using NetFoundations.Core.Http;

namespace NetFoundations.PowerShell.Http
{
    /// <summary>
    /// Makes a web session: cookies kept (and editable) across calls, headers sent with every request, a credential,
    /// and connections kept open and reused. Nothing crosses the network until Invoke-HttpRequest -Session uses it.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "HttpSession", HelpUri = HelpLinks.Base + "New-HttpSession.md")]
    [OutputType(typeof(HttpClientSession))]
    public sealed class NewHttpSessionCommand : PipelineCmdlet
    {
        /// <summary>Headers sent with every request of the session.</summary>
        [Parameter(Position = 0)]
        public IDictionary? Headers { get; set; }

        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        [Parameter]
        public HttpAuthentication Authentication { get; set; } = HttpAuthentication.Basic;

        [Parameter]
        public SwitchParameter AllowUnencryptedAuthentication { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [Alias("CAFile")]
        public string? CertificateAuthorityPath { get; set; }

        [Parameter]
        public SwitchParameter SkipCertificateCheck { get; set; }

        [Parameter]
        [ValidateRange(1024, 1 << 24)]
        public int MaximumHeaderBytes { get; set; } = HttpClientSessionOptions.DefaultMaximumHeaderBytes;

        /// <summary>Cookies the session starts with.</summary>
        [Parameter]
        public System.Net.Cookie[]? Cookie { get; set; }

        protected override void EndProcessing()
        {
            var options = HttpClientSettings.Options(this, CertificateAuthorityPath, SkipCertificateCheck, Credential, Authentication,
                AllowUnencryptedAuthentication, MaximumHeaderBytes, Headers);
            var session = HttpClientSessions.Create(options);
            if (Cookie != null)
                foreach (var cookie in Cookie)
                    if (cookie != null)
                        session.Cookies.Add(cookie);
            WriteObject(session);
        }
    }
}
