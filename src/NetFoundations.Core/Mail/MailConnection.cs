using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Net.Smtp;
using MailKit.Security;
using NetFoundations.Core.Tls;

namespace NetFoundations.Core.Mail
{
    /// <summary>
    /// Auto: implicit TLS on 465/993/995, else STARTTLS when offered. StartTls: required (fails before
    /// anything is sent when not offered). StartTlsWhenAvailable: used when offered. Tls: implicit. None: plain text.
    /// Whatever the choice, a credential is sent only inside TLS, unless None or AllowUnencryptedAuthentication says otherwise.
    /// </summary>
    public enum MailSecurity { Auto, StartTls, StartTlsWhenAvailable, Tls, None }

    /// <summary>Where and how to connect to a mail server (SMTP, IMAP or POP3).</summary>
    public sealed class MailServerOptions
    {
        public MailServerOptions(string server, int port)
        {
            Endpoints.ValidatePort(port);
            Server = server;
            Port = port;
        }

        public string Server { get; }
        public int Port { get; }
        /// <summary>Connect to these, in order, instead of resolving Server, which stays the name shown and the name TLS checks (Endpoints.AddressesAsync).</summary>
        public IReadOnlyList<IPAddress>? Addresses { get; set; }
        public MailSecurity Security { get; set; } = MailSecurity.Auto;
        /// <summary>PEM bundle of the only CAs to trust; else the system's store.</summary>
        public string? CertificateAuthorityPath { get; set; }
        /// <summary>Accept any certificate (the caller opted out by name).</summary>
        public bool SkipCertificateCheck { get; set; }
        public NetworkCredential? Credential { get; set; }
        /// <summary>Lets the credential go out without TLS (the caller opted out by name); Security None implies it.</summary>
        public bool AllowUnencryptedAuthentication { get; set; }
        /// <summary>POP3: log in with APOP only; a server whose greeting offers no APOP timestamp is an error before the credential is used.</summary>
        public bool RequireApop { get; set; }
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>The most a POP3 or IMAP server may send in answer to one command (a message to download, say).</summary>
        public const long DefaultMaxResponseBytes = 256L << 20;
        private long maxResponseBytes = DefaultMaxResponseBytes;

        /// <summary>
        /// The bytes a POP3 or IMAP response may hold (and an IMAP literal may announce): more is a ProtocolViolation.
        /// Large enough for real mail by default (256 MiB); raise it for larger messages.
        /// </summary>
        public long MaxResponseBytes
        {
            get => maxResponseBytes;
            set => maxResponseBytes = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxResponseBytes), value, "The cap must be positive.");
        }

        public string Target => Endpoints.Format(Server, Port);

        /// <summary>
        /// Whether a credential may be used on a connection without TLS: only when the caller said so by name, or with
        /// APOP alone, which sends a digest rather than the password.
        /// </summary>
        internal bool CredentialMayGoInClear => AllowUnencryptedAuthentication || Security == MailSecurity.None || RequireApop;

        internal bool SameServer(MailServerOptions other) =>
            string.Equals(Server, other.Server, StringComparison.OrdinalIgnoreCase) && Port == other.Port && Security == other.Security
            && CertificateAuthorityPath == other.CertificateAuthorityPath && SkipCertificateCheck == other.SkipCertificateCheck
            && Credential?.UserName == other.Credential?.UserName && Credential?.Password == other.Credential?.Password
            && AllowUnencryptedAuthentication == other.AllowUnencryptedAuthentication && MaxResponseBytes == other.MaxResponseBytes;
    }

    /// <summary>The certificate check of one connection, kept for the result and for the error.</summary>
    internal sealed class CertificateCheck
    {
        private readonly MailServerOptions options;
        private readonly X509Certificate2Collection? authorities;

        public CertificateCheck(MailServerOptions options)
        {
            this.options = options;
            authorities = options.CertificateAuthorityPath == null ? null : TlsPem.ReadCertificates(options.CertificateAuthorityPath);
        }

        public TlsVerification? Verification { get; private set; }

        public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            if (certificate == null)
                return options.SkipCertificateCheck;
            var leaf = new X509Certificate2(certificate);
            var presented = new List<X509Certificate2>();
            if (chain != null)
            {
                presented.AddRange(chain.ChainPolicy.ExtraStore.Cast<X509Certificate2>());
                presented.AddRange(chain.ChainElements.Cast<X509ChainElement>().Select(e => e.Certificate));
            }
            Verification = TlsVerifier.Verify(leaf, presented, options.Server, authorities, DateTime.Now);
            return options.SkipCertificateCheck || Verification.IsValid;
        }
    }

    /// <summary>
    /// Feeds MailKit's protocol log into a Transcript; AUTH secrets are redacted unless the transcript reveals them.
    /// MailKit logs the plain text of every read before it parses it, so the Limiter bounds replies here.
    /// </summary>
    internal sealed class TranscriptLogger : IProtocolLogger
    {
        private StringBuilder? firstReply = new StringBuilder();
        private int skipServer;

        public TranscriptLogger(Func<bool> secure) => SecureCheck = secure;

        /// <summary>Whether the connection is inside TLS now (the client's IsSecure).</summary>
        public Func<bool> SecureCheck { get; set; }

        public Transcript? Target { get; set; }
        public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }
        /// <summary>Bounds what the server sends (set when connecting).</summary>
        public MailReplyLimiter? Limiter { get; set; }
        /// <summary>The server's first line (the banner or greeting).</summary>
        public string? Greeting { get; private set; }

        public void LogConnect(Uri uri) => Target?.Note($"Connected to {uri}");

        public void LogClient(byte[] buffer, int offset, int count)
        {
            Limiter?.Sent(buffer, offset, count);
            var target = Target;
            if (target == null)
                return;
            var secrets = AuthenticationSecretDetector?.DetectSecrets(buffer, offset, count);
            if (secrets == null || secrets.Count == 0)
            {
                target.Sent(buffer, offset, count, SecureCheck());
                return;
            }
            var text = new StringBuilder();
            var at = offset;
            foreach (var secret in secrets.OrderBy(s => s.StartIndex))
            {
                text.Append(Transcript.Describe(buffer, at, secret.StartIndex - at)).Append("********");
                at = secret.StartIndex + secret.Length;
            }
            text.Append(Transcript.Describe(buffer, at, offset + count - at));
            target.SentSecret(buffer, offset, count, text.ToString(), SecureCheck());
        }

        /// <summary>
        /// The next count bytes the client reads replay the greeting, which was logged already as it came
        /// over the wire: they are not logged again.
        /// </summary>
        public void Replaying(string greeting, int count)
        {
            Greeting = greeting;
            firstReply = null;
            skipServer = count;
        }

        public void LogServer(byte[] buffer, int offset, int count)
        {
            if (skipServer > 0)
            {
                var skipped = Math.Min(skipServer, count);
                skipServer -= skipped;
                offset += skipped;
                count -= skipped;
                if (count == 0)
                    return;
            }
            if (firstReply != null)
            {
                var end = Array.IndexOf(buffer, (byte)'\n', offset, count);
                firstReply.Append(Encoding.UTF8.GetString(buffer, offset, end < 0 ? count : end - offset));
                if (end >= 0)
                {
                    Greeting = firstReply.ToString().TrimEnd('\r');
                    firstReply = null;
                }
            }
            Target?.Received(buffer, offset, count, SecureCheck());
            Limiter?.Received(buffer, offset, count);
        }

        public void Dispose() { }
    }

    /// <summary>Connects MailKit's clients with the project's certificate checks, timeouts and errors.</summary>
    internal static class MailConnector
    {
        /// <summary>
        /// Connects and, with a credential, logs in; loginWith, called once connected (the server's capabilities known),
        /// may narrow how the credential is offered. Returns the client's socket.
        /// </summary>
        public static async Task<Socket> ConnectAsync(MailService client, MailServerOptions options, CertificateCheck check, CancellationToken cancellation,
            Func<NetworkCredential, ICredentials>? loginWith = null)
        {
            client.CheckCertificateRevocation = false;
            client.ServerCertificateValidationCallback = check.Validate;
            Limit(client, options);
            var socket = await OpenSocketAsync(client, options, cancellation).ConfigureAwait(false);
            try
            {
                // MailKit names the host for TLS (SNI and the name check) by the host it is given.
                await client.ConnectAsync(socket, options.Server, options.Port, Security(options), cancellation).ConfigureAwait(false);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            if (options.Credential != null)
            {
                EnsureCredentialProtected(options, client.IsSecure);
                await client.AuthenticateAsync(loginWith?.Invoke(options.Credential) ?? options.Credential, cancellation).ConfigureAwait(false);
            }
            return socket;
        }

        /// <summary>Bounds what the server sends to the client, through the client's logger (every mail client here has a TranscriptLogger).</summary>
        private static void Limit(MailService client, MailServerOptions options)
        {
            var protocol = client is SmtpClient ? MailProtocol.Smtp : client is Pop3Client ? MailProtocol.Pop3 : MailProtocol.Imap;
            ((TranscriptLogger)client.ProtocolLogger).Limiter = new MailReplyLimiter(protocol, options.Target, options.MaxResponseBytes);
        }

        /// <summary>
        /// A credential goes out only inside TLS unless the caller opted out by name: a server that offers no STARTTLS,
        /// or an attacker on the path who strips it from the capabilities, is sent nothing.
        /// </summary>
        private static void EnsureCredentialProtected(MailServerOptions options, bool secure)
        {
            if (secure || options.CredentialMayGoInClear)
                return;
            throw new InvalidNetworkRequestException(
                $"{options.Target} did not set up TLS, so the credential would cross the network in clear; it was not sent. " +
                "Ask for TLS with -Security Tls (implicit TLS) or -Security StartTls, or send it unencrypted by name with " +
                "-AllowUnencryptedAuthentication (or -Security None).", options.Target);
        }

        /// <summary>
        /// Connects an IMAP client on a connection whose TLS (and STARTTLS) is done here rather than by
        /// MailKit, as on the session's second connection (OpenImapReaderAsync): MailKit sees a plain stream. The certificate check is the same; what the server sent before TLS is
        /// replayed to MailKit as its greeting (without a CAPABILITY code, which TLS makes stale).
        /// </summary>
        public static async Task<ImapTransport> ConnectImapAsync(ImapClient client, MailServerOptions options, CertificateCheck check,
            TranscriptLogger logger, Transcript transcript, CancellationToken cancellation)
        {
            Limit(client, options);
            var socket = await OpenSocketAsync(client, options, cancellation).ConfigureAwait(false);
            // MailKit's reads time out by its own timer.
            var connection = new ImapTransport(socket, new NetworkStream(socket, true) { ReadTimeout = client.Timeout, WriteTimeout = client.Timeout });
            logger.SecureCheck = () => connection.TlsProtocol != null;
            try
            {
                var forClient = await OpenImapAsync(connection, options, check, logger, transcript, cancellation).ConfigureAwait(false);
                // MailKit times out only the reads of a socket it opened itself: on a stream it is given, the greeting and the
                // login are bounded here, by the timeout, as the opening is.
                using var greeting = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                if (options.Timeout != System.Threading.Timeout.InfiniteTimeSpan)
                    greeting.CancelAfter(options.Timeout);
                using (greeting.Token.Register(socket.Dispose))
                {
                    try
                    {
                        await client.ConnectAsync(forClient, options.Server, options.Port, SecureSocketOptions.None, greeting.Token).ConfigureAwait(false);
                        if (options.Credential != null)
                        {
                            EnsureCredentialProtected(options, connection.TlsProtocol != null);
                            await client.AuthenticateAsync(options.Credential, greeting.Token).ConfigureAwait(false);
                        }
                    }
                    catch (Exception e) when (greeting.IsCancellationRequested && !cancellation.IsCancellationRequested)
                    {
                        throw new NetworkTimeoutException($"{options.Target} did not answer in time.", options.Target, e);
                    }
                }
                return connection;
            }
            catch (Exception e)
            {
                connection.Dispose();
                cancellation.ThrowIfCancellationRequested();
                throw connection.TlsFailure(e, options.Target, check) ?? e;
            }
        }

        /// <summary>
        /// Opens the second connection of an IMAP session, which the session's ImapSummaryReader alone talks over, to the
        /// address the session is connected to: TLS or STARTTLS and the certificate check as for the session, and refused
        /// before login when the credential would go in clear. Returns the stream, which begins with the server's greeting.
        /// </summary>
        public static async Task<(ImapTransport Connection, Stream Stream)> OpenImapReaderAsync(IPAddress address, MailServerOptions options,
            CertificateCheck check, TranscriptLogger logger, CancellationToken cancellation)
        {
            var socket = await TcpConnector.ConnectAsync(new[] { address }, options.Port, options.Target, options.Timeout, cancellation).ConfigureAwait(false);
            var timeout = options.Timeout == System.Threading.Timeout.InfiniteTimeSpan ? -1 : (int)options.Timeout.TotalMilliseconds;
            var connection = new ImapTransport(socket, new NetworkStream(socket, true) { ReadTimeout = timeout, WriteTimeout = timeout });
            logger.SecureCheck = () => connection.TlsProtocol != null;
            try
            {
                var stream = await OpenImapAsync(connection, options, check, logger, logger.Target ?? new Transcript(), cancellation).ConfigureAwait(false);
                if (options.Credential != null)
                    EnsureCredentialProtected(options, connection.TlsProtocol != null);
                return (connection, stream);
            }
            catch (Exception e)
            {
                connection.Dispose();
                cancellation.ThrowIfCancellationRequested();
                throw connection.TlsFailure(e, options.Target, check) ?? e;
            }
        }

        /// <summary>TLS, or STARTTLS, as the options ask, within the timeout; returns the stream for MailKit.</summary>
        private static async Task<Stream> OpenImapAsync(ImapTransport connection, MailServerOptions options, CertificateCheck check,
            TranscriptLogger logger, Transcript transcript, CancellationToken cancellation)
        {
            using var opening = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            using var closing = opening.Token.Register(connection.Socket.Dispose);
            if (options.Timeout != System.Threading.Timeout.InfiniteTimeSpan)
                opening.CancelAfter(options.Timeout);
            try
            {
                var security = Security(options);
                if (security == SecureSocketOptions.SslOnConnect)
                {
                    await connection.StartTlsAsync(options, check).ConfigureAwait(false);
                    return connection.Stream;
                }
                if (security == SecureSocketOptions.None)
                    return connection.Stream;
                var (greeting, started) = await StartTlsNegotiator.ImapOpeningAsync(connection.Stream, options.Target,
                    security == SecureSocketOptions.StartTls, transcript, opening.Token).ConfigureAwait(false);
                if (started)
                    await connection.StartTlsAsync(options, check).ConfigureAwait(false);
                var replay = Encoding.UTF8.GetBytes(WithoutCapabilities(greeting) + "\r\n");
                logger.Replaying(greeting, replay.Length);
                return new PrefixedStream(replay, connection.Stream);
            }
            catch (Exception e) when (opening.IsCancellationRequested && !cancellation.IsCancellationRequested)
            {
                throw new NetworkTimeoutException($"{options.Target} did not answer in time.", options.Target, e);
            }
        }

        private static string WithoutCapabilities(string greeting)
        {
            var start = greeting.IndexOf("[CAPABILITY ", StringComparison.OrdinalIgnoreCase);
            var end = start < 0 ? -1 : greeting.IndexOf(']', start);
            return end < 0 ? greeting : greeting.Substring(0, start) + greeting.Substring(end + 1).TrimStart();
        }

        /// <summary>Gives the client the options' timeout, then connects a socket to the server within it.</summary>
        private static Task<Socket> OpenSocketAsync(MailService client, MailServerOptions options, CancellationToken cancellation)
        {
            client.Timeout = options.Timeout == System.Threading.Timeout.InfiniteTimeSpan ? -1 : (int)options.Timeout.TotalMilliseconds;
            return TcpConnector.ConnectAsync(options.Server, options.Addresses, options.Port, options.Timeout, cancellation);
        }

        private static SecureSocketOptions Security(MailServerOptions options) => options.Security switch
        {
            MailSecurity.StartTls => SecureSocketOptions.StartTls,
            MailSecurity.StartTlsWhenAvailable => SecureSocketOptions.StartTlsWhenAvailable,
            MailSecurity.Tls => SecureSocketOptions.SslOnConnect,
            MailSecurity.None => SecureSocketOptions.None,
            _ => options.Port == 465 || options.Port == 993 || options.Port == 995 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable,
        };

        /// <summary>MailKit's and the system's exceptions as the project's error families.</summary>
        public static Exception Translate(Exception error, string target, CertificateCheck? check)
        {
            // A cap broken beneath MailKit may come back wrapped in MailKit's own exception.
            for (var inner = error; inner != null; inner = inner.InnerException)
            {
                if (inner is ProtocolViolationException violation)
                    return violation;
            }
            switch (error)
            {
                case NetworkException _:
                case OperationCanceledException _:
                    return error;
                case SslHandshakeException _:
                    return HandshakeFailed(error, target, check);
                case AuthenticationException _:
                    return new AuthenticationFailedException($"{target} refused the credential: {error.Message}", target, null, error);
                case SmtpCommandException smtp:
                    return new RemoteErrorException($"{target} answered {(int)smtp.StatusCode}: {smtp.Message}", target, ((int)smtp.StatusCode).ToString(), error);
                case ImapCommandException imap:
                    return new RemoteErrorException($"{target} answered {imap.Response}: {imap.ResponseText}", target, imap.Response.ToString(), error);
                case Pop3CommandException pop:
                    return new RemoteErrorException($"{target} answered -ERR: {pop.StatusText}", target, "-ERR", error);
                case FolderNotFoundException folder:
                    // Like SFTP's missing paths: the shared mapping makes it PathNotFound (ObjectNotFound).
                    return new DirectoryNotFoundException($"{target} has no folder {folder.FolderName}.", error);
                case NotSupportedException _:
                    return new ProtocolViolationException($"{target}: {error.Message}", target, error);
                case ProtocolException _ when error.InnerException is IOException || error.InnerException is SocketException:
                case IOException _:
                    var socket = FindSocketError(error);
                    if (socket?.SocketErrorCode == SocketError.TimedOut)
                        return new NetworkTimeoutException($"{target} did not answer in time.", target, error);
                    return new ConnectionLostException($"The connection to {target} broke: {error.Message}", target, error);
                case TimeoutException _:
                    return new NetworkTimeoutException($"{target} did not answer in time.", target, error);
                // MailKit says so when the stream ended in the middle of a reply (it gives no inner exception to tell by).
                case ProtocolException _ when error.Message.Contains("unexpectedly disconnected"):
                    return new ConnectionLostException($"{target} closed the connection in the middle of a reply.", target, error);
                case ProtocolException _:
                    return new ProtocolViolationException($"{target} broke the protocol: {error.Message}", target, error);
                case SocketException socketError:
                    return SocketErrors.Translate(socketError, target);
                case ServiceNotConnectedException _:
                    return new ConnectionLostException($"The connection to {target} is closed.", target, error);
                default:
                    return error;
            }
        }

        public static Exception HandshakeFailed(Exception error, string target, CertificateCheck? check)
        {
            var problems = check?.Verification?.Problems;
            return problems != null && problems.Count > 0
                ? new CertificateRejectedException($"The certificate of {target} was rejected: {string.Join(" ", problems)}", target, error)
                : new ProtocolViolationException($"The TLS handshake with {target} failed: {error.InnerException?.Message ?? error.Message}", target, error);
        }

        private static SocketException? FindSocketError(Exception? error)
        {
            for (; error != null; error = error.InnerException)
                if (error is SocketException socket)
                    return socket;
            return null;
        }
    }
}
