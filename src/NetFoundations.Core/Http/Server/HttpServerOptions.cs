using System;
using System.Collections.Generic;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Servers;
using NetFoundations.Core.Tls;

namespace NetFoundations.Core.Http
{
    /// <summary>
    /// Where an HTTP server listens, what answers its requests (Handler: one call per request, from many connections at
    /// once), and the bounds on every connection: request line, header count and size, body size, and the idle timeout
    /// that also stops slow clients (a request must arrive whole, and a reply be taken, within it).
    /// </summary>
    public sealed class HttpServerOptions
    {
        public const int DefaultMaxRequestLineBytes = 8 * 1024;
        public const int DefaultMaxHeaderCount = 100;
        public const int DefaultMaxHeaderBytes = 32 * 1024;
        public const long DefaultMaxBodyBytes = 4 * 1024 * 1024;

        /// <summary>IPAddress.IPv6Any listens on every address, IPv4 ones too.</summary>
        public IPAddress LocalAddress { get; set; } = IPAddress.Loopback;

        /// <summary>0 picks a free port; the server's LocalPort says which.</summary>
        public int Port { get; set; }

        /// <summary>
        /// Answers each request; cancelled when the server stops. What it throws is answered with 500 and kept in the
        /// server's errors (GetErrors); a null answer is a 500 too. HttpServerRouter.HandleAsync is one.
        /// </summary>
        public Func<HttpServerRequest, CancellationToken, Task<HttpServerResponse>>? Handler { get; set; }

        /// <summary>Disposed when the server stops (a handler's runspaces); may be null.</summary>
        public IDisposable? Owned { get; set; }

        /// <summary>Called after each answer is sent, from the connection's thread (the foreground cmdlet's request log); must not block.</summary>
        public Action<HttpServerLogEntry>? OnRequest { get; set; }

        /// <summary>
        /// How long a connection may go without a whole request arriving or a reply being taken: a slow client (one that
        /// trickles its headers or body) is closed after it, and so is a kept-alive connection left idle.
        /// </summary>
        public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Connections served at once; more wait in the listen queue.</summary>
        public int MaxConnections { get; set; } = TcpServerOptions.DefaultMaxConnections;

        /// <summary>The longest request line (method, target, version); a longer one is answered 414.</summary>
        public int MaxRequestLineBytes { get; set; } = DefaultMaxRequestLineBytes;

        /// <summary>The most header fields (and trailer fields of a chunked body); more are answered 431.</summary>
        public int MaxHeaderCount { get; set; } = DefaultMaxHeaderCount;

        /// <summary>The largest header section (and trailers), line ends included; a larger one is answered 431.</summary>
        public int MaxHeaderBytes { get; set; } = DefaultMaxHeaderBytes;

        /// <summary>The largest body, by Content-Length or chunks joined; a larger one is answered 413.</summary>
        public long MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;

        /// <summary>The server's certificate with its private key: when given, clients speak HTTPS.</summary>
        public X509Certificate2? Certificate { get; set; }

        public IReadOnlyList<TlsVersion>? TlsProtocols { get; set; }

        public ClientCertificateMode ClientCertificateMode { get; set; } = ClientCertificateMode.None;

        public X509Certificate2Collection? ClientCertificateAuthorities { get; set; }

        /// <summary>The TCP server core's options for the same listener, TLS and connection bounds.</summary>
        internal TcpServerOptions Tcp() => new TcpServerOptions
        {
            LocalAddress = LocalAddress,
            Port = Port,
            IdleTimeout = IdleTimeout,
            MaxConnections = MaxConnections,
            MaxRequestBytes = MaxHeaderBytes,
            Certificate = Certificate,
            TlsProtocols = TlsProtocols,
            ClientCertificateMode = ClientCertificateMode,
            ClientCertificateAuthorities = ClientCertificateAuthorities,
        };

        internal void Validate()
        {
            if (Handler == null)
                throw new InvalidNetworkRequestException("An HTTP server needs a handler to answer its requests.", null);
            if (MaxRequestLineBytes < 16 || MaxRequestLineBytes > 1024 * 1024)
                throw new InvalidNetworkRequestException($"The request-line limit must be from 16 bytes to 1 MiB, not {MaxRequestLineBytes}.", null);
            if (MaxHeaderCount < 1 || MaxHeaderCount > 10000)
                throw new InvalidNetworkRequestException($"The header-count limit must be from 1 to 10000, not {MaxHeaderCount}.", null);
            if (MaxHeaderBytes < 64 || MaxHeaderBytes > 1024 * 1024)
                throw new InvalidNetworkRequestException($"The header-size limit must be from 64 bytes to 1 MiB, not {MaxHeaderBytes}.", null);
            if (MaxBodyBytes < 0 || MaxBodyBytes > int.MaxValue)
                throw new InvalidNetworkRequestException($"The body limit must be from 0 to {int.MaxValue} bytes, not {MaxBodyBytes}.", null);
            Tcp().Validate();
        }
    }
}
