using System;
using System.IO;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Tls
{
    /// <summary>An authenticated TLS stream over a connection, with what was negotiated. Disposing it closes the connection.</summary>
    public sealed class TlsConnection : IDisposable
    {
        internal TlsConnection(SslStream stream, TlsSessionInfo session)
        {
            Stream = stream;
            Session = session;
        }

        public SslStream Stream { get; }
        public TlsSessionInfo Session { get; }

        public void Dispose() => Stream.Dispose();
    }

    /// <summary>Upgrades a connected stream to TLS with the project's verification (the book's safe_tls client).</summary>
    public static class TlsUpgrade
    {
        /// <summary>
        /// Shakes hands over stream as a client of computerName (the SNI and the name checked, unless
        /// options.ServerName says otherwise). The certificate must chain to a trusted root
        /// (options.TrustedAuthorities, else the system's store), match the name and be in date;
        /// otherwise CertificateRejectedException, unless options.SkipCertificateCheck, in which case
        /// the problems are in Session.GetVerification() and noted in the transcript. The handshake is
        /// bounded by timeout; on any failure the stream is closed.
        /// </summary>
        public static async Task<TlsConnection> AuthenticateAsync(Stream stream, string computerName, TlsClientOptions options,
            TimeSpan timeout, Transcript? transcript, CancellationToken cancellationToken)
        {
            if (string.IsNullOrWhiteSpace(computerName))
                throw new ArgumentException("A host name or address is needed.", nameof(computerName));
            var serverName = options.ServerName ?? computerName.Trim();
            TlsHandshake handshake;
            try
            {
                handshake = await TlsHandshake.RunAsync(stream, stream, computerName, serverName, options, acceptAnyCertificate: false,
                    timeout, transcript, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                stream.Dispose();
                throw;
            }
            if (!handshake.Succeeded)
            {
                handshake.Stream.Dispose();
                var error = handshake.Error(computerName);
                transcript?.ClientError(error.Message);
                throw error;
            }
            var session = handshake.SessionInfo(options.SkipCertificateCheck);
            if (session.Verification is { IsValid: false } verification)
                transcript?.ClientError("Certificate check skipped; the certificate is not valid: " + string.Join(" ", verification.Problems));
            transcript?.Note($"TLS {session.Protocol} {session.CipherSuite} with {serverName}");
            return new TlsConnection(handshake.Stream, session);
        }
    }
}
