using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Tls;

namespace NetFoundations.Core.Http
{
    /// <summary>
    /// The client behind an HttpClientSession: one HttpClient whose handler follows no redirect, keeps no cookie and
    /// decompresses nothing (the exchange does those itself, so that each hop is seen), and keeps its connections open
    /// across calls. On .NET 8 (PowerShell 7) it is a SocketsHttpHandler whose ConnectCallback and PlaintextStreamFilter
    /// time the name lookup, the connect and the TLS handshake, and whose connections are watched to tell when a
    /// request was written, when its answer's first byte came and which connection carried it (new or reused). On
    /// netstandard2.0 (Windows PowerShell) only the first byte and the total are timed.
    /// A session's requests go one at a time (gate): the hop being made is the one the connections report to.
    /// </summary>
    internal sealed partial class HttpClientEngine : IHttpClientSessionHandle
    {
        private readonly HttpClient client;
        private readonly HttpClientSessionOptions options;
        private readonly SemaphoreSlim gate = new SemaphoreSlim(1, 1);
        private int connectionsOpened;
        private volatile HopRecorder? current;

        private HttpClientEngine(HttpClientSessionOptions options)
        {
            this.options = options;
            client = new HttpClient(NewHandler(), disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        }

        /// <summary>A new session: its client, its default headers; its credential is checked against each request's scheme.</summary>
        public static HttpClientSession CreateSession(HttpClientSessionOptions options)
        {
            if (options == null)
                throw new ArgumentNullException(nameof(options));
            if (options.MaximumHeaderBytes < 1024)
                throw new InvalidNetworkRequestException("The header bound must be at least 1024 bytes.", null);
            var engine = new HttpClientEngine(options);
            var session = new HttpClientSession(options.Credential?.UserName, engine);
            if (options.Headers != null)
                foreach (var header in options.Headers)
                    session.Headers[header.Key] = header.Value;
            return session;
        }

        public int ConnectionsOpened => Volatile.Read(ref connectionsOpened);

        public void Dispose()
        {
            client.Dispose();
        }

        private HttpMessageHandler NewHandler()
        {
            var headerKiB = Math.Max(1, (options.MaximumHeaderBytes + 1023) / 1024);
#if NET
            var handler = new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                UseProxy = false,
                AutomaticDecompression = DecompressionMethods.None,
                MaxResponseHeadersLength = headerKiB,
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
                ConnectCallback = ConnectAsync,
                PlaintextStreamFilter = WatchConnection,
            };
            handler.SslOptions.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
                Verify(sender as SslStream, certificate, chain);
            return handler;
#else
            var handler = new HttpClientHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                UseProxy = false,
                AutomaticDecompression = DecompressionMethods.None,
                MaxResponseHeadersLength = headerKiB,
            };
            handler.ServerCertificateCustomValidationCallback = (request, certificate, chain, errors) =>
                Verify(null, certificate, chain, request.RequestUri?.IdnHost);
            return handler;
#endif
        }

        /// <summary>
        /// Verifies the server's certificate as everywhere in the module (TlsVerifier): chain to the trusted roots (the
        /// -CertificateAuthorityPath bundle, else the system's), name, dates. What it found is kept for the hop.
        /// </summary>
        private bool Verify(SslStream? stream, X509Certificate? certificate, X509Chain? chain, string? host = null)
        {
            var hop = current;
            if (certificate == null)
            {
                hop?.Certificate(null, false, "The server sent no certificate.");
                return false;
            }
            host ??= hop?.Uri.IdnHost ?? string.Empty;
            var leaf = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
            var presented = chain?.ChainElements.Cast<X509ChainElement>().Select(e => e.Certificate).ToArray() ?? Array.Empty<X509Certificate2>();
            var verification = TlsVerifier.Verify(leaf, presented, host, options.TrustedAuthorities, DateTime.Now);
            var problems = verification.IsValid ? null : string.Join(" ", verification.Problems);
            hop?.Certificate(leaf.Subject, verification.IsValid, problems);
            return verification.IsValid || options.SkipCertificateCheck;
        }

#if NET
        /// <summary>Resolves and connects (the module's own TcpConnector), timing both for the hop being made.</summary>
        private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
        {
            var hop = current;
            var host = context.DnsEndPoint.Host;
            var port = context.DnsEndPoint.Port;
            var target = Endpoints.Format(host, port);
            var timeout = hop?.Timeout ?? TimeSpan.FromSeconds(30);
            var addresses = await Endpoints.AddressesAsync(host, null, timeout, cancellationToken).ConfigureAwait(false);
            hop?.Mark(ref hop.NameLookup);
            var socket = await TcpConnector.ConnectAsync(addresses, port, target, timeout, cancellationToken).ConfigureAwait(false);
            hop?.Mark(ref hop.Connected);
            if (hop != null)
                hop.PendingEndPoint = socket.RemoteEndPoint?.ToString();
            Interlocked.Increment(ref connectionsOpened);
            return new NetworkStream(socket, ownsSocket: true);
        }

        /// <summary>
        /// Called once a connection is ready for HTTP (after TLS, for https): notes the TLS stage, and wraps the connection
        /// in a stream that tells the hop being made when it was written to and answered.
        /// </summary>
        private ValueTask<Stream> WatchConnection(SocketsHttpPlaintextStreamFilterContext context, CancellationToken cancellationToken)
        {
            var hop = current;
            var connection = new WatchedConnection(this, context.PlaintextStream, Volatile.Read(ref connectionsOpened));
            if (context.PlaintextStream is SslStream tls)
            {
                hop?.Mark(ref hop.TlsDone);
                connection.TlsProtocol = tls.SslProtocol.ToString();
                connection.CertificateSubject = hop?.CertificateSubject;
                connection.CertificateValid = hop?.CertificateValid;
                connection.CertificateProblems = hop?.CertificateProblems;
            }
            connection.RemoteEndPoint = hop?.PendingEndPoint;
            return new ValueTask<Stream>(connection);
        }

        /// <summary>A connection of the session, which reports to the hop being made when it carries that hop's request.</summary>
        private sealed class WatchedConnection : WrappingStream
        {
            private readonly HttpClientEngine engine;
            private int served;

            public WatchedConnection(HttpClientEngine engine, Stream inner, int id) : base(inner)
            {
                this.engine = engine;
                Id = id;
            }

            public int Id { get; }
            public string? TlsProtocol { get; set; }
            public string? CertificateSubject { get; set; }
            public bool? CertificateValid { get; set; }
            public string? CertificateProblems { get; set; }
            public string? RemoteEndPoint { get; set; }

            private void Writing()
            {
                var hop = engine.current;
                if (hop == null)
                    return;
                if (hop.Connection == null)
                {
                    hop.Connection = this;
                    hop.ConnectionId = Id;
                    hop.ConnectionReused = served++ > 0;
                    hop.TlsProtocol = TlsProtocol;
                    hop.RemoteEndPoint = RemoteEndPoint;
                    if (hop.ConnectionReused == true || hop.CertificateSubject == null)
                    {
                        hop.CertificateSubject = CertificateSubject;
                        hop.CertificateValid = CertificateValid;
                        hop.CertificateProblems = CertificateProblems;
                    }
                }
                if (hop.Connection == this && hop.FirstByte < 0)
                    hop.Mark(ref hop.RequestSent);
            }

            private void Read(int count)
            {
                var hop = engine.current;
                if (count > 0 && hop != null && hop.Connection == this && hop.RequestSent >= 0 && hop.FirstByte < 0)
                    hop.Mark(ref hop.FirstByte);
            }

            public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
            {
                Writing();
                return Inner.WriteAsync(buffer, cancellationToken);
            }

            public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            {
                Writing();
                return Inner.WriteAsync(buffer, offset, count, cancellationToken);
            }

            public override void Write(byte[] buffer, int offset, int count)
            {
                Writing();
                Inner.Write(buffer, offset, count);
            }

            public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            {
                var read = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                Read(read);
                return read;
            }

            public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            {
                var read = await Inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
                Read(read);
                return read;
            }

            public override int Read(byte[] buffer, int offset, int count)
            {
                var read = Inner.Read(buffer, offset, count);
                Read(read);
                return read;
            }

            public override ValueTask DisposeAsync()
            {
                Dispose();
                return default;
            }
        }
#endif

        /// <summary>What is known of the hop being made; the connections write into it as they carry it.</summary>
        private sealed class HopRecorder
        {
            private readonly Stopwatch clock = Stopwatch.StartNew();

            public HopRecorder(Uri uri, TimeSpan timeout)
            {
                Uri = uri;
                Timeout = timeout;
            }

            public Uri Uri { get; }
            public TimeSpan Timeout { get; }
            public double NameLookup = -1, Connected = -1, TlsDone = -1, RequestSent = -1, FirstByte = -1;
            public object? Connection;
            public int? ConnectionId;
            public bool? ConnectionReused;
            public string? TlsProtocol, CertificateSubject, CertificateProblems, PendingEndPoint, RemoteEndPoint;
            public bool? CertificateValid;

            public double Now => clock.Elapsed.TotalMilliseconds;

            public void Mark(ref double stage) => stage = Now;

            public void Certificate(string? subject, bool valid, string? problems)
            {
                CertificateSubject = subject;
                CertificateValid = valid;
                CertificateProblems = problems;
            }

            /// <summary>Copies what was seen into the hop.</summary>
            public void Fill(HttpHop hop)
            {
                static double? Stage(double value) => value < 0 ? (double?)null : Math.Round(value, 3);
                hop.NameLookupMs = Stage(NameLookup);
                hop.ConnectMs = Stage(Connected);
                hop.TlsMs = Stage(TlsDone);
                hop.RequestSentMs = Stage(RequestSent);
                hop.FirstByteMs = Stage(FirstByte);
                hop.ConnectionId = ConnectionId;
                hop.ConnectionReused = ConnectionReused;
                hop.TlsProtocol = TlsProtocol;
                hop.RemoteEndPoint = RemoteEndPoint;
                hop.CertificateSubject = CertificateSubject;
                hop.CertificateValid = CertificateValid;
                hop.CertificateProblems = CertificateProblems;
                hop.TotalMs = Math.Round(Now, 3);
            }
        }
    }
}

namespace NetFoundations.Core.Http
{
    /// <summary>Core's HTTP client as the cmdlets call it: make a session, make a request on it.</summary>
    public static class HttpClientSessions
    {
        public static HttpClientSession Create(HttpClientSessionOptions options) => HttpClientEngine.CreateSession(options);

        /// <summary>See HttpClientEngine.SendAsync: every hop, within request.Timeout; failures are the network error families.</summary>
        public static System.Threading.Tasks.Task<HttpExchange> SendAsync(HttpClientSession session, HttpClientRequest request, Transcript transcript,
            System.Threading.CancellationToken cancellationToken) => HttpClientEngine.SendAsync(session, request, transcript, cancellationToken);
    }
}
