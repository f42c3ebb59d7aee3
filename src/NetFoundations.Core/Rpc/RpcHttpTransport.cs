using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Tls;

namespace NetFoundations.Core.Rpc
{
    /// <summary>How an RPC client reaches its endpoint over HTTP(S).</summary>
    public sealed class RpcEndpointOptions
    {
        public RpcEndpointOptions(Uri uri)
        {
            if (uri == null || !uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                throw new InvalidNetworkRequestException($"{uri} is not an http:// or https:// URI.", uri?.ToString());
            Uri = uri;
        }

        public Uri Uri { get; }
        /// <summary>Sent as HTTP basic authentication; only over https unless AllowUnencryptedAuthentication.</summary>
        public NetworkCredential? Credential { get; set; }
        public bool AllowUnencryptedAuthentication { get; set; }
        /// <summary>When given, the only roots trusted (a PEM bundle); else the system's store.</summary>
        public X509Certificate2Collection? TrustedAuthorities { get; set; }
        public bool SkipCertificateCheck { get; set; }
        /// <summary>The most bytes of one response body read (the Content-Length is checked first).</summary>
        public long MaxResponseBytes { get; set; } = RpcHttpTransport.DefaultMaxResponseBytes;
        /// <summary>How long one request and its whole reply may take.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

        internal string Target => Uri.GetLeftPart(UriPartial.Path);
    }

    /// <summary>One HTTP reply: its status, content type and body (bounded by MaxResponseBytes).</summary>
    public sealed class RpcHttpReply
    {
        internal RpcHttpReply(int status, string reason, string? contentType, byte[] body)
        {
            Status = status;
            Reason = reason;
            ContentType = contentType;
            Body = body;
        }

        public int Status { get; }
        public string Reason { get; }
        public string? ContentType { get; }
        public byte[] Body { get; }
        public bool IsSuccess => Status >= 200 && Status < 300;

        /// <summary>The start of the body as text, for an error message: at most 200 characters, control characters dropped.</summary>
        public string Excerpt()
        {
            var text = Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 400));
            var clean = new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
            return clean.Length > 200 ? clean.Substring(0, 200) + "…" : clean;
        }
    }

    /// <summary>
    /// POSTs RPC requests to one endpoint over one HttpClient, so that its connection is kept alive and reused across calls
    /// (and a name is resolved when a connection is made, not per call). Certificates are verified by TlsVerifier, as
    /// everywhere in the module. Dispose it when the calls are done.
    /// </summary>
    public sealed class RpcHttpTransport : IDisposable
    {
        public const long DefaultMaxResponseBytes = 64L << 20;
        private HttpClient client;
        private readonly RpcEndpointOptions options;
        private readonly string? authorization;
        private volatile string? certificateProblems;
        private volatile bool serverCloses;

        public RpcHttpTransport(RpcEndpointOptions options)
        {
            this.options = options ?? throw new ArgumentNullException(nameof(options));
            if (options.Credential != null)
            {
                if (options.Uri.Scheme != Uri.UriSchemeHttps && !options.AllowUnencryptedAuthentication)
                    throw new InvalidNetworkRequestException(
                        $"{options.Target} is not https://, so the credential would cross the network in clear; it was not sent. " +
                        "Use an https:// URI, or send it unencrypted by name with -AllowUnencryptedAuthentication.", options.Target);
                authorization = Convert.ToBase64String(Encoding.UTF8.GetBytes(options.Credential.UserName + ":" + options.Credential.Password));
            }
            client = NewClient();
        }

        private HttpClient NewClient()
        {
            var handler = new HttpClientHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                UseProxy = false,
                AutomaticDecompression = DecompressionMethods.None,
            };
            if (options.Uri.Scheme == Uri.UriSchemeHttps)
                handler.ServerCertificateCustomValidationCallback = Verify;
            return new HttpClient(handler, disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        }

        public Uri Uri => options.Uri;

        private bool Verify(HttpRequestMessage request, X509Certificate2 certificate, X509Chain chain, SslPolicyErrors errors)
        {
            var presented = chain?.ChainElements.Cast<X509ChainElement>().Select(e => e.Certificate).ToArray() ?? Array.Empty<X509Certificate2>();
            var verification = TlsVerifier.Verify(new X509Certificate2(certificate), presented, options.Uri.IdnHost,
                options.TrustedAuthorities, DateTime.Now);
            if (verification.IsValid || options.SkipCertificateCheck)
                return true;
            certificateProblems = string.Join(" ", verification.Problems);
            return false;
        }

        /// <summary>
        /// POSTs body with contentType and reads the reply, at most MaxResponseBytes of it. The token ends the call (its
        /// connection is dropped). Failures are the network error families; an HTTP status is the caller's to judge.
        /// </summary>
        public async Task<RpcHttpReply> PostAsync(byte[] body, string contentType, Transcript transcript, CancellationToken cancellationToken)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (options.Timeout > TimeSpan.Zero && options.Timeout != System.Threading.Timeout.InfiniteTimeSpan)
                deadline.CancelAfter(options.Timeout);
            try
            {
                return await PostAsync(body, contentType, transcript, deadline.Token, options.Target).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                var late = new NetworkTimeoutException(
                    $"{options.Target} did not answer within {options.Timeout.TotalSeconds:0.###} s.", options.Target, e);
                transcript.ClientError(late.Message);
                throw late;
            }
            catch (ObjectDisposedException e) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                var late = new NetworkTimeoutException(
                    $"{options.Target} did not answer within {options.Timeout.TotalSeconds:0.###} s.", options.Target, e);
                transcript.ClientError(late.Message);
                throw late;
            }
        }

        private async Task<RpcHttpReply> PostAsync(byte[] body, string contentType, Transcript transcript, CancellationToken cancellationToken,
            string target)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, options.Uri) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            request.Headers.Accept.ParseAdd(contentType.Split(';')[0]);
            if (authorization != null)
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", authorization);
            // HttpClient pools an HTTP/1.0 server's connection although such a server (Python's xmlrpc.server) closes it
            // after each reply, and a call that comes before the close is seen fails (ResponseEnded, without the server
            // ever reading it). For such a server every call gets a client of its own, so a new connection.
            var sender = client;
            if (serverCloses)
            {
                request.Headers.ConnectionClose = true;
                sender = NewClient();
            }
            try
            {
                return await SendAsync(sender, request, body, contentType, transcript, cancellationToken, target).ConfigureAwait(false);
            }
            finally
            {
                if (sender != client)
                    sender.Dispose();
            }
        }

        private async Task<RpcHttpReply> SendAsync(HttpClient sender, HttpRequestMessage request, byte[] body, string contentType,
            Transcript transcript, CancellationToken cancellationToken, string target)
        {
            transcript.Note($"POST {options.Uri.PathAndQuery} to {options.Uri.Authority}, Content-Type: {contentType}" +
                (authorization != null ? ", Authorization: Basic (secret not shown)" : string.Empty));
            transcript.Sent(body, 0, body.Length, options.Uri.Scheme == Uri.UriSchemeHttps);

            HttpResponseMessage response;
            try
            {
                response = await sender.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                var error = Failure(e, target);
                transcript.ClientError(error.Message);
                throw error;
            }
            using (response)
            using (cancellationToken.Register(() => response.Dispose()))
            {
                if (response.Version < HttpVersion.Version11
                    && !response.Headers.Connection.Any(c => string.Equals(c, "keep-alive", StringComparison.OrdinalIgnoreCase)))
                    serverCloses = true;
                var status = (int)response.StatusCode;
                var type = response.Content.Headers.ContentType?.ToString();
                var length = response.Content.Headers.ContentLength;
                transcript.Note($"HTTP {status} {response.ReasonPhrase}" + (type != null ? $", Content-Type: {type}" : string.Empty) +
                    (length != null ? $", Content-Length: {length}" : string.Empty));
                if (length > options.MaxResponseBytes)
                {
                    var tooLong = new ProtocolViolationException(
                        $"{target} announced a reply of {length} bytes, more than the {options.MaxResponseBytes} that -MaxResponseBytes allows.", target);
                    transcript.ClientError(tooLong.Message);
                    throw tooLong;
                }
                byte[] content;
                try
                {
                    content = await ReadBoundedAsync(response.Content, target, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (!(e is ProtocolViolationException))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var error = SocketErrors.OfConnection(e, target);
                    transcript.ClientError(error.Message);
                    throw error;
                }
                catch (ProtocolViolationException e)
                {
                    transcript.ClientError(e.Message);
                    throw;
                }
                transcript.Received(content, 0, content.Length, options.Uri.Scheme == Uri.UriSchemeHttps);
                if (status == 401 || status == 403)
                    throw new AuthenticationFailedException(
                        $"{target} refused the request with HTTP {status} {response.ReasonPhrase}" +
                        (authorization == null ? "; it may want a -Credential." : "; the credential was not accepted."), target, status.ToString());
                return new RpcHttpReply(status, response.ReasonPhrase ?? string.Empty, type, content);
            }
        }

        private async Task<byte[]> ReadBoundedAsync(HttpContent content, string target, CancellationToken cancellationToken)
        {
            using var stream = await content.ReadAsStreamAsync().ConfigureAwait(false);
            using var buffer = new MemoryStream();
            var chunk = new byte[16384];
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var read = await stream.ReadAsync(chunk, 0, chunk.Length, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                    return buffer.ToArray();
                if (buffer.Length + read > options.MaxResponseBytes)
                    throw new ProtocolViolationException(
                        $"The reply from {target} is longer than the {options.MaxResponseBytes} bytes that -MaxResponseBytes allows.", target);
                buffer.Write(chunk, 0, read);
            }
        }

        private NetworkException Failure(Exception e, string target)
        {
            for (var inner = e; inner != null; inner = inner.InnerException)
            {
                if (inner is NetworkException network)
                    return network;
                if (inner is SocketException socket)
                    return SocketErrors.Translate(socket, target);
                if (inner is AuthenticationException)
                    return certificateProblems != null
                        ? new CertificateRejectedException($"The certificate of {options.Uri.Host} was rejected: {certificateProblems} " +
                            "Trust its authority with -CertificateAuthorityPath, or go on without the check with -SkipCertificateCheck.", target)
                        : new CertificateRejectedException($"The TLS handshake with {target} failed: {inner.Message}", target);
            }
            if (certificateProblems != null)
                return new CertificateRejectedException($"The certificate of {options.Uri.Host} was rejected: {certificateProblems}", target);
            return new ConnectionLostException($"The request to {target} failed: {Innermost(e).Message}", target);
        }

        private static Exception Innermost(Exception e)
        {
            while (e.InnerException != null)
                e = e.InnerException;
            return e;
        }

        public void Dispose() => client.Dispose();
    }
}
