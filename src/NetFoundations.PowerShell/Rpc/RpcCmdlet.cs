using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using NetFoundations.Core;
using NetFoundations.Core.Rpc;
using NetFoundations.Core.Tls;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.PowerShell.Rpc
{
    /// <summary>
    /// What the RPC client cmdlets share: the endpoint's URI and how it is reached (TLS verification, basic
    /// authentication, bounds). An endpoint is a URI, not a host to connect to, so this is a NetworkCmdlet rather than a
    /// ConnectingCmdlet; one transport per command keeps its connection alive across calls and pipeline input.
    /// </summary>
    public abstract class RpcCmdlet : NetworkCmdlet
    {
        /// <summary>The endpoint: an http:// or https:// URI.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNull]
        public Uri? Uri { get; set; }

        /// <summary>Sent as HTTP basic authentication; over https only unless -AllowUnencryptedAuthentication.</summary>
        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        [Parameter]
        public SwitchParameter AllowUnencryptedAuthentication { get; set; }

        /// <summary>A PEM bundle whose certificates are the only trusted roots, instead of the system's store.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [Alias("CAFile")]
        public string? CertificateAuthorityPath { get; set; }

        [Parameter]
        public SwitchParameter SkipCertificateCheck { get; set; }

        /// <summary>How long one request and its reply may take (a batch is one request).</summary>
        [Parameter]
        [ValidateRange(0.1, 3600.0)]
        public double TimeoutSeconds { get; set; } = 30;

        /// <summary>The most bytes of one reply read.</summary>
        [Parameter]
        [ValidateRange(1024L, 1L << 31)]
        public long MaxResponseBytes { get; set; } = RpcHttpTransport.DefaultMaxResponseBytes;

        private RpcHttpTransport? transport;

        protected string Target => Uri!.GetLeftPart(UriPartial.Path);

        /// <summary>
        /// Run's deadline: Core bounds each request by -TimeoutSeconds itself (a typed timeout that names the endpoint); this
        /// one, a second later, ends what did not end then.
        /// </summary>
        protected TimeSpan Deadline => TimeSpan.FromSeconds(TimeoutSeconds + 1);

        /// <summary>The transport, made once per command; a refused URI or credential ends the command.</summary>
        protected RpcHttpTransport Transport()
        {
            if (transport != null)
                return transport;
            var authorities = CertificateAuthorityPath == null ? null : ReadAuthorityBundle(CertificateAuthorityPath, out _);
            if (SkipCertificateCheck)
                WarnCertificateNotVerified("these calls", credentialIncluded: Credential != null);
            if (Credential != null && AllowUnencryptedAuthentication && Uri!.Scheme != Uri.UriSchemeHttps)
                WarnCredentialInClear("-AllowUnencryptedAuthentication");
            try
            {
                transport = new RpcHttpTransport(new RpcEndpointOptions(Uri!)
                {
                    Credential = Credential?.GetNetworkCredential(),
                    AllowUnencryptedAuthentication = AllowUnencryptedAuthentication,
                    TrustedAuthorities = authorities,
                    SkipCertificateCheck = SkipCertificateCheck,
                    MaxResponseBytes = MaxResponseBytes,
                    Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
                });
            }
            catch (NetworkException e)
            {
                ThrowTerminatingError(ErrorMapping.ToErrorRecord(e, Uri));
            }
            return transport!;
        }

        /// <summary>
        /// Sends calls as one request (send: a multicall or a JSON-RPC batch) and writes one result or error per call, in
        /// order, for the input it came from; a failure of the whole request is an error for each.
        /// </summary>
        protected void SendBatch(IReadOnlyList<(RpcCall Call, object? Input)> calls,
            Func<RpcCall[], CancellationToken, Task<IReadOnlyList<RpcOutcome>>> send)
        {
            if (calls.Count == 0)
                return;
            Run(async cancel =>
            {
                IReadOnlyList<RpcOutcome> outcomes;
                try
                {
                    outcomes = await send(calls.Select(c => c.Call).ToArray(), cancel).ConfigureAwait(false);
                }
                catch (NetworkException e)
                {
                    outcomes = calls.Select(_ => RpcOutcome.Failed(e)).ToArray();
                }
                for (var i = 0; i < outcomes.Count; i++)
                {
                    var outcome = outcomes[i];
                    var input = calls[i].Input;
                    Post(() => WriteOutcome(outcome, input));
                }
            }, Deadline, $"{calls.Count} calls to {Target}");
        }

        /// <summary>Writes one call's outcome for its input: the value as a shell value, or its error. On the pipeline thread.</summary>
        protected void WriteOutcome(RpcOutcome outcome, object? target)
        {
            if (outcome.Error != null)
                WriteError(ErrorMapping.ToErrorRecord(outcome.Error, target));
            else if (outcome.HasValue)
                WriteObject(RpcValues.ToShell(outcome.Value));
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                transport?.Dispose();
            base.Dispose(disposing);
        }
    }
}
