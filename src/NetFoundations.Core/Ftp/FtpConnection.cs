using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FluentFTP;
using NetFoundations.Core.Ssh;
using NetFoundations.Core.Tls;

namespace NetFoundations.Core.Ftp
{
    /// <summary>
    /// A logged-in FTP or FTPS connection: the Core side of an FtpSession, holding FluentFTP's client. One command
    /// runs at a time on it (FTP has one control connection). Every call ends by its deadline: when it passes, the
    /// control and data sockets are shut down (FluentFTP does not watch its token in every wait) and the session is
    /// closed; a later call says so.
    /// </summary>
    public sealed partial class FtpConnection : IFtpSessionHandle
    {
        private readonly BoundedFtpClient client;
        private readonly FtpConnectionOptions options;
        private readonly FtpTranscriptLogger logger;
        private readonly SemaphoreSlim gate = new SemaphoreSlim(1, 1);
        private readonly string home;
        private volatile bool closed;
        private volatile Stream? data;

        private FtpConnection(BoundedFtpClient client, FtpConnectionOptions options, FtpTranscriptLogger logger, string address, string home, TlsVerification? verification)
        {
            this.client = client;
            this.options = options;
            this.logger = logger;
            this.home = home;
            var user = options.Credential?.UserName ?? "anonymous";
            var tls = client.IsEncrypted ? client.SslProtocol.ToString() : null;
            Session = new FtpSession(options.ComputerName, address, options.Port, user, options.Security, tls, verification,
                client.Banner, client.SystemType ?? string.Empty, client.ServerType.ToString(),
                client.Capabilities.Where(c => c != FtpCapability.NONE).Select(c => c.ToString()).ToList(), this);
        }

        /// <summary>The public object users see; listing entries carry it.</summary>
        public FtpSession Session { get; }
        public bool IsConnected => !closed && client.IsConnected;
        internal string Target => options.Target;
        internal FtpConnectionOptions Options => options;
        /// <summary>The login directory, which relative paths start from.</summary>
        internal string Home => home;
        internal string ComputerName => options.ComputerName;

        public override string ToString() => Session.ToString();

        /// <summary>
        /// Connects, sets up TLS as asked (the certificate verified unless SkipCertificateCheck), logs in (anonymous
        /// without a credential) and reads the server's features, all within options.Timeout.
        /// </summary>
        public static async Task<FtpSession> ConnectAsync(FtpConnectionOptions options, Transcript transcript, CancellationToken cancellationToken)
        {
            var target = options.Target;
            if (options.Credential != null && options.Security == FtpSecurity.None && !options.AllowUnencryptedAuthentication)
                throw new InvalidNetworkRequestException(
                    $"Without TLS the credential for {target} would cross the network in clear; it was not sent. " +
                    "Ask for TLS with -Security Explicit (AUTH TLS) or -Security Implicit, or send it unencrypted by name with " +
                    "-AllowUnencryptedAuthentication.", target);
            var addresses = await Endpoints.AddressesAsync(options.ComputerName, options.Addresses, options.Timeout, cancellationToken).ConfigureAwait(false);
            var address = addresses[0].ToString();
            var credential = options.Credential ?? new NetworkCredential("anonymous", "anonymous@");
            var (client, logger, check) = NewClient(options, transcript, address, credential);
            transcript.Note($"connecting to {target} ({address}), security {options.Security}, login {credential.UserName}");
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(options.Timeout);
            string home;
            try
            {
                // FluentFTP does not watch the token in every wait of the handshake: shutting the socket down ends them all.
                using (limit.Token.Register(client.ShutdownControl))
                {
                    await client.ConnectBoundedAsync(check.Validate, limit.Token).ConfigureAwait(false);
                    // Everything moves as bytes: listings are read as bytes and decoded here, files are never converted.
                    var type = await client.Execute("TYPE I", limit.Token).ConfigureAwait(false);
                    if (!type.Success)
                        throw FtpErrors.Refused(type.Code, type.Message, target, null);
                    home = await client.GetWorkingDirectory(limit.Token).ConfigureAwait(false);
                }
            }
            catch (Exception e)
            {
                Drop(client);
                throw ConnectFailure(e, client, check, options, transcript, limit.IsCancellationRequested, cancellationToken);
            }
            logger.Target = null;
            transcript.Note($"logged in as {credential.UserName}; home {home}" + (client.IsEncrypted ? $"; {client.SslProtocol}" : string.Empty));
            return new FtpConnection(client, options, logger, address, string.IsNullOrEmpty(home) ? "/" : home, check.Verification).Session;
        }

        /// <summary>The project's error for a failed connect, TLS or login (noted in the transcript): the bound broken, the certificate rejected, the deadline, or the server's refusal.</summary>
        internal static Exception ConnectFailure(Exception e, BoundedFtpClient client, CertificateCheck check, FtpConnectionOptions options,
            Transcript transcript, bool timedOut, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var target = options.Target;
            if (client.Violation != null)
                return Noted(client.Violation);
            if (check.Verification != null && !check.Verification.IsValid && !options.SkipCertificateCheck)
                return Noted(new CertificateRejectedException(
                    $"The certificate of {target} was rejected: {string.Join(" ", check.Verification.Problems)} " +
                    "Trust its CA with -CertificateAuthorityPath, or skip the check by name with -SkipCertificateCheck.", target, e));
            if (timedOut)
                return Noted(new NetworkTimeoutException($"Connecting and logging in to {target} took longer than {options.Timeout.TotalSeconds:0.###} s.", target, e));
            return Noted(FtpErrors.Translate(e, target));

            Exception Noted(Exception error)
            {
                transcript.ClientError(error.Message);
                return error;
            }
        }

        /// <summary>FluentFTP's client as every FTP connection here is made: bounded replies, binary, deadlines, certificates checked.</summary>
        internal static (BoundedFtpClient Client, FtpTranscriptLogger Logger, CertificateCheck Check) NewClient(FtpConnectionOptions options,
            Transcript transcript, string address, NetworkCredential credential)
        {
            var authorities = options.CertificateAuthorityPath == null ? null : TlsPem.ReadCertificates(options.CertificateAuthorityPath);
            var logger = new FtpTranscriptLogger { Target = transcript };
            var milliseconds = (int)Math.Min(int.MaxValue, options.Timeout.TotalMilliseconds);
            var config = new FtpConfig
            {
                EncryptionMode = options.Security switch
                {
                    FtpSecurity.Explicit => FtpEncryptionMode.Explicit,
                    FtpSecurity.Implicit => FtpEncryptionMode.Implicit,
                    _ => FtpEncryptionMode.None,
                },
                DataConnectionEncryption = options.Security != FtpSecurity.None,
                DataConnectionType = options.Active ? FtpDataConnectionType.AutoActive : FtpDataConnectionType.AutoPassive,
                ValidateAnyCertificate = false,
                ValidateCertificateRevocation = false,
                ConnectTimeout = milliseconds,
                ReadTimeout = milliseconds,
                WriteTimeout = milliseconds,
                DataConnectionConnectTimeout = milliseconds,
                DataConnectionReadTimeout = milliseconds,
                DataConnectionWriteTimeout = milliseconds,
                RetryAttempts = 1,
                Noop = false,
                LogToConsole = false,
                LogHost = true,
                LogUserName = true,
                LogPassword = transcript.RevealSecrets,
                LogDurations = false,
                DownloadDataType = FtpDataType.Binary,
                UploadDataType = FtpDataType.Binary,
                ListingDataType = FtpDataType.Binary,
            };
            var client = new BoundedFtpClient(options.ComputerName, address, credential, options.Port, config, logger, options.MaxReplyBytes);
            logger.Secure = () => client.IsEncrypted;
            var check = new CertificateCheck(options, authorities, transcript);
            client.ValidateCertificate += (_, e) => check.Validate(e);
            return (client, logger, check);
        }

        /// <summary>Verifies the server's certificates as they come (control and data connections), keeping the first result.</summary>
        internal sealed class CertificateCheck
        {
            private readonly FtpConnectionOptions options;
            private readonly X509Certificate2Collection? authorities;
            private readonly Transcript transcript;

            public CertificateCheck(FtpConnectionOptions options, X509Certificate2Collection? authorities, Transcript transcript)
            {
                this.options = options;
                this.authorities = authorities;
                this.transcript = transcript;
            }

            /// <summary>The first certificate's verification (the control connection's); null before any TLS.</summary>
            public TlsVerification? Verification { get; private set; }

            public void Validate(FtpSslValidationEventArgs e)
            {
                var leaf = new X509Certificate2(e.Certificate);
                var presented = new List<X509Certificate2>();
                if (e.Chain != null)
                {
                    presented.AddRange(e.Chain.ChainPolicy.ExtraStore.Cast<X509Certificate2>());
                    presented.AddRange(e.Chain.ChainElements.Cast<X509ChainElement>().Select(c => c.Certificate));
                }
                var checkedNow = TlsVerifier.Verify(leaf, presented, options.ComputerName, authorities, DateTime.Now);
                Verification ??= checkedNow;
                e.Accept = options.SkipCertificateCheck || checkedNow.IsValid;
                if (!checkedNow.IsValid)
                    transcript.ClientError($"certificate of {options.ComputerName}: {string.Join(" ", checkedNow.Problems)}" +
                        (options.SkipCertificateCheck ? " (accepted: -SkipCertificateCheck)" : string.Empty));
            }
        }

        /// <summary>Says QUIT (bounded by the session's timeout) and closes the connection.</summary>
        public void Disconnect()
        {
            if (closed)
                return;
            closed = true;
            try
            {
                using var limit = new CancellationTokenSource(options.Timeout);
                using (limit.Token.Register(client.ShutdownControl))
                    client.Disconnect(limit.Token).Wait(limit.Token);
            }
            catch (Exception)
            {
                // A server gone or frozen: the connection is closed below all the same.
            }
            Drop(client);
        }

        /// <summary>Ends the connection at once: its sockets shut down (so any wait on them ends), then disposed off this thread.</summary>
        private void Abort()
        {
            closed = true;
            FtpNetSocket.Shutdown(data);
            Drop(client);
        }

        private static void Drop(BoundedFtpClient client)
        {
            client.ShutdownControl();
            _ = Task.Run(() =>
            {
                try { client.Dispose(); }
                catch (Exception) { }   // disposing a client whose socket is gone may fail; it is gone either way
            });
        }

        /// <summary>
        /// Runs one command's work on the session, one at a time. When the caller's token is cancelled or nothing has
        /// moved for noProgressTimeout, the sockets are shut down, the session closed and the work no longer waited for.
        /// A failure while a data connection was open also closes the session: its control connection may still owe a reply.
        /// </summary>
        private async Task<T> RunAsync<T>(string path, Transcript transcript, CancellationToken cancellationToken, TimeSpan noProgressTimeout,
            Func<ProgressDeadline, Task<T>> work)
        {
            if (closed || !client.IsConnected)
                throw new ConnectionLostException($"The FTP session {Session} is closed: connect again with Connect-FtpSession.", Target);
            using var deadline = new ProgressDeadline(noProgressTimeout, cancellationToken);
            await gate.WaitAsync(deadline.Token).ConfigureAwait(false);
            logger.Target = transcript;
            try
            {
                using (deadline.Token.Register(Abort))
                    return await SshConnection.UntilCancelled(work(deadline), deadline.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (deadline.Passed)
            {
                var message = $"Nothing moved between {Target} and here for {noProgressTimeout.TotalSeconds:0.###} s: {path} was stopped and the FTP session closed.";
                transcript.ClientError(message);
                throw new NetworkTimeoutException(message, Target, e);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw;
            }
            catch (Exception e)
            {
                var translated = client.Violation ?? FtpErrors.Translate(e, Target, path);
                if (data != null || !client.IsConnected || client.Violation != null)
                {
                    Abort();
                    translated = translated is NetworkException
                        ? translated
                        : new ConnectionLostException($"{translated.Message} The FTP session {Session} was closed.", Target, translated);
                }
                transcript.ClientError(translated.Message);
                throw translated;
            }
            finally
            {
                data = null;
                logger.Target = null;
                gate.Release();
            }
        }

        private Task<T> RunAsync<T>(string path, Transcript transcript, CancellationToken cancellationToken, Func<CancellationToken, Task<T>> work) =>
            RunAsync(path, transcript, cancellationToken, Timeout.InfiniteTimeSpan, deadline => work(deadline.Token));

        /// <summary>Sends a command and returns its reply; a refusal (4xx, 5xx) is the project's error for it.</summary>
        private async Task<FtpReply> ExpectAsync(string command, string? path, CancellationToken cancellationToken)
        {
            var reply = await client.Execute(command, cancellationToken).ConfigureAwait(false);
            if (!reply.Success)
                throw FtpErrors.Refused(reply.Code, reply.Message, Target, path);
            return reply;
        }

        /// <summary>A path made absolute against the login directory ("." and "" are that directory).</summary>
        internal string Absolute(string path)
        {
            path = (path ?? string.Empty).Trim();
            // A path goes into a command line: a line break in it would end the command and start another.
            if (path.Any(char.IsControl))
                throw new ArgumentException($"The path {path.Replace("\r", "\\r").Replace("\n", "\\n")} holds a control character, which FTP cannot send.", nameof(path));
            if (path.Length == 0 || path == ".")
                return home;
            var full = path.StartsWith("/", StringComparison.Ordinal) ? path : Combine(home, path);
            var parts = new List<string>();
            foreach (var part in full.Split('/'))
            {
                if (part.Length == 0 || part == ".")
                    continue;
                parts.Add(part);
            }
            return "/" + string.Join("/", parts);
        }

        internal static string Combine(string folder, string name) => folder.EndsWith("/", StringComparison.Ordinal) ? folder + name : folder + "/" + name;

        internal static string ParentOf(string path)
        {
            var slash = path.TrimEnd('/').LastIndexOf('/');
            return slash <= 0 ? "/" : path.Substring(0, slash);
        }

        internal static string NameOf(string path) => path.TrimEnd('/').Substring(path.TrimEnd('/').LastIndexOf('/') + 1);

        private enum Kind { Missing, File, Directory }

        /// <summary>
        /// Whether a path is a file (SIZE answers), a directory (CWD succeeds; the login directory is restored) or
        /// missing. Every command that names a path asks this first, so that a path that is not there is a not-found
        /// error with the path, whatever the server's refusal would say.
        /// </summary>
        private async Task<(Kind Kind, long Size)> KindAsync(string path, CancellationToken cancellationToken)
        {
            if (path == "/")
                return (Kind.Directory, -1);
            var size = await client.Execute("SIZE " + path, cancellationToken).ConfigureAwait(false);
            if (size.Success && long.TryParse(size.Message.Trim(), out var length))
                return (Kind.File, length);
            var cwd = await client.Execute("CWD " + path, cancellationToken).ConfigureAwait(false);
            if (cwd.Success)
            {
                await ExpectAsync("CWD " + home, home, cancellationToken).ConfigureAwait(false);
                return (Kind.Directory, -1);
            }
            if (cwd.Code == "530" || size.Code == "530")
                throw FtpErrors.Refused("530", cwd.Message, Target, path);
            return (Kind.Missing, -1);
        }

        private FileNotFoundException NotFound(string path) => new FileNotFoundException($"{path} does not exist on {Target}.", path);
    }

    public static class FtpSessionExtensions
    {
        /// <summary>The connection behind a session, which does its work (listings, transfers, renames).</summary>
        public static FtpConnection Connection(this FtpSession session) =>
            (FtpConnection)(session ?? throw new ArgumentNullException(nameof(session))).Handle;
    }
}
