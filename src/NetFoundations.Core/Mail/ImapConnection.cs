using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading.Tasks;

namespace NetFoundations.Core.Mail
{
    /// <summary>
    /// An IMAP session's connection: the socket, and the stream that carries the protocol in plain text
    /// (inside TLS when there is TLS), which MailKit talks over and ImapSummaryReader reads directly.
    /// </summary>
    internal sealed class ImapConnection : IDisposable
    {
        private SslStream? tls;

        public ImapConnection(Socket socket, NetworkStream network)
        {
            Socket = socket;
            Stream = network;
        }

        public Socket Socket { get; }
        public Stream Stream { get; private set; }
        /// <summary>The TLS version in use ("Tls13"), or null on a plain connection.</summary>
        public string? TlsProtocol => tls?.SslProtocol.ToString();

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
    internal sealed class PrefixedStream : Stream
    {
        private readonly byte[] prefix;
        private readonly Stream inner;
        private int read;

        public PrefixedStream(byte[] prefix, Stream inner)
        {
            this.prefix = prefix;
            this.inner = inner;
        }

        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override bool CanTimeout => inner.CanTimeout;

        public override int ReadTimeout
        {
            get => inner.ReadTimeout;
            set => inner.ReadTimeout = value;
        }

        public override int WriteTimeout
        {
            get => inner.WriteTimeout;
            set => inner.WriteTimeout = value;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (read == prefix.Length)
                return inner.Read(buffer, offset, count);
            var take = Math.Min(count, prefix.Length - read);
            Buffer.BlockCopy(prefix, read, buffer, offset, take);
            read += take;
            return take;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, System.Threading.CancellationToken cancellationToken) =>
            read == prefix.Length ? inner.ReadAsync(buffer, offset, count, cancellationToken) : Task.FromResult(Read(buffer, offset, count));

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override Task WriteAsync(byte[] buffer, int offset, int count, System.Threading.CancellationToken cancellationToken) =>
            inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(System.Threading.CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        // A network connection has no length or position; CanSeek is false, so callers do not ask.
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
