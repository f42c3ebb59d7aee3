using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Threading.Tasks;
using NetFoundations.Core;
using NetFoundations.Core.Http;
using NetFoundations.Core.Rpc;
using NetFoundations.PowerShell.Rpc;

namespace NetFoundations.PowerShell.Http
{
    /// <summary>
    /// Makes an HTTP request and returns the exchange: the final status, headers and body, and every hop that led to it
    /// (redirects with their Location, cookies and timings). One request per input; without -Session the command's
    /// inputs share a session of their own (its connections reused), closed when the command ends.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "HttpRequest", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low,
        HelpUri = HelpLinks.Base + "Invoke-HttpRequest.md")]
    [OutputType(typeof(HttpExchange))]
    public sealed class InvokeHttpRequestCommand : NetworkCmdlet
    {
        /// <summary>The http:// or https:// URI; piped strings and an element's Link (Select-Html) bind to it.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Link")]
        public Uri? Uri { get; set; }

        /// <summary>GET by default; POST when a body is given.</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string? Method { get; set; }

        [Parameter]
        public IDictionary? Headers { get; set; }

        /// <summary>Names and values added to the URI's query, escaped.</summary>
        [Parameter]
        public IDictionary? Query { get; set; }

        /// <summary>The body as given: a string (UTF-8) or bytes.</summary>
        [Parameter]
        public object? Body { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ContentType { get; set; }

        /// <summary>Form fields, sent urlencoded (in the query for a GET); with -HtmlForm, they replace or add to the page's fields.</summary>
        [Parameter]
        public IDictionary? Form { get; set; }

        /// <summary>A form found by Get-HtmlForm: sent to its action, by its method, with its hidden fields (a CSRF token).</summary>
        [Parameter(ValueFromPipeline = true)]
        public HtmlForm? HtmlForm { get; set; }

        /// <summary>An object (hashtable, custom object, array) sent as JSON.</summary>
        [Parameter]
        public object? Json { get; set; }

        /// <summary>A file sent as the body (uploaded).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? InFile { get; set; }

        /// <summary>A 2xx body is saved here, through OutFile.partial, renamed when complete.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? OutFile { get; set; }

        /// <summary>Continues OutFile.partial, left by an interrupted download, with a Range request.</summary>
        [Parameter]
        public SwitchParameter Resume { get; set; }

        [Parameter]
        [ValidateNotNull]
        public HttpClientSession? Session { get; set; }

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

        /// <summary>Redirects followed (10); 0 returns a 3xx as data with its Location.</summary>
        [Parameter]
        [ValidateRange(0, 100)]
        public int MaximumRedirection { get; set; } = HttpClientRequest.DefaultMaximumRedirection;

        /// <summary>A final 4xx or 5xx is an error (RemoteError) instead of data.</summary>
        [Parameter]
        public SwitchParameter FailOnErrorStatus { get; set; }

        /// <summary>The most bytes of a body, after decompression: 64 MiB in memory, 64 GiB to -OutFile unless given.</summary>
        [Parameter]
        [ValidateRange(1L, long.MaxValue)]
        public long MaximumBodyBytes { get; set; }

        /// <summary>The whole exchange (every hop and the body) ends by then.</summary>
        [Parameter]
        [ValidateRange(0.1, 86400.0)]
        public double TimeoutSeconds { get; set; } = 30;

        /// <summary>Parses the body as JSON into the exchange's Json property.</summary>
        [Parameter]
        public SwitchParameter ParseJson { get; set; }

        private HttpClientSession? ownSession;

        protected override void BeginProcessing()
        {
            if (Session != null && (CertificateAuthorityPath != null || SkipCertificateCheck || MyInvocation.BoundParameters.ContainsKey(nameof(MaximumHeaderBytes))))
                ThrowTerminatingError(new ErrorRecord(new ArgumentException(
                    "-CertificateAuthorityPath, -SkipCertificateCheck and -MaximumHeaderBytes belong to the session: give them to New-HttpSession."),
                    "SessionSetting", ErrorCategory.InvalidArgument, Session));
            if (Resume && OutFile == null)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("-Resume continues a download: give -OutFile."),
                    "ResumeWithoutOutFile", ErrorCategory.InvalidArgument, null));
            var bodies = new[] { Body != null, Form != null || HtmlForm != null, MyInvocation.BoundParameters.ContainsKey(nameof(Json)), InFile != null }.Count(b => b);
            if (bodies > 1)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("Give one body: -Body, -Form (or -HtmlForm), -Json or -InFile."),
                    "SeveralBodies", ErrorCategory.InvalidArgument, null));
        }

        protected override void ProcessRecord()
        {
            var form = HtmlForm;
            var uri = Uri ?? (form != null && System.Uri.TryCreate(form.Action, UriKind.Absolute, out var action) ? action : null);
            if (uri == null)
            {
                WriteError(new ErrorRecord(new ArgumentException(form != null
                        ? $"The form's action '{form.Action}' is not an absolute URI: give -Uri (or the page's -BaseUri to Get-HtmlForm)."
                        : "Give the -Uri to request."), "NoUri", ErrorCategory.InvalidArgument, form));
                return;
            }
            HttpClientRequest request;
            try
            {
                request = NewRequest(uri, form);
            }
            catch (Exception e) when (e is NetworkException || e is ArgumentException || e is System.IO.IOException)
            {
                WriteError(ErrorMapping.ToErrorRecord(e, uri));
                return;
            }
            if (!IsSafe(request.Method) && !ShouldProcess(request.Uri.ToString(), request.Method))
                return;
            var session = Session ?? OwnSession();
            var transcript = NewTranscript();
            var progress = new HttpTransferProgress();
            request.Progress = progress;
            // This input's request starts now and the previous input's exchange is written: the session's requests still
            // go one at a time, in order, but the pipeline binds the next input while this one is on the wire.
            var started = HttpClientSessions.SendAsync(session, request, transcript, Stopping);
            started.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
            var previous = inFlight;
            inFlight = new InFlight(started, request.Uri, progress, $"{request.Method} {request.Uri}");
            if (previous != null)
                Finish(previous);
        }

        /// <summary>A request started and not yet written out.</summary>
        private sealed class InFlight
        {
            public InFlight(Task<HttpExchange> exchange, Uri target, HttpTransferProgress progress, string activity)
            {
                Exchange = exchange;
                Target = target;
                Progress = progress;
                Activity = activity;
            }

            public Task<HttpExchange> Exchange { get; }
            public Uri Target { get; }
            public HttpTransferProgress Progress { get; }
            public string Activity { get; }
        }

        private InFlight? inFlight;

        /// <summary>
        /// Waits for a started exchange under Run (its deadline, Ctrl+C, its failure as this input's error) and writes it.
        /// Core bounds the exchange by -TimeoutSeconds from the moment it has the session; Run's deadline comes a second
        /// later. One progress bar for the command, fed by the exchange's counters and drawn on the ticker's own clock, so
        /// that a transfer never waits for it (a progress record per chunk is what slows Invoke-WebRequest down).
        /// </summary>
        private void Finish(InFlight started)
        {
            activity = started.Activity;
            current = started.Progress;
            ticker ??= new ProgressTicker(ReportProgress);
            Run(async cancel =>
            {
                var exchange = await started.Exchange.ConfigureAwait(false);
                PostObject(exchange);
            }, TimeSpan.FromSeconds(TimeoutSeconds + 1), started.Target);
            current = null;
        }

        private ProgressTicker? ticker;
        private volatile HttpTransferProgress? current;
        private volatile string activity = string.Empty;

        /// <summary>On the ticker's thread: the request under way, posted to the pipeline thread (dropped when none runs).</summary>
        private void ReportProgress()
        {
            var progress = current;
            if (progress == null)
                return;
            long done = progress.BytesDone, total = progress.BytesTotal;
            var record = new ProgressRecord(1, activity, total >= 0 ? $"{done:N0} of {total:N0} bytes" : $"{done:N0} bytes")
            {
                PercentComplete = total > 0 ? (int)Math.Min(100, done * 100 / total) : -1,
            };
            Post(() => WriteProgress(record));
        }

        protected override void EndProcessing()
        {
            var last = inFlight;
            inFlight = null;
            if (last != null)
                Finish(last);
            if (ticker == null)
                return;
            ticker.Dispose();
            if (ticker.Reported)
                WriteProgress(new ProgressRecord(1, activity, "done") { RecordType = ProgressRecordType.Completed });
        }

        private static bool IsSafe(string method) => method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "TRACE";

        private HttpClientRequest NewRequest(Uri uri, HtmlForm? form)
        {
            var pairs = form?.GetSubmission(Form) ?? (Form != null ? HtmlFormPairs(Form) : null);
            var method = Method ?? (form != null ? form.Method : (Body != null || pairs != null || InFile != null || MyInvocation.BoundParameters.ContainsKey(nameof(Json)) ? "POST" : "GET"));
            method = method.ToUpperInvariant();
            var query = new List<KeyValuePair<string, string>>();
            if (Query != null)
                query.AddRange(HttpClientSettings.Strings(Query)!);
            HttpClientBody? body = null;
            if (pairs != null)
            {
                if (method == "GET" || method == "HEAD")
                    query.AddRange(pairs);
                else
                    body = HttpClientBody.FromBytes(Encoding.UTF8.GetBytes(Encode(pairs)), ContentType ?? "application/x-www-form-urlencoded");
            }
            else if (MyInvocation.BoundParameters.ContainsKey(nameof(Json)))
                body = HttpClientBody.FromBytes(Encoding.UTF8.GetBytes(RpcJson.Serialize(RpcValues.ToCore(Json))), ContentType ?? "application/json");
            else if (Body != null)
            {
                var value = Body is PSObject wrapped ? wrapped.BaseObject : Body;
                body = value is byte[] bytes
                    ? HttpClientBody.FromBytes(bytes, ContentType ?? "application/octet-stream")
                    : HttpClientBody.FromBytes(Encoding.UTF8.GetBytes(LanguagePrimitives.ConvertTo<string>(value) ?? string.Empty), ContentType ?? "text/plain; charset=utf-8");
            }
            else if (InFile != null)
            {
                var path = GetUnresolvedProviderPathFromPSPath(InFile);
                if (!System.IO.File.Exists(path))
                    throw new System.IO.FileNotFoundException($"-InFile {InFile} does not exist.", path);
                body = HttpClientBody.FromFile(path, ContentType ?? "application/octet-stream");
            }
            if (query.Count > 0)
            {
                var builder = new UriBuilder(uri);
                var existing = builder.Query.TrimStart('?');
                builder.Query = (existing.Length > 0 ? existing + "&" : string.Empty) + Encode(query);
                uri = builder.Uri;
            }
            return new HttpClientRequest(uri, method)
            {
                Headers = HttpClientSettings.Strings(Headers),
                Body = body,
                Credential = Session != null ? Credential?.GetNetworkCredential() : null,
                Authentication = Session != null && MyInvocation.BoundParameters.ContainsKey(nameof(Authentication)) ? Authentication : (HttpAuthentication?)null,
                AllowUnencryptedAuthentication = AllowUnencryptedAuthentication,
                MaximumRedirection = MaximumRedirection,
                FailOnErrorStatus = FailOnErrorStatus,
                MaximumBodyBytes = MaximumBodyBytes > 0 ? MaximumBodyBytes
                    : OutFile != null ? HttpClientRequest.DefaultMaximumFileBytes : HttpClientRequest.DefaultMaximumBodyBytes,
                Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
                OutFile = OutFile != null ? GetUnresolvedProviderPathFromPSPath(OutFile) : null,
                Resume = Resume,
                ParseJson = ParseJson,
            };
        }

        private static List<KeyValuePair<string, string>> HtmlFormPairs(IDictionary form) => HttpClientSettings.Strings(form)!.ToList();

        private static string Encode(IEnumerable<KeyValuePair<string, string>> pairs) =>
            string.Join("&", pairs.Select(p => System.Uri.EscapeDataString(p.Key) + "=" + System.Uri.EscapeDataString(p.Value)));

        /// <summary>The command's own session, made on first use from its parameters; closed when the command ends.</summary>
        private HttpClientSession OwnSession()
        {
            if (ownSession != null)
                return ownSession;
            var options = HttpClientSettings.Options(this, CertificateAuthorityPath, SkipCertificateCheck, Credential, Authentication,
                AllowUnencryptedAuthentication, MaximumHeaderBytes, null);
            ownSession = HttpClientSessions.Create(options);
            return ownSession;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                ticker?.Dispose();
                ownSession?.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
