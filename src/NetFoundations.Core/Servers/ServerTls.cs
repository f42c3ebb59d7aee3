using System;
using System.IO;
using System.Linq;
using System.Net.Security;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using NetFoundations.Core.Tls;

namespace NetFoundations.Core.Servers
{
    /// <summary>
    /// The byte stream of a server's connection: the socket's own, or TLS over it — the handshake with the server's
    /// certificate and versions, the client's certificate judged against the server's CAs. Every architecture that serves
    /// TLS opens its connections here and reads and writes the stream it gets. Nothing here bounds the handshake: the idle
    /// timeout does, by closing the socket (ConnectionTracker), which ends a pending read whatever waits on it.
    /// </summary>
    internal sealed class ServerTls
    {
        private const int HandshakeRecord = 0x16;
        private const int Peeked = 64;

        // SslStream.ShutdownAsync (close_notify) exists from .NET Core 2.1 on; netstandard2.0 cannot name it.
        private static readonly Func<SslStream, Task>? Shutdown = typeof(SslStream).GetMethod("ShutdownAsync", Type.EmptyTypes) is { } method
            ? (Func<SslStream, Task>)Delegate.CreateDelegate(typeof(Func<SslStream, Task>), method)
            : null;

        private readonly X509Certificate2 certificate;
        private readonly SslProtocols protocols;
        private readonly ClientCertificateMode mode;
        private readonly X509Certificate2Collection? authorities;
        private readonly TimeSpan idleTimeout;

        public ServerTls(TcpServerOptions options)
        {
            certificate = options.Certificate!;
            protocols = TlsVersions.ToSslProtocols(options.TlsProtocols);
            mode = options.ClientCertificateMode;
            authorities = options.ClientCertificateAuthorities;
            idleTimeout = options.IdleTimeout;
        }

        /// <summary>The connection's stream, once its TLS handshake (if any) is done; blocking.</summary>
        public static Stream Open(ServerContext context, Socket client, TcpServerPeer peer, ConnectionTracker.Tracked tracked)
        {
            var plain = new NetworkStream(client, ownsSocket: false);
            if (context.Tls == null)
                return plain;
            var first = new byte[Peeked];
            int count;
            try
            {
                count = client.Receive(first, 0, first.Length, SocketFlags.Peek);
            }
            catch (Exception) when (tracked.Expired)
            {
                throw context.Tls.HandshakeTimeout(peer);
            }
            return context.Tls.Handshake(plain, first, count, peer, tracked, ssl =>
            {
                ssl.AuthenticateAsServer(context.Tls.certificate, context.Tls.mode != ClientCertificateMode.None, context.Tls.protocols, false);
                return Task.CompletedTask;
            }).GetAwaiter().GetResult();
        }

        /// <summary>The connection's stream, once its TLS handshake (if any) is done.</summary>
        public static async Task<Stream> OpenAsync(ServerContext context, Socket client, TcpServerPeer peer, ConnectionTracker.Tracked tracked)
        {
            var plain = new NetworkStream(client, ownsSocket: false);
            if (context.Tls == null)
                return plain;
            var tls = context.Tls;
            var first = new byte[Peeked];
            int count;
            try
            {
                count = await client.ReceiveAsync(new ArraySegment<byte>(first), SocketFlags.Peek).ConfigureAwait(false);
            }
            catch (Exception) when (tracked.Expired)
            {
                throw tls.HandshakeTimeout(peer);
            }
            return await tls.Handshake(plain, first, count, peer, tracked,
                ssl => ssl.AuthenticateAsServerAsync(tls.certificate, tls.mode != ClientCertificateMode.None, tls.protocols, false)).ConfigureAwait(false);
        }

        /// <summary>Ends TLS politely (close_notify) before the socket is shut down; nothing for a plain stream.</summary>
        public static Task CloseAsync(Stream stream) =>
            stream is SslStream ssl && Shutdown != null ? Shutdown(ssl) : Task.CompletedTask;

        public static void Close(Stream stream) => CloseAsync(stream).GetAwaiter().GetResult();

        /// <summary>
        /// Runs authenticate over the stream; first: the client's first bytes, peeked, so that a client that does not
        /// speak TLS is told apart from a handshake that failed.
        /// </summary>
        private async Task<Stream> Handshake(Stream plain, byte[] first, int count, TcpServerPeer peer, ConnectionTracker.Tracked tracked,
            Func<SslStream, Task> authenticate)
        {
            if (tracked.Expired)
                throw HandshakeTimeout(peer);
            if (count == 0)
                throw new ConnectionLostException($"{peer.Name} closed the connection before its TLS handshake.", peer.Name);
            if (first[0] != HandshakeRecord)
                throw new ProtocolViolationException(
                    $"{peer.Name} does not speak TLS: it sent \"{Transcript.Describe(first, 0, count)}\" instead of a ClientHello.", peer.Name);

            string? rejection = null;
            var ssl = new SslStream(plain, false, (sender, presented, chain, errors) =>
            {
                rejection = Judge(presented, chain, peer);
                return rejection == null;
            });
            try
            {
                await authenticate(ssl).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                ssl.Dispose();
                if (tracked.Expired)
                    throw HandshakeTimeout(peer);
                if (rejection != null)
                    throw new CertificateRejectedException(rejection, peer.Name, e);
                var reason = Innermost(e).Message;
                if (e is AuthenticationException)
                    throw new ProtocolViolationException($"The TLS handshake with {peer.Name} failed: {reason}", peer.Name, e);
                if (e is IOException || e is ObjectDisposedException)
                    throw new ConnectionLostException($"{peer.Name} closed the connection during the TLS handshake: {reason}", peer.Name, e);
                throw;
            }
            // The handshake done is progress: the idle time starts again for the first request.
            tracked.Progressed();
            return ssl;
        }

        /// <summary>Null when the client's certificate (or its absence) is acceptable; else why not, for the error.</summary>
        private string? Judge(X509Certificate? presented, X509Chain? chain, TcpServerPeer peer)
        {
            if (mode == ClientCertificateMode.None)
                return null;
            if (presented == null)
                return mode == ClientCertificateMode.Required
                    ? $"{peer.Name} sent no client certificate, and this server requires one."
                    : null;
            var leaf = new X509Certificate2(presented);
            // On .NET the chain passed here carries what the client sent in its ExtraStore.
            var sent = chain?.ChainPolicy.ExtraStore.Cast<X509Certificate2>().Where(c => !c.RawData.SequenceEqual(leaf.RawData))
                ?? Enumerable.Empty<X509Certificate2>();
            var verification = TlsVerifier.VerifyClient(leaf, new[] { leaf }.Concat(sent).ToArray(), authorities, DateTime.Now);
            if (!verification.IsValid)
            {
                var why = $"The client certificate of {peer.Name} ({leaf.Subject}) was rejected: {string.Join(" ", verification.Problems)}";
                leaf.Dispose();
                return why;
            }
            peer.Verified(leaf);
            return null;
        }

        private NetworkTimeoutException HandshakeTimeout(TcpServerPeer peer) => new NetworkTimeoutException(
            $"{peer.Name} did not complete the TLS handshake within {idleTimeout.TotalSeconds:0.###} s; the connection was closed.", peer.Name);

        private static Exception Innermost(Exception e)
        {
            while (e.InnerException != null)
                e = e.InnerException;
            return e;
        }
    }
}
