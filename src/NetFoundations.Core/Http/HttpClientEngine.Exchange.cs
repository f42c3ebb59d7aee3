using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Rpc;

namespace NetFoundations.Core.Http
{
    internal sealed partial class HttpClientEngine
    {
        private const string UserAgent = "NetFoundations/0.1";
#if NET
        private const string AcceptedEncodings = "gzip, deflate, br";
#else
        private const string AcceptedEncodings = "gzip, deflate";
#endif

        /// <summary>
        /// Makes request on session: every hop (redirects followed by the rules of their status, a Digest challenge
        /// answered), cookies taken from each hop and sent where they match, the last body read within its bounds (to
        /// memory, or to OutFile through a .partial file). Ends by request.Timeout; failures are the network error
        /// families; a 4xx/5xx is data unless FailOnErrorStatus.
        /// </summary>
        public static Task<HttpExchange> SendAsync(HttpClientSession session, HttpClientRequest request, Transcript transcript,
            CancellationToken cancellationToken)
        {
            if (session == null || !(session.Handle is HttpClientEngine engine))
                throw new ArgumentException("The session is not an HTTP client session.", nameof(session));
            return engine.ExchangeAsync(session, request, transcript, cancellationToken);
        }

        private async Task<HttpExchange> ExchangeAsync(HttpClientSession session, HttpClientRequest request, Transcript transcript,
            CancellationToken cancellationToken)
        {
            var target = request.Target;
            var credential = request.Credential ?? options.Credential;
            if (credential != null && request.Uri.Scheme != Uri.UriSchemeHttps && !(request.AllowUnencryptedAuthentication || options.AllowUnencryptedAuthentication))
                throw new InvalidNetworkRequestException(
                    $"{target} is not https://, so the credential would cross the network unprotected; it was not sent. " +
                    "Use an https:// URI, or send it unencrypted by name with -AllowUnencryptedAuthentication.", target);
            // The session's requests go one at a time; each one's deadline starts when its turn comes (the one before it
            // is bounded by its own).
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (request.Timeout > TimeSpan.Zero && request.Timeout != System.Threading.Timeout.InfiniteTimeSpan)
                deadline.CancelAfter(request.Timeout);
            var stage = "connecting";
            try
            {
                try
                {
                    return await ExchangeHopsAsync(session, request, credential, transcript, s => stage = s, deadline.Token).ConfigureAwait(false);
                }
                finally
                {
                    current = null;
                    gate.Release();
                }
            }
            catch (Exception e) when ((e is OperationCanceledException || e is ObjectDisposedException || e is IOException || e is HttpRequestException)
                && deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                var late = new NetworkTimeoutException(
                    $"{target} did not complete the exchange within {request.Timeout.TotalSeconds:0.###} s (-TimeoutSeconds), {stage}.", target, e);
                transcript.ClientError(late.Message);
                throw late;
            }
        }

        private async Task<HttpExchange> ExchangeHopsAsync(HttpClientSession session, HttpClientRequest request, NetworkCredential? credential,
            Transcript transcript, Action<string> stage, CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            var authentication = request.Authentication ?? options.Authentication;
            var origin = request.Uri.GetLeftPart(UriPartial.Authority);
            var uri = request.Uri;
            var method = request.Method;
            var body = request.Body;
            var hops = new List<HttpHop>();
            string? digest = null;
            var digestTried = false;
            string? partial = null;
            long resumeFrom = 0;
            if (request.OutFile != null)
            {
                partial = request.OutFile + ".partial";
                if (request.Resume && File.Exists(partial))
                    resumeFrom = new FileInfo(partial).Length;
            }

            while (true)
            {
                var target = uri.GetLeftPart(UriPartial.Path);
                var hop = new HopRecorder(uri, request.Timeout);
                current = hop;
                var sameOrigin = string.Equals(uri.GetLeftPart(UriPartial.Authority), origin, StringComparison.OrdinalIgnoreCase);
                using var message = NewMessage(session, request, uri, method, body,
                    sameOrigin ? credential : null, authentication, digest, resumeFrom);
                NoteRequest(transcript, message, body);
                session.CountRequest();
                stage($"waiting for the answer to {method} {uri}");
                HttpResponseMessage response;
                try
                {
                    response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception e)
                {
                    var error = Failure(e, target, hop);
                    transcript.ClientError(error.Message);
                    throw error;
                }
                using (response)
                using (cancellationToken.Register(() => response.Dispose()))
                {
                    if (hop.FirstByte < 0)
                        hop.Mark(ref hop.FirstByte);
                    var status = (int)response.StatusCode;
                    var headers = Headers(response);
                    var setCookies = response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.ToArray() : Array.Empty<string>();
                    var location = response.Headers.TryGetValues("Location", out var locations) ? locations.FirstOrDefault() : null;
                    var version = response.Version.Major >= 2 ? response.Version.Major.ToString(System.Globalization.CultureInfo.InvariantCulture) : response.Version.ToString(2);
                    var result = new HttpHop(hops.Count, method, uri, status, response.ReasonPhrase ?? string.Empty, version, headers, setCookies, location);
                    hops.Add(result);
                    HttpClientCookies.Store(session.Cookies, uri, setCookies, DateTime.UtcNow);
                    NoteResponse(transcript, result, uri.Scheme == Uri.UriSchemeHttps);

                    // A Digest challenge from the credential's origin is answered once; the 401 stays as a hop.
                    if (status == 401 && credential != null && sameOrigin && authentication == HttpAuthentication.Digest && !digestTried)
                    {
                        digestTried = true;
                        var challenge = response.Headers.WwwAuthenticate.Select(h => h.ToString())
                            .FirstOrDefault(h => h.StartsWith("Digest ", StringComparison.OrdinalIgnoreCase));
                        digest = challenge == null ? null : HttpClientDigest.Answer(challenge, credential, method, uri);
                        if (digest != null)
                        {
                            stage($"reading the 401 of {uri}");
                            await DrainAsync(response, request, target, cancellationToken).ConfigureAwait(false);
                            hop.Fill(result);
                            continue;
                        }
                    }

                    Uri? next = null;
                    if (IsRedirect(status) && location != null && Uri.TryCreate(uri, location, out var resolved)
                        && (resolved.Scheme == Uri.UriSchemeHttp || resolved.Scheme == Uri.UriSchemeHttps))
                        next = resolved;
                    if (next != null && request.MaximumRedirection > 0)
                    {
                        if (hops.Count > request.MaximumRedirection)
                        {
                            var loop = new ProtocolViolationException(
                                $"{request.Target} redirected more than {request.MaximumRedirection} times (-MaximumRedirection); the last pointed to {next}.",
                                request.Target);
                            transcript.ClientError(loop.Message);
                            throw loop;
                        }
                        stage($"reading the {status} of {uri}");
                        await DrainAsync(response, request, target, cancellationToken).ConfigureAwait(false);
                        hop.Fill(result);
                        // 303 makes any method but HEAD a GET; 301 and 302 turn a POST into a GET, as browsers, curl -L and
                        // Python requests do; 307 and 308 repeat the method and its body.
                        if ((status == 303 && method != "HEAD") || ((status == 301 || status == 302) && method == "POST"))
                        {
                            method = "GET";
                            body = null;
                        }
                        uri = next;
                        digest = null;
                        digestTried = false;
                        continue;
                    }

                    stage($"reading the body of {uri}");
                    var toFile = partial != null && (status / 100 == 2 || (status == 416 && resumeFrom > 0));
                    HttpExchange exchange;
                    if (toFile)
                    {
                        var (length, wire) = await SaveAsync(response, request, partial!, resumeFrom, target, transcript, cancellationToken).ConfigureAwait(false);
                        hop.Fill(result);
                        exchange = new HttpExchange(request.Method, request.Uri, hops, null, null, Path.GetFullPath(request.OutFile!), length, wire, clock.Elapsed);
                    }
                    else
                    {
                        using var buffer = new MemoryStream();
                        var (length, wire) = await HttpClientBodyReader.ReadAsync(response, buffer, request.MaximumBodyBytes, target, request.Progress,
                            cancellationToken).ConfigureAwait(false);
                        hop.Fill(result);
                        var raw = buffer.ToArray();
                        transcript.Received(raw, 0, Math.Min(raw.Length, Transcript.MaxTextPerEntry), uri.Scheme == Uri.UriSchemeHttps);
                        exchange = new HttpExchange(request.Method, request.Uri, hops, raw, HttpClientBodyReader.Text(raw, response),
                            null, length, wire, clock.Elapsed);
                        if (request.ParseJson && raw.Length > 0)
                            exchange.Json = RpcJson.Parse(raw, target);
                    }
                    if (request.FailOnErrorStatus && status >= 400)
                    {
                        var excerpt = exchange.Content == null ? string.Empty : Excerpt(exchange.Content);
                        var error = new RemoteErrorException($"{uri} answered {status} {result.Reason}" +
                            (excerpt.Length > 0 ? $": {excerpt}" : "."), target, status.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        transcript.ClientError(error.Message);
                        throw error;
                    }
                    return exchange;
                }
            }
        }

        private static bool IsRedirect(int status) => status == 301 || status == 302 || status == 303 || status == 307 || status == 308;

        private HttpRequestMessage NewMessage(HttpClientSession session, HttpClientRequest request, Uri uri, string method, HttpClientBody? body,
            NetworkCredential? credential, HttpAuthentication authentication, string? digest, long resumeFrom)
        {
            var message = new HttpRequestMessage(new HttpMethod(method), uri);
#if NET
            // HTTP/2 where the server offers it in the TLS handshake (ALPN); HTTP/1.1 otherwise, and always over http://.
            message.Version = HttpVersion.Version20;
            message.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
#endif
            if (body != null)
            {
                message.Content = body.Bytes != null
                    ? new ByteArrayContent(body.Bytes)
                    : new StreamContent(new FileStream(body.Path!, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true));
                message.Content.Headers.TryAddWithoutValidation("Content-Type", body.ContentType);
            }
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                ["User-Agent"] = UserAgent,
                ["Accept"] = "*/*",
            };
            // A file is saved as the server has it (no compression), so that a Range continues the same bytes.
            if (request.OutFile == null)
                headers["Accept-Encoding"] = AcceptedEncodings;
            lock (session.Headers)
                foreach (var header in session.Headers)
                    headers[header.Key] = header.Value;
            if (request.Headers != null)
                foreach (var header in request.Headers)
                    headers[header.Key] = header.Value;
            // A redirect to another origin gets no Authorization or Cookie header the caller wrote for the first one (as
            // Python requests and curl do); the session's cookies still go where they match.
            if (!string.Equals(uri.GetLeftPart(UriPartial.Authority), request.Uri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
            {
                headers.Remove("Authorization");
                headers.Remove("Cookie");
            }
            var cookie = HttpClientCookies.HeaderFor(session.Cookies, uri, DateTime.UtcNow);
            if (cookie != null && !headers.ContainsKey("Cookie"))
                headers["Cookie"] = cookie;
            if (credential != null && !headers.ContainsKey("Authorization"))
            {
                if (digest != null)
                    headers["Authorization"] = digest;
                else if (authentication == HttpAuthentication.Basic)
                    headers["Authorization"] = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.UserName + ":" + credential.Password));
            }
            if (resumeFrom > 0)
                headers["Range"] = $"bytes={resumeFrom}-";
            foreach (var header in headers)
            {
                if (message.Headers.TryAddWithoutValidation(header.Key, header.Value))
                    continue;
                if (message.Content == null)
                    message.Content = new ByteArrayContent(Array.Empty<byte>());
                if (!message.Content.Headers.TryAddWithoutValidation(header.Key, header.Value))
                    throw new InvalidNetworkRequestException($"The header {header.Key}: {header.Value} cannot be sent.", request.Target);
            }
            return message;
        }

        private static IReadOnlyDictionary<string, string> Headers(HttpResponseMessage response)
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var header in response.Headers.Concat(response.Content.Headers))
                if (!string.Equals(header.Key, "Set-Cookie", StringComparison.OrdinalIgnoreCase))
                    headers[header.Key] = string.Join(", ", header.Value);
            return headers;
        }

        /// <summary>Reads and drops a body not kept (a redirect's, a 401's), within the body bound.</summary>
        private static async Task DrainAsync(HttpResponseMessage response, HttpClientRequest request, string target, CancellationToken cancellationToken)
        {
            await HttpClientBodyReader.ReadAsync(response, Stream.Null, request.MaximumBodyBytes, target, null, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Writes a 2xx body into the .partial file (appended for a 206 that continues it) and renames it to OutFile once
        /// complete; a failure leaves the .partial file for -Resume. A 416 to a Range that starts at the end of the file
        /// says the file is already complete.
        /// </summary>
        private static async Task<(long Length, long Wire)> SaveAsync(HttpResponseMessage response, HttpClientRequest request, string partial,
            long resumeFrom, string target, Transcript transcript, CancellationToken cancellationToken)
        {
            var status = (int)response.StatusCode;
            if (status == 416)
            {
                var range = response.Content.Headers.ContentRange;
                if (range?.Length != resumeFrom)
                    throw new ProtocolViolationException($"{target} refused the range from byte {resumeFrom} of {partial}" +
                        (range?.Length != null ? $": the file has {range.Length} bytes." : "."), target);
                await HttpClientBodyReader.ReadAsync(response, Stream.Null, request.MaximumBodyBytes, target, null, cancellationToken).ConfigureAwait(false);
                Complete(partial, request.OutFile!);
                transcript.Note($"{request.OutFile} was already complete ({resumeFrom} bytes)");
                return (0, 0);
            }
            var append = status == 206 && resumeFrom > 0;
            if (status == 206 && !append)
                throw new ProtocolViolationException($"{target} sent part of the file (206) although no range was asked for.", target);
            if (append && response.Content.Headers.ContentRange?.From != resumeFrom)
                throw new ProtocolViolationException($"{target} sent a range that does not start at byte {resumeFrom}, where {partial} ends.", target);
            long length, wire;
            using (var file = new FileStream(partial, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16, useAsync: true))
            {
                var limit = request.MaximumBodyBytes;
                (length, wire) = await HttpClientBodyReader.ReadAsync(response, file, limit, target, request.Progress, cancellationToken,
                    append ? resumeFrom : 0).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            Complete(partial, request.OutFile!);
            transcript.Note($"{length} bytes saved to {request.OutFile}" + (append ? $" after the {resumeFrom} already there" : string.Empty));
            return (length, wire);
        }

        private static void Complete(string partial, string outFile)
        {
            if (File.Exists(outFile))
                File.Delete(outFile);
            File.Move(partial, outFile);
        }

        private void NoteRequest(Transcript transcript, HttpRequestMessage message, HttpClientBody? body)
        {
            var text = new StringBuilder();
            text.Append(message.Method).Append(' ').Append(message.RequestUri!.PathAndQuery).Append(" to ").Append(message.RequestUri.Authority);
            foreach (var header in message.Headers.Concat(message.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>()))
            {
                var value = string.Join(", ", header.Value);
                if (string.Equals(header.Key, "Authorization", StringComparison.OrdinalIgnoreCase) && !transcript.RevealSecrets)
                    value = value.Split(' ')[0] + " (secret not shown)";
                text.Append('\n').Append(header.Key).Append(": ").Append(value);
            }
            transcript.Note(text.ToString());
            if (body?.Bytes != null && body.Bytes.Length > 0)
                transcript.Sent(body.Bytes, 0, Math.Min(body.Bytes.Length, Transcript.MaxTextPerEntry), message.RequestUri.Scheme == Uri.UriSchemeHttps);
            else if (body?.Path != null)
                transcript.Note($"the body: {body.Path}");
        }

        private static void NoteResponse(Transcript transcript, HttpHop hop, bool secure)
        {
            var text = new StringBuilder($"HTTP/{hop.Version} {hop.StatusCode} {hop.Reason}");
            foreach (var header in hop.Headers)
                text.Append('\n').Append(header.Key).Append(": ").Append(header.Value);
            foreach (var cookie in hop.SetCookie)
                text.Append("\nSet-Cookie: ").Append(cookie);
            transcript.Note(text.ToString());
        }

        private static string Excerpt(string text)
        {
            var clean = new string(text.Take(400).Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
            return clean.Length > 200 ? clean.Substring(0, 200) + "…" : clean;
        }

        /// <summary>A failed send as the network error families, the runtime's own reason kept in the message.</summary>
        private NetworkException Failure(Exception e, string target, HopRecorder hop)
        {
            for (var inner = e; inner != null; inner = inner.InnerException)
            {
                if (inner is NetworkException network)
                    return network;
                if (inner is SocketException socket)
                    return SocketErrors.Translate(socket, target);
                if (inner is AuthenticationException)
                    return hop.CertificateValid == false
                        ? new CertificateRejectedException($"The certificate of {hop.Uri.Host} was rejected: {hop.CertificateProblems} " +
                            "Trust its authority with -CertificateAuthorityPath, or go on without the check with -SkipCertificateCheck.", target)
                        : new CertificateRejectedException($"The TLS handshake with {target} failed: {inner.Message}", target);
            }
#if NET
            if (e is HttpRequestException http)
            {
                switch (http.HttpRequestError)
                {
                    case HttpRequestError.ConfigurationLimitExceeded:
                        return new ProtocolViolationException(
                            $"{target} sent more than {options.MaximumHeaderBytes} bytes of status line and headers (-MaximumHeaderBytes).", target, e);
                    case HttpRequestError.InvalidResponse:
                    case HttpRequestError.HttpProtocolError:
                        return new ProtocolViolationException($"{target} did not answer in HTTP: {Innermost(e).Message}", target, e);
                    case HttpRequestError.ResponseEnded:
                        return new ConnectionLostException($"{target} closed the connection before its answer was complete.", target, e);
                }
            }
#endif
            if (hop.CertificateValid == false && !options.SkipCertificateCheck)
                return new CertificateRejectedException($"The certificate of {hop.Uri.Host} was rejected: {hop.CertificateProblems}", target);
            return new ConnectionLostException($"The request to {target} failed: {Innermost(e).Message}", target, e);
        }

        private static Exception Innermost(Exception e)
        {
            while (e.InnerException != null)
                e = e.InnerException;
            return e;
        }
    }
}
