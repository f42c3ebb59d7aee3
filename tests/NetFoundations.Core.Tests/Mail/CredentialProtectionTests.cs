using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core;
using NetFoundations.Core.Mail;

namespace NetFoundations.Core.Tests.Mail
{
    /// <summary>
    /// Servers that offer no STARTTLS, as an attacker on the path makes any server look by stripping it from the
    /// capabilities: with the default security a credential must not reach them; with the opt-out named, it does.
    /// </summary>
    [Collection(nameof(HostileCollection))]
    public sealed class CredentialProtectionTests
    {
        private static readonly NetworkCredential Dave = new NetworkCredential("dave@old.test", "dave-password");

        private static ScriptedMailServer Smtp() => new ScriptedMailServer("220 old.test ESMTP", line =>
            line.StartsWith("EHLO") ? "250-old.test\n250 AUTH PLAIN LOGIN"
            : line.StartsWith("AUTH ") ? "235 2.7.0 Authentication successful"
            : line == "QUIT" ? "221 2.0.0 Bye"
            : "502 5.5.2 Command not implemented");

        private static ScriptedMailServer Pop3() => new ScriptedMailServer("+OK POP3 ready", line =>
            line == "CAPA" ? "+OK\nUSER\nUIDL\n."
            : line.StartsWith("USER ") || line.StartsWith("PASS ") ? "+OK"
            : line == "STAT" ? "+OK 0 0"
            : line == "LIST" || line == "UIDL" ? "+OK\n."
            : line == "QUIT" ? "+OK bye"
            : "-ERR unknown command");

        private static ScriptedMailServer Imap() => ScriptedMailServer.Imap(tag => $"{tag} OK done");

        private static bool SawCredential(ScriptedMailServer server) =>
            server.Received.Any(l => l.StartsWith("AUTH") || l.Contains(" LOGIN ") || l.Contains(" AUTHENTICATE ")
                || l.StartsWith("USER") || l.StartsWith("PASS") || l.Contains("dave"));

        private static Task Use(string protocol, ScriptedMailServer server, MailSecurity security, bool allowUnencrypted)
        {
            var options = new MailServerOptions("127.0.0.1", server.Port)
            {
                Security = security, Credential = Dave, AllowUnencryptedAuthentication = allowUnencrypted, Timeout = TimeSpan.FromSeconds(10),
            };
            switch (protocol)
            {
                case "SMTP":
                    return SmtpServerTester.TestAsync(options, SmtpTestStage.Auth, new Transcript(), CancellationToken.None);
                case "POP3":
                    return Pop3Mailbox.ListAsync(options, false, new Transcript(), CancellationToken.None);
                default:
                    return ImapConnection.ConnectAsync(options, new Transcript(), CancellationToken.None);
            }
        }

        private static ScriptedMailServer Server(string protocol) => protocol == "SMTP" ? Smtp() : protocol == "POP3" ? Pop3() : Imap();

        [Theory]
        [InlineData("SMTP", MailSecurity.Auto)]
        [InlineData("SMTP", MailSecurity.StartTlsWhenAvailable)]
        [InlineData("POP3", MailSecurity.Auto)]
        [InlineData("POP3", MailSecurity.StartTlsWhenAvailable)]
        [InlineData("IMAP", MailSecurity.Auto)]
        [InlineData("IMAP", MailSecurity.StartTlsWhenAvailable)]
        public async Task Without_TLS_the_credential_is_not_sent_and_the_error_names_the_opt_out(string protocol, MailSecurity security)
        {
            using var server = Server(protocol);
            var outcome = await Hostile.FailsInTimeAsync(() => Use(protocol, server, security, allowUnencrypted: false), TimeSpan.FromSeconds(10));
            var error = Assert.IsType<InvalidNetworkRequestException>(outcome.Error);
            Assert.Contains("-AllowUnencryptedAuthentication", error.Message);
            Assert.NotEmpty(server.Received);
            Assert.False(SawCredential(server), string.Join(" | ", server.Received));
        }

        [Theory]
        [InlineData("SMTP")]
        [InlineData("POP3")]
        [InlineData("IMAP")]
        public async Task Named_opt_outs_send_it(string protocol)
        {
            foreach (var (security, allow) in new[] { (MailSecurity.Auto, true), (MailSecurity.None, false) })
            {
                using var server = Server(protocol);
                try
                {
                    var result = Use(protocol, server, security, allow);
                    await result;
                    (result as Task<ImapSession>)?.Result.Dispose();
                }
                catch (NetworkException)
                {
                    // What happens after the login does not matter here: only that the credential went.
                }
                Assert.True(SawCredential(server), $"{security}, allow {allow}: " + string.Join(" | ", server.Received));
            }
        }
    }
}
