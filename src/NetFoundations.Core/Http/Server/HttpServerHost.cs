using System;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Servers;
using NetFoundations.Core.Tcp;

namespace NetFoundations.Core.Http
{
    /// <summary>
    /// HTTP/1.1 servers on the TCP server core: the same listener, TLS, connection tracker (idle and slow clients closed)
    /// and background host as Start-TcpServer's async/await architecture, with HTTP's own framing (HttpRequestReader).
    /// The server's record is a TcpServer whose Service is Http, so TcpServerHost.Servers lists it and
    /// TcpServerHost.StopAsync stops it; GetRoutes and GetRequestLog give its per-route counters and its log.
    /// </summary>
    public static class HttpServerHost
    {
        /// <summary>At most this much of a refused request's remainder is read after the refusal, so the client sees the answer rather than a reset.</summary>
        private const int DrainBytes = 1024 * 1024;
        private static readonly TimeSpan DrainTime = TimeSpan.FromSeconds(1);

        /// <summary>Binds and starts serving in the background; returns the server's record at once.</summary>
        public static TcpServer Start(HttpServerOptions options)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            options.Validate();
            var tcp = options.Tcp();
            var listener = TcpServerHost.Listen(options.LocalAddress, options.Port);
            var bound = (System.Net.IPEndPoint)listener.LocalEndPoint;
            var maxRequest = (int)Math.Min(int.MaxValue, (long)options.MaxRequestLineBytes + options.MaxHeaderBytes + options.MaxBodyBytes);
            var record = new TcpServer(bound.Address.ToString(), bound.Port, ServerArchitecture.AsyncAwait, TcpServiceKind.Http, "HTTP/1.1",
                options.IdleTimeout.TotalSeconds, maxRequest, options.MaxConnections);
            if (options.Certificate != null)
                record.UseTls(options.Certificate, options.TlsProtocols, options.ClientCertificateMode);
            var counters = new HttpServerCounters();
            record.RouteSource = counters.Routes;
            record.LogSource = counters.Log;
            var stop = new CancellationTokenSource();
            // The context's service and framing are the TCP core's; HTTP reads its own framing and never asks them.
            var context = new ServerContext(listener, record, tcp, TcpService.For(TcpServiceKind.Echo, null), TcpFraming.Lines(1), stop.Token);
            var serving = Task.Run(() => AsyncAccept.RunAsync(listener, options.MaxConnections,
                client => ServeAsync(context, options, counters, client, stop.Token), stop.Token));
            TcpServerHost.Host(record, listener, context.Tracker, stop, serving, options.Owned);
            return record;
        }

        private static async Task ServeAsync(ServerContext context, HttpServerOptions options, HttpServerCounters counters, Socket client, CancellationToken stop)
        {
            var record = context.Record;
            var peer = ServerContext.NewPeer(client);
            var tracked = context.Tracker.Add(client);
            record.Opened();
            Exception? failure = null;
            Stream? stream = null;
            long counted = 0;
            HttpRequestReader? reader = null;
            try
            {
                if (stop.IsCancellationRequested)
                    return;
                client.NoDelay = true;
                stream = await ServerTls.OpenAsync(context, client, peer, tracked).ConfigureAwait(false);
                reader = new HttpRequestReader(stream, options, peer.Name);
                var stopping = false;
                while (!stopping)
                {
                    HttpRequestHead? head;
                    byte[] body;
                    try
                    {
                        head = await reader.ReadHeadAsync().ConfigureAwait(false);
                        if (head == null)
                            break;
                        if (head.ExpectsContinue && (head.Chunked || head.ContentLength > 0))
                        {
                            var proceed = System.Text.Encoding.ASCII.GetBytes("HTTP/1.1 100 Continue\r\n\r\n");
                            await stream.WriteAsync(proceed, 0, proceed.Length, stop).ConfigureAwait(false);
                            record.CountSent(proceed.Length);
                        }
                        body = await reader.ReadBodyAsync(head).ConfigureAwait(false);
                    }
                    catch (HttpRequestRejected rejected) when (!tracked.Expired && !stop.IsCancellationRequested)
                    {
                        Count(record, reader, ref counted);
                        await RefuseAsync(stream, client, reader, rejected, record, tracked, counters, peer, options, stop).ConfigureAwait(false);
                        failure = rejected.Violation;
                        return;
                    }
                    Count(record, reader, ref counted);
                    if (tracked.Expired || stop.IsCancellationRequested)
                        throw new OperationCanceledException();
                    tracked.Progressed();
                    record.RequestReceived();
                    peer.RequestReceived();
                    var request = new HttpServerRequest(head.Method, head.Target, PathOf(head.Target), QueryOf(head.Target), head.Version,
                        head.Headers, body, peer, context.Tls != null);
                    var clock = Stopwatch.StartNew();
                    var response = await AnswerAsync(options, request, record, stop).ConfigureAwait(false);
                    stopping = head.WantsClose || peer.CloseRequested || stop.IsCancellationRequested;
                    var sent = await HttpResponseWriter.WriteAsync(stream, response, head.Method == "HEAD", stopping, head.Version == "HTTP/1.0",
                        n => { record.CountSent(n); tracked.Progressed(); }, stop).ConfigureAwait(false);
                    Log(counters, options, request, response.StatusCode, sent, clock.Elapsed.TotalMilliseconds);
                }
                await ServerTls.CloseAsync(stream).ConfigureAwait(false);
                client.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e)
            {
                failure = context.Failure(e, tracked, peer.Name, stop.IsCancellationRequested);
            }
            finally
            {
                if (reader != null)
                    Count(record, reader, ref counted);
                context.Tracker.Remove(tracked);
                stream?.Dispose();
                client.Dispose();
                record.Closed(failure);
            }
        }

        /// <summary>The handler's answer; a failure or a null answer is a 500 (the failure kept in the server's errors).</summary>
        private static async Task<HttpServerResponse> AnswerAsync(HttpServerOptions options, HttpServerRequest request, TcpServer record, CancellationToken stop)
        {
            try
            {
                var response = await options.Handler!(request, stop).ConfigureAwait(false);
                if (response != null)
                    return response;
                record.KeepError(new InvalidNetworkRequestException($"The handler gave no answer to {request} from {request.RemoteEndPoint}.", request.RemoteEndPoint));
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                record.KeepError(e is NetworkException ? e
                    : new InvalidNetworkRequestException($"The handler failed on {request} from {request.RemoteEndPoint}: {e.Message}", request.RemoteEndPoint, e));
            }
            request.Route ??= "500";
            return HttpServerResponse.Status(500);
        }

        /// <summary>Answers a refused request with its status and closes: the rest of the request is read (bounded) so the client sees the answer.</summary>
        private static async Task RefuseAsync(Stream stream, Socket client, HttpRequestReader reader, HttpRequestRejected rejected, TcpServer record,
            ConnectionTracker.Tracked tracked, HttpServerCounters counters, TcpServerPeer peer, HttpServerOptions options, CancellationToken stop)
        {
            var response = HttpServerResponse.Status(rejected.StatusCode);
            var clock = Stopwatch.StartNew();
            await HttpResponseWriter.WriteAsync(stream, response, false, true, false, n => { record.CountSent(n); tracked.Progressed(); }, stop).ConfigureAwait(false);
            var status = rejected.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var entry = new HttpServerLogEntry(DateTime.Now, peer.RemoteAddress, peer.RemotePort, "", "", "", "", rejected.StatusCode,
                response.Body.Length, clock.Elapsed.TotalMilliseconds, status, null);
            counters.Record(entry);
            options.OnRequest?.Invoke(entry);
            if (stream is NetworkStream)
                client.Shutdown(SocketShutdown.Send);
            using var drain = new CancellationTokenSource(DrainTime);
            using var _ = drain.Token.Register(() => client.Dispose());
            try
            {
                await reader.DrainAsync(DrainBytes).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException || e is ObjectDisposedException || e is SocketException)
            {
            }
        }

        private static void Log(HttpServerCounters counters, HttpServerOptions options, HttpServerRequest request, int status, long sent, double ms)
        {
            var entry = new HttpServerLogEntry(request.ReceivedAt, request.RemoteAddress, request.RemotePort, request.Method, request.Target, request.Host,
                request.Version, status, sent, ms, request.Route ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture), request.Header("User-Agent"));
            counters.Record(entry);
            options.OnRequest?.Invoke(entry);
        }

        private static void Count(TcpServer record, HttpRequestReader reader, ref long counted)
        {
            var now = reader.BytesRead;
            record.CountReceived((int)(now - counted));
            counted = now;
        }

        /// <summary>The target's path, percent-decoded; an absolute URL's path; "*" as it is.</summary>
        internal static string PathOf(string target)
        {
            if (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                var slash = target.IndexOf('/', target.IndexOf("//", StringComparison.Ordinal) + 2);
                target = slash < 0 ? "/" : target.Substring(slash);
            }
            var query = target.IndexOfAny(new[] { '?', '#' });
            return HttpServerForms.Decode(query < 0 ? target : target.Substring(0, query), false);
        }

        internal static string QueryOf(string target)
        {
            var query = target.IndexOf('?');
            if (query < 0)
                return "";
            var hash = target.IndexOf('#', query);
            return hash < 0 ? target.Substring(query + 1) : target.Substring(query + 1, hash - query - 1);
        }
    }
}
