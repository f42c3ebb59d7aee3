using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Tests.Mail
{
    /// <summary>
    /// A line-based server on 127.0.0.1 for the old servers no Debian package plays: it sends a greeting,
    /// then answers each line the client sends with reply(line) (null: no answer). Between an SMTP "354"
    /// and the "." line it takes the message without answering. Keeps every line it got; serves connections
    /// several at once, until disposed. With a certificate it speaks implicit TLS.
    /// </summary>
    public sealed class ScriptedMailServer : IDisposable
    {
        private readonly TcpListener listener = new TcpListener(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stop = new CancellationTokenSource();
        private readonly string greeting;
        private readonly Func<string, string?> reply;
        private readonly X509Certificate2? certificate;

        public ScriptedMailServer(string greeting, Func<string, string?> reply, X509Certificate2? certificate = null)
        {
            this.greeting = greeting;
            this.reply = reply;
            this.certificate = certificate;
            listener.Start();
            Task.Run(ServeAsync);
        }

        /// <summary>
        /// An IMAP server that logs anyone in and opens an INBOX of three messages (UIDs 1 to 3); fetch(tag) is its
        /// answer to UID FETCH (null: none, a stall).
        /// </summary>
        public static ScriptedMailServer Imap(Func<string, string?> fetch, X509Certificate2? certificate = null) =>
            new ScriptedMailServer(ImapGreeting, line => ImapAnswer(line, fetch), certificate);

        public const string ImapGreeting = "* OK [CAPABILITY IMAP4rev1] ready";

        /// <summary>That IMAP server's answer to one command line.</summary>
        public static string? ImapAnswer(string line, Func<string, string?> fetch)
        {
            var tag = line.Split(' ')[0];
            var command = line.Substring(tag.Length).Trim();
            return command.StartsWith("LOGIN ") ? $"{tag} OK [CAPABILITY IMAP4rev1] logged in"
                : command.StartsWith("CAPABILITY") ? $"* CAPABILITY IMAP4rev1\n{tag} OK done"
                : command.StartsWith("NAMESPACE") ? $"* NAMESPACE ((\"\" \"/\")) NIL NIL\n{tag} OK done"
                : command.StartsWith("LIST ") ? $"* LIST () \"/\" INBOX\n{tag} OK done"
                : command.StartsWith("EXAMINE ") ? $"* 3 EXISTS\n* 0 RECENT\n* OK [UIDVALIDITY 7] ok\n* OK [UIDNEXT 4] ok\n{tag} OK [READ-ONLY] opened"
                : command.StartsWith("UID SEARCH ") ? $"* SEARCH 1 2 3\n{tag} OK done"
                : command.StartsWith("NOOP") ? $"{tag} OK done"
                : command.StartsWith("UID FETCH ") ? fetch(tag)
                : command.StartsWith("LOGOUT") ? $"* BYE bye\n{tag} OK bye"
                : $"{tag} BAD unknown command";
        }

        public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

        /// <summary>The lines clients sent, message text included.</summary>
        public ConcurrentQueue<string> Received { get; } = new ConcurrentQueue<string>();

        public void Dispose()
        {
            stop.Cancel();
            listener.Stop();
        }

        private async Task ServeAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync(stop.Token);
                }
                catch (Exception e) when (e is SocketException || e is OperationCanceledException || e is ObjectDisposedException)
                {
                    return;
                }
                _ = Task.Run(() => ConverseAsync(client));
            }
        }

        private async Task ConverseAsync(TcpClient connection)
        {
            try
            {
                using var client = connection;
                using var stream = await OpenAsync(client);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
                await writer.WriteLineAsync(greeting);
                var inData = false;
                for (var line = await reader.ReadLineAsync(stop.Token); line != null; line = await reader.ReadLineAsync(stop.Token))
                {
                    Received.Enqueue(line);
                    if (inData && line != ".")
                        continue;
                    inData = false;
                    var answer = reply(line);
                    if (answer == null)
                        continue;
                    await writer.WriteAsync(answer.Replace("\n", "\r\n") + "\r\n");
                    inData = answer.StartsWith("354");
                    if (answer.StartsWith("221") || answer.StartsWith("+OK bye"))
                        break;
                }
            }
            catch (Exception e) when (e is IOException || e is SocketException || e is OperationCanceledException || e is ObjectDisposedException
                || e is AuthenticationException)
            {
            }
        }

        private async Task<Stream> OpenAsync(TcpClient client)
        {
            if (certificate == null)
                return client.GetStream();
            var tls = new SslStream(client.GetStream());
            await tls.AuthenticateAsServerAsync(certificate);
            return tls;
        }

        /// <summary>A self-signed certificate for localhost, for clients that skip the check.</summary>
        public static X509Certificate2 SelfSigned()
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var made = request.CreateSelfSigned(DateTimeOffset.Now.AddDays(-1), DateTimeOffset.Now.AddDays(1));
            return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pfx), null);
        }
    }
}
