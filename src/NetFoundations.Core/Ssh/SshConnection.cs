using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Versioning;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace NetFoundations.Core.Ssh
{
    /// <summary>
    /// A logged-in SSH connection: the Core side of an SshSession. Holds the SSH.NET client (and the login secrets)
    /// privately; several commands may run on it at once, each on its own channel. Reached from the session by
    /// session.Connection().
    /// </summary>
    public sealed partial class SshConnection : ISshSessionHandle
    {
        private readonly SshClient client;
        private readonly SshConnectionOptions options;
        private readonly string address;
        private volatile bool disconnected;

        private SshConnection(SshClient client, SshConnectionOptions options, string address, SshHostKey hostKey, string serverVersion)
        {
            this.client = client;
            this.options = options;
            this.address = address;
            Session = new SshSession(options.ComputerName, options.Port, options.Credential.UserName, hostKey, serverVersion, this);
        }

        /// <summary>The public object users see; SFTP items and tunnels carry it.</summary>
        public SshSession Session { get; }
        internal string ComputerName => options.ComputerName;
        internal int Port => options.Port;
        public bool IsConnected => !disconnected && client.IsConnected;
        /// <summary>What bounds the session's own waits on the server (SSH.NET's timeout for a reply).</summary>
        internal TimeSpan ConnectTimeout => options.ConnectTimeout;

        /// <summary>How long a finished command's output streams may take to end.</summary>
        internal static readonly TimeSpan OutputDrainBound = TimeSpan.FromSeconds(5);

        public override string ToString() => Session.ToString();

        /// <summary>Connects, checks the host key by the options' trust policy, then logs in.</summary>
        public static async Task<SshSession> ConnectAsync(SshConnectionOptions options, Transcript transcript, CancellationToken cancellationToken)
        {
            var address = await ResolveAsync(options, cancellationToken).ConfigureAwait(false);
            var trust = new HostKeyTrust(options, transcript);
            var client = new SshClient(CreateConnectionInfo(options, address, trust.PreferredKeyTypes, transcript));
            var version = string.Empty;
            client.ServerIdentificationReceived += (_, e) => version = e.SshIdentification.ToString();
            await ConnectClientAsync(client, options, trust, transcript, cancellationToken).ConfigureAwait(false);
            if (options.KeepAliveInterval > TimeSpan.Zero)
                client.KeepAliveInterval = options.KeepAliveInterval;
            transcript.Note($"logged in as {options.Credential.UserName}");
            return new SshConnection(client, options, address, trust.AcceptedKey!, version).Session;
        }

        /// <summary>Runs one command on its own channel; a timeout or cancellation ends it (and asks the server to kill it).</summary>
        public async Task<SshCommandResult> RunCommandAsync(string command, TimeSpan timeout, Action<SshOutputLine>? onLine, Transcript transcript, CancellationToken cancellationToken)
        {
            if (string.IsNullOrEmpty(command))
                throw new ArgumentException("A command is needed.", nameof(command));
            var target = options.Target;
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (timeout > TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
                limit.CancelAfter(timeout);
            var watch = Stopwatch.StartNew();
            SshCommand ssh;
            try
            {
                ssh = client.CreateCommand(command, Encoding.UTF8);
            }
            catch (Exception e)
            {
                throw SshErrors.Translate(e, target);
            }
            using (ssh)
            {
                transcript.Sent(Encoding.UTF8.GetBytes(command), 0, Encoding.UTF8.GetByteCount(command));
                var output = new StringBuilder();
                var error = new StringBuilder();
                try
                {
                    var execution = ssh.ExecuteAsync(limit.Token);
                    var reading = Task.WhenAll(
                        Task.Run(() => Collect(ssh.OutputStream, output, false)),
                        Task.Run(() => Collect(ssh.ExtendedOutputStream, error, true)));
                    await execution.ConfigureAwait(false);
                    // The streams end with the channel; a server that never closes them must not hold us.
                    await Task.WhenAny(reading, Task.Delay(OutputDrainBound, cancellationToken)).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    transcript.ClientError($"timeout: {command}");
                    throw new NetworkTimeoutException($"The command '{command}' on {target} did not finish within {timeout.TotalSeconds:0.###} s.", target);
                }
                catch (Exception e) when (!(e is OperationCanceledException))
                {
                    throw SshErrors.Translate(e, target);
                }
                cancellationToken.ThrowIfCancellationRequested();
                transcript.Note($"exit status {ssh.ExitStatus?.ToString() ?? "none"}{(ssh.ExitSignal != null ? " signal " + ssh.ExitSignal : string.Empty)}");
                return new SshCommandResult(ComputerName, Port, command, ssh.ExitStatus, ssh.ExitSignal,
                    TrimFinalNewLine(output), TrimFinalNewLine(error), watch.Elapsed);
            }

            void Collect(Stream stream, StringBuilder text, bool isError)
            {
                using var reader = new StreamReader(stream, Encoding.UTF8);
                string? line;
                while ((line = reader.ReadLine()) != null)
                {
                    lock (text) { text.Append(line).Append('\n'); }
                    var bytes = Encoding.UTF8.GetBytes(line + "\n");
                    transcript.Received(bytes, 0, bytes.Length);
                    onLine?.Invoke(new SshOutputLine(ComputerName, command, isError, line));
                }
            }
        }

        /// <summary>Stops the session's tunnels, then closes its SFTP connection and the session.</summary>
        public void Disconnect()
        {
            disconnected = true;
            StopTunnels();
            // Disposed outside the lock: SSH.NET's dispose says goodbye to the server, and a slow server must not keep
            // later calls on this session waiting on the lock.
            SftpClient? sftp;
            lock (sftpGate)
            {
                sftp = sftpClient;
                sftpClient = null;
            }
            sftp?.Dispose();
            // Disposing stops the forwards still in the client's list, which RemoveTunnel may be changing.
            lock (tunnels)
                client.Dispose();
        }

        private static string TrimFinalNewLine(StringBuilder text)
        {
            lock (text)
            {
                if (text.Length > 0 && text[text.Length - 1] == '\n')
                    text.Length--;
                return text.ToString();
            }
        }

        private static async Task<string> ResolveAsync(SshConnectionOptions options, CancellationToken cancellationToken)
        {
            var addresses = await Endpoints.AddressesAsync(options.ComputerName, options.Addresses, options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            return addresses[0].ToString();
        }

        private static ConnectionInfo CreateConnectionInfo(SshConnectionOptions options, string address, IReadOnlyCollection<string> keyTypes, Transcript transcript)
        {
            var user = options.Credential.UserName;
            var secret = options.Credential.Password ?? string.Empty;
            var methods = new List<AuthenticationMethod>();
            if (options.KeyFile != null)
            {
                methods.Add(new PrivateKeyAuthenticationMethod(user, LoadKey(options.KeyFile, secret, options.Target)));
                transcript.Note($"login: public key {options.KeyFile}");
            }
            else
            {
                methods.Add(new PasswordAuthenticationMethod(user, secret));
                var interactive = new KeyboardInteractiveAuthenticationMethod(user);
                interactive.AuthenticationPrompt += (_, e) =>
                {
                    foreach (var prompt in e.Prompts)
                    {
                        transcript.Note($"keyboard-interactive prompt: {prompt.Request.Trim()} (answered with the password, not shown)");
                        prompt.Response = secret;
                    }
                };
                methods.Add(interactive);
                transcript.Note("login: password, keyboard-interactive (password not shown)");
            }
            var info = new ConnectionInfo(address, options.Port, user, methods.ToArray()) { Timeout = options.ConnectTimeout };
            RestrictHostKeyAlgorithms(info, keyTypes);
            PreferAesGcmWhereFast(info);
            return info;
        }

        private static IPrivateKeySource LoadKey(string path, string passphrase, string target)
        {
            if (!File.Exists(path))
                throw new FileNotFoundException($"The key file {path} does not exist.", path);
            try
            {
                return passphrase.Length == 0 ? new PrivateKeyFile(path) : new PrivateKeyFile(path, passphrase);
            }
            catch (Exception e) when (e is SshException || e is InvalidOperationException || e is FormatException)
            {
                throw new AuthenticationFailedException($"The key file {path} could not be read or unlocked: {e.Message}", target, inner: e);
            }
        }

        /// <summary>Asks the server only for the key types known for it (as OpenSSH does), so a known host is checked by the key it has.</summary>
        internal static void RestrictHostKeyAlgorithms(ConnectionInfo info, IReadOnlyCollection<string> keyTypes)
        {
            if (keyTypes.Count == 0)
                return;
            var wanted = info.HostKeyAlgorithms.Keys.Where(a => keyTypes.Contains(KeyTypeOf(a))).ToList();
            if (wanted.Count == 0)
                return;
            foreach (var algorithm in info.HostKeyAlgorithms.Keys.Except(wanted).ToList())
                info.HostKeyAlgorithms.Remove(algorithm);
        }

        /// <summary>
        /// Puts AES-GCM first when the loaded SSH.NET is a build for .NET (not netstandard2.0): that build encrypts
        /// AES-GCM with the runtime's own AesGcm (OpenSSL, AES-NI), one pass where AES-CTR needs a second one for
        /// HMAC. On loopback SFTP took a quarter less time and CPU. The netstandard2.0 build (Windows PowerShell) does AES-GCM in
        /// BouncyCastle, slower than its AES-CTR, so there SSH.NET's own order stays.
        /// </summary>
        internal static void PreferAesGcmWhereFast(ConnectionInfo info)
        {
            if (!SshNetUsesRuntimeAesGcm)
                return;
            var position = 0;
            foreach (var cipher in new[] { "aes128-gcm@openssh.com", "aes256-gcm@openssh.com" })
                if (info.Encryptions.ContainsKey(cipher))
                    info.Encryptions.SetPosition(cipher, position++);
        }

        private static readonly bool SshNetUsesRuntimeAesGcm =
            typeof(ConnectionInfo).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName.StartsWith(".NETCoreApp", StringComparison.Ordinal) == true;

        /// <summary>The key type a host key algorithm uses: rsa-sha2-256 and rsa-sha2-512 sign with ssh-rsa keys.</summary>
        internal static string KeyTypeOf(string algorithm) =>
            algorithm.StartsWith("rsa-sha2-", StringComparison.Ordinal) ? "ssh-rsa" : algorithm;

        /// <summary>Connects any SSH.NET client with the trust check, a bound on the whole handshake, and Ctrl+C.</summary>
        internal static async Task ConnectClientAsync(BaseClient client, SshConnectionOptions options, HostKeyTrust trust, Transcript transcript, CancellationToken cancellationToken)
        {
            var target = options.Target;
            client.HostKeyReceived += (_, e) => e.CanTrust = trust.Check(e.HostKey);
            client.ServerIdentificationReceived += (_, e) => transcript.Note("server " + e.SshIdentification);
            transcript.Note($"connecting to {target}");
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(options.ConnectTimeout);
            try
            {
                // SSH.NET does not watch the token in every wait of the handshake: closing the client ends them all.
                using (limit.Token.Register(client.Dispose))
                    await client.ConnectAsync(limit.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                client.Dispose();
                cancellationToken.ThrowIfCancellationRequested();
                if (trust.Rejection != null)
                    throw trust.Rejection;
                if (limit.IsCancellationRequested)
                    throw new NetworkTimeoutException($"Connecting and logging in to {target} took longer than {options.ConnectTimeout.TotalSeconds:0.###} s.", target, e);
                var translated = SshErrors.Translate(e, target);
                transcript.ClientError(translated.Message);
                throw translated;
            }
            var info = client.ConnectionInfo;
            transcript.Note($"key exchange {info.CurrentKeyExchangeAlgorithm}, cipher {info.CurrentServerEncryption}, mac {info.CurrentServerHmacAlgorithm ?? "(in the cipher)"}");
        }
    }

    public static class SshSessionExtensions
    {
        /// <summary>The connection behind a session, which does its work (commands, SFTP, tunnels, shells).</summary>
        public static SshConnection Connection(this SshSession session) =>
            (SshConnection)(session ?? throw new ArgumentNullException(nameof(session))).Handle;
    }
}
