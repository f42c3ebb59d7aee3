using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Security;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Tls
{
    /// <summary>
    /// One client handshake over a connected stream, with what it saw: the certificate and chain
    /// the server presented, our verification of them, the negotiated version and cipher suite,
    /// or why it failed. A failed handshake is an outcome here, not an exception: callers decide.
    /// </summary>
    internal sealed class TlsHandshake
    {
        private const int HandshakeRecord = 0x16;
        private const int AlertRecord = 0x15;
        /// <summary>The longest record TLS allows: 2^14 bytes of data plus 2,048 of expansion (RFC 5246 6.2.3).</summary>
        private const int MaxRecordLength = (1 << 14) + 2048;
        private static readonly PropertyInfo? NegotiatedCipherSuite = typeof(SslStream).GetProperty("NegotiatedCipherSuite");

        private TlsHandshake(SslStream stream, WatchedStream wire, string serverName)
        {
            Stream = stream;
            Wire = wire;
            ServerName = serverName;
        }

        public SslStream Stream { get; }
        public string ServerName { get; }
        public X509Certificate2? Certificate { get; private set; }
        public X509Certificate2[] Presented { get; private set; } = Array.Empty<X509Certificate2>();
        public TlsVerification? Verification { get; private set; }
        public TlsVersion? Protocol { get; private set; }
        public string? CipherSuite { get; private set; }
        public bool ClientCertificateSent { get; private set; }
        public bool ClientCertificateRequested { get; private set; }
        private bool ClientCertificateGiven { get; set; }
        public TimeSpan Duration { get; private set; }
        public Exception? Failure { get; private set; }
        /// <summary>The TLS library's own words for the failure.</summary>
        public string? FailureReason => Failure?.InnerException?.Message ?? Failure?.Message;
        public bool Succeeded => Failure == null;
        /// <summary>
        /// The local TLS library gave up before sending a ClientHello (it wrote nothing, or only an
        /// alert, as OpenSSL does when its security level forbids every version asked for).
        /// </summary>
        public bool ClientNeverSpoke => Failure != null && Wire.FirstByteWritten != HandshakeRecord;
        /// <summary>Our own verification turned the certificate down (and the caller did not skip the check).</summary>
        public bool CertificateRejected { get; private set; }
        private WatchedStream Wire { get; }

        /// <summary>
        /// Runs the handshake. acceptAnyCertificate: look at the certificate without judging (the
        /// verification is still made and kept); else a certificate that fails verification ends the
        /// handshake unless options.SkipCertificateCheck. A handshake that runs out of time or is cancelled throws, noted
        /// in transcript first.
        /// </summary>
        public static async Task<TlsHandshake> RunAsync(Stream inner, IDisposable connection, string target, string serverName,
            TlsClientOptions options, bool acceptAnyCertificate, TimeSpan timeout, Transcript? transcript, CancellationToken cancellationToken)
        {
            var wire = new WatchedStream(inner);
            TlsHandshake? handshake = null;
            var ssl = new SslStream(wire, false,
                (sender, certificate, chain, errors) => handshake!.Judge(certificate, chain, options, acceptAnyCertificate),
                (sender, host, local, remote, issuers) => handshake!.SelectClientCertificate(remote, options, acceptAnyCertificate));
            handshake = new TlsHandshake(ssl, wire, serverName) { ClientCertificateGiven = options.ClientCertificate != null };
            var clientCertificates = new X509CertificateCollection();
            if (options.ClientCertificate != null)
                clientCertificates.Add(options.ClientCertificate);
            var clock = Stopwatch.StartNew();
            try
            {
                await Stages.RunAsync(
                    () => ssl.AuthenticateAsClientAsync(serverName, clientCertificates, TlsVersions.ToSslProtocols(options.Protocols), false),
                    connection, timeout, "The TLS handshake", target, cancellationToken).ConfigureAwait(false);
                handshake.Protocol = TlsVersions.FromSslProtocols(ssl.SslProtocol);
                handshake.CipherSuite = NegotiatedCipherSuite?.GetValue(ssl)?.ToString()
                    ?? $"{ssl.CipherAlgorithm} {ssl.HashAlgorithm} {ssl.KeyExchangeAlgorithm}";
                handshake.ClientCertificateSent = ssl.LocalCertificate != null;
            }
            catch (Exception e) when (!(e is NetworkTimeoutException) && !(e is OperationCanceledException))
            {
                handshake.Failure = e;
            }
            catch (Exception e)
            {
                TcpConnector.NoteFailure(transcript, $"The TLS handshake with {target}", e, clock.Elapsed);
                throw;
            }
            handshake.Duration = clock.Elapsed;
            return handshake;
        }

        // Called once before the handshake, and again with the server's certificate when the server asks
        // for the client's. That second call may be the only sight of the certificate if the handshake then
        // fails (the validation callback comes after the handshake), so it is judged here already.
        private X509Certificate SelectClientCertificate(
            X509Certificate? remote, TlsClientOptions options, bool acceptAnyCertificate)
        {
            if (remote != null)
            {
                ClientCertificateRequested = true;
                if (Certificate == null)
                    Judge(remote, null, options, acceptAnyCertificate);
            }
            return options.ClientCertificate!;
        }

        private bool Judge(X509Certificate? certificate, X509Chain? chain,
            TlsClientOptions options, bool acceptAnyCertificate)
        {
            if (certificate == null)
                return acceptAnyCertificate || options.SkipCertificateCheck;
            var leaf = new X509Certificate2(certificate);
            // On .NET the chain passed here carries what the server sent in its ExtraStore.
            var sent = chain?.ChainPolicy.ExtraStore.Cast<X509Certificate2>().Where(c => !c.RawData.SequenceEqual(leaf.RawData))
                ?? Enumerable.Empty<X509Certificate2>();
            Certificate = leaf;
            Presented = new[] { leaf }.Concat(sent).ToArray();
            Verification = TlsVerifier.Verify(leaf, Presented, ServerName, options.TrustedAuthorities, DateTime.Now);
            CertificateRejected = !acceptAnyCertificate && !options.SkipCertificateCheck && !Verification.IsValid;
            return !CertificateRejected;
        }

        /// <summary>The typed error for a handshake that failed before the caller could use it.</summary>
        /// <summary>What the handshake negotiated, as the results show it.</summary>
        public TlsSessionInfo SessionInfo(bool certificateCheckSkipped) =>
            new TlsSessionInfo(ServerName, Protocol, CipherSuite, Certificate, Verification, ClientCertificateSent, Duration, certificateCheckSkipped);

        public NetworkException Error(string target)
        {
            var reason = FailureReason;
            if (CertificateRejected)
                return new CertificateRejectedException(
                    $"The certificate of {target} was rejected: {string.Join(" ", Verification!.Problems)}", target, Failure);
            if (ClientNeverSpoke)
                return new InvalidNetworkRequestException(
                    $"This machine's TLS library would not start a handshake with the versions asked for: {reason}", target, Failure);
            if (ClientCertificateRequested && !ClientCertificateSent)
                return new AuthenticationFailedException(
                    $"{target} asked for a client certificate and ended the handshake without one{(ClientCertificateGiven ? " it accepts" : "")}: {reason}",
                    target, null, Failure);
            if (Wire.FirstBytesRead.Length == 0)
                return new ConnectionLostException($"{target} closed the connection during the TLS handshake: {reason}", target, Failure);
            return Misbehaviour(target) ?? new ProtocolViolationException($"The TLS handshake with {target} failed: {reason}", target, Failure);
        }

        /// <summary>
        /// The error for a failed handshake in which the server did not answer as a TLS server, accepting or refusing: it
        /// answered something else, announced a record longer than TLS allows, or closed in the middle of a record.
        /// Null when none of these happened (the server refused with an alert, or said nothing).
        /// </summary>
        public NetworkException? Misbehaviour(string target)
        {
            var read = Wire.FirstBytesRead;
            if (Failure == null || read.Length == 0)
                return null;
            if (read[0] != AlertRecord && read[0] != HandshakeRecord)
                return new ProtocolViolationException(
                    $"{target} does not speak TLS here: it answered \"{Transcript.Describe(read, 0, read.Length)}\".", target, Failure);
            if (read.Length >= 5 && (read[3] << 8 | read[4]) > MaxRecordLength)
                return new ProtocolViolationException(
                    $"{target} announced a TLS record of {read[3] << 8 | read[4]} bytes, beyond the {MaxRecordLength} bytes TLS allows.", target, Failure);
            if (Wire.EndOfStream && Wire.InsideRecord)
                return new ConnectionLostException($"{target} closed the connection in the middle of a TLS record of its handshake.", target, Failure);
            return null;
        }

        /// <summary>Keeps the first byte the TLS layer writes (the record type) and the first bytes the server sends.</summary>
        private sealed class WatchedStream : WrappingStream
        {
            private const int Kept = 64;
            private readonly MemoryStream firstBytes = new MemoryStream();
            private int firstByteWritten = -1;

            public WatchedStream(Stream inner)
                : base(inner)
            {
            }

            private const int RecordHeader = 5;
            private readonly byte[] header = new byte[RecordHeader];
            private int headerFilled;
            private int bodyLeft;

            /// <summary>A read found the end of the stream: the server closed its side.</summary>
            public bool EndOfStream { get; private set; }

            /// <summary>The bytes read so far end inside a TLS record (its 5-byte header or the body it announced).</summary>
            public bool InsideRecord { get { lock (firstBytes) return headerFilled > 0 || bodyLeft > 0; } }

            /// <summary>-1 until something is written.</summary>
            public int FirstByteWritten => Volatile.Read(ref firstByteWritten);
            public byte[] FirstBytesRead { get { lock (firstBytes) return firstBytes.ToArray(); } }

            public override int Read(byte[] buffer, int offset, int count) => Keep(buffer, offset, Inner.Read(buffer, offset, count));

            public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
                Keep(buffer, offset, await Inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false));

            public override void Write(byte[] buffer, int offset, int count)
            {
                Note(buffer, offset, count);
                Inner.Write(buffer, offset, count);
            }

            public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            {
                Note(buffer, offset, count);
                return Inner.WriteAsync(buffer, offset, count, cancellationToken);
            }

            private void Note(byte[] buffer, int offset, int count)
            {
                if (count > 0)
                    Interlocked.CompareExchange(ref firstByteWritten, buffer[offset], -1);
            }

            private int Keep(byte[] buffer, int offset, int read)
            {
                lock (firstBytes)
                {
                    if (read == 0)
                        EndOfStream = true;
                    if (read > 0 && firstBytes.Length < Kept)
                        firstBytes.Write(buffer, offset, (int)Math.Min(read, Kept - firstBytes.Length));
                    FollowRecords(buffer, offset, read);
                }
                return read;
            }

            /// <summary>Follows the record framing over the bytes read: headers, and the bodies whose length they give.</summary>
            private void FollowRecords(byte[] buffer, int offset, int count)
            {
                for (var i = 0; i < count;)
                {
                    if (bodyLeft > 0)
                    {
                        var skipped = Math.Min(bodyLeft, count - i);
                        bodyLeft -= skipped;
                        i += skipped;
                        continue;
                    }
                    header[headerFilled++] = buffer[offset + i++];
                    if (headerFilled == RecordHeader)
                    {
                        bodyLeft = header[3] << 8 | header[4];
                        headerFilled = 0;
                    }
                }
            }
        }
    }
}
