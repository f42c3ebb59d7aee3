using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading.Tasks;

namespace NetFoundations.Core.Mail
{
    /// <summary>
    /// An IMAP connection's transport: the socket, and the stream that carries the protocol in plain text
    /// (inside TLS when there is TLS), which MailKit talks over and ImapSummaryReader reads directly.
    /// </summary>
    internal sealed class ImapTransport : IDisposable
    {
        private SslStream? tls;

        public ImapTransport(Socket socket, NetworkStream network)
        {
            Socket = socket;
            Stream = network;
        }

        public Socket Socket { get; }
        public Stream Stream { get; private set; }
        /// <summary>The TLS version in use ("Tls13"), or null on a plain connection.</summary>
        public string? TlsProtocol => tls != null && tls.IsAuthenticated ? tls.SslProtocol.ToString() : null;

        /// <summary>Starts TLS with the server's name (SNI and the name check) and the session's certificate check.</summary>
        public async Task StartTlsAsync(MailServerOptions options, CertificateCheck check)
        {
            tls = new SslStream(Stream, false, check.Validate);
            Stream = tls;
            await tls.AuthenticateAsClientAsync(options.Server, null, SslProtocols.None, false).ConfigureAwait(false);
        }

        /// <summary>The error to report for a failed TLS handshake, or null when the failure was not TLS's.</summary>
        public Exception? TlsFailure(Exception error, string target, CertificateCheck check) =>
            tls != null && !tls.IsAuthenticated && (error is AuthenticationException || error is IOException)
                ? MailConnector.HandshakeFailed(error, target, check)
                : null;

        public void Dispose()
        {
            Stream.Dispose();
            Socket.Dispose();
        }
    }

    /// <summary>A stream that reads some bytes given beforehand, then from the stream it wraps; writes go straight through.</summary>
    internal sealed class PrefixedStream : WrappingStream
    {
        private readonly byte[] prefix;
        private int read;

        public PrefixedStream(byte[] prefix, Stream inner)
            : base(inner)
        {
            this.prefix = prefix;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (read == prefix.Length)
                return Inner.Read(buffer, offset, count);
            var take = Math.Min(count, prefix.Length - read);
            Buffer.BlockCopy(prefix, read, buffer, offset, take);
            read += take;
            return take;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, System.Threading.CancellationToken cancellationToken) =>
            read == prefix.Length ? Inner.ReadAsync(buffer, offset, count, cancellationToken) : Task.FromResult(Read(buffer, offset, count));
    }
}
