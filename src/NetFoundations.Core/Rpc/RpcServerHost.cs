using System;
using System.Collections.Generic;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Http;
using NetFoundations.Core.Servers;
using NetFoundations.Core.Tls;

namespace NetFoundations.Core.Rpc
{
    /// <summary>Where an RPC server listens, its methods, what it offers besides them, and its bounds.</summary>
    public sealed class RpcServerOptions
    {
        /// <summary>IPAddress.IPv6Any listens on every address, IPv4 ones too.</summary>
        public IPAddress LocalAddress { get; set; } = IPAddress.Loopback;

        /// <summary>0 picks a free port; the server's LocalPort says which.</summary>
        public int Port { get; set; }

        public IReadOnlyList<RpcMethod> Methods { get; set; } = Array.Empty<RpcMethod>();

        /// <summary>The dispatcher's switches and bounds: introspection, multicall, request bytes, batch size, call time.</summary>
        public RpcDispatcherOptions Dispatch { get; set; } = new RpcDispatcherOptions();

        /// <summary>How long a connection may go without a whole request arriving or a reply being taken.</summary>
        public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

        public int MaxConnections { get; set; } = Servers.TcpServerOptions.DefaultMaxConnections;

        /// <summary>The server's certificate with its private key: when given, clients speak HTTPS.</summary>
        public X509Certificate2? Certificate { get; set; }

        public IReadOnlyList<TlsVersion>? TlsProtocols { get; set; }

        public ClientCertificateMode ClientCertificateMode { get; set; } = ClientCertificateMode.None;

        /// <summary>The CAs a client certificate must chain to; the system's store when null.</summary>
        public X509Certificate2Collection? ClientCertificateAuthorities { get; set; }

        /// <summary>Disposed when the server stops (the runspaces of methods written in PowerShell); may be null.</summary>
        public IDisposable? Owned { get; set; }

        /// <summary>Called (from any thread) when a method throws: the caller gets a fault; this is the server's side of it.</summary>
        public Action<string, Exception>? MethodFailed { get; set; }
    }

    /// <summary>
    /// RPC servers: an RpcDispatcher behind the HTTP server core (HttpServerHost), XML-RPC and JSON-RPC on the same port
    /// told apart by Content-Type. Calls are POSTed to any path (Python's clients use /RPC2, others /); anything but a POST
    /// is answered 405. The HTTP layer refuses bodies beyond the dispatcher's MaxRequestBytes (413) before reading them.
    /// </summary>
    public static class RpcServerHost
    {
        public static RpcServer Start(RpcServerOptions options)
        {
            if (options == null)
                throw new ArgumentNullException(nameof(options));
            var dispatcher = new RpcDispatcher(options.Methods, options.Dispatch);
            Servers.TcpServer? record = null;
            dispatcher.MethodFailed = (method, error) =>
            {
                // Kept with the server's errors (GetErrors), where a failed notification is seen too.
                record?.KeepError(new RemoteErrorException($"The method {method} failed: {error.Message}", method, null, error));
                options.MethodFailed?.Invoke(method, error);
            };
            var http = new HttpServerOptions
            {
                LocalAddress = options.LocalAddress,
                Port = options.Port,
                Handler = (request, cancel) => AnswerAsync(dispatcher, request, cancel),
                Owned = options.Owned,
                IdleTimeout = options.IdleTimeout,
                MaxConnections = options.MaxConnections,
                MaxBodyBytes = options.Dispatch.MaxRequestBytes,
                Certificate = options.Certificate,
                TlsProtocols = options.TlsProtocols,
                ClientCertificateMode = options.ClientCertificateMode,
                ClientCertificateAuthorities = options.ClientCertificateAuthorities,
            };
            record = HttpServerHost.Start(http);
            return new RpcServer(record, dispatcher.MethodNames, () => dispatcher.Calls, () => dispatcher.Faults, () => dispatcher.Notifications);
        }

        private static async Task<HttpServerResponse> AnswerAsync(RpcDispatcher dispatcher, HttpServerRequest request, CancellationToken cancel)
        {
            if (request.Method != "POST")
            {
                request.Route = "not POST";
                return HttpServerResponse.Text(405, "This is an XML-RPC and JSON-RPC server: POST calls to it.\n").AddHeader("Allow", "POST");
            }
            var protocol = RpcDispatcher.Detect(request.ContentType, request.Body);
            request.Route = protocol == RpcProtocol.XmlRpc ? "XML-RPC" : protocol == RpcProtocol.JsonRpc ? "JSON-RPC" : "unknown";
            var reply = await dispatcher.DispatchAsync(request.ContentType, request.Body, cancel).ConfigureAwait(false);
            if (reply.Body.Length == 0)
                return new HttpServerResponse(reply.Status);
            return HttpServerResponse.Bytes(reply.Status, reply.Body, reply.ContentType ?? "application/octet-stream");
        }
    }
}
