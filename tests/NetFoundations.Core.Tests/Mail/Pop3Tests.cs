using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core;
using NetFoundations.Core.Mail;

namespace NetFoundations.Core.Tests.Mail
{
    public sealed class Pop3Tests : IClassFixture<MailServers>
    {
        private readonly MailServers servers;

        public Pop3Tests(MailServers servers) => this.servers = servers;

        private MailServerOptions Options(string port, MailSecurity security, System.Net.NetworkCredential credential) =>
            new MailServerOptions("127.0.0.1", servers.Port(port)) { Security = security, CertificateAuthorityPath = servers.CaPath, Credential = credential };

        [Fact]
        public async Task A_message_Python_sends_is_listed_retrieved_and_deleted_over_POP3_and_Python_poplib_agrees()
        {
            var subject = "Pop-" + Guid.NewGuid().ToString("N");
            servers.Python(@"
import smtplib, ssl, sys
from email.message import EmailMessage
m = EmailMessage(); m['From'] = 'alice@mail.test'; m['To'] = 'bob@mail.test'; m['Subject'] = sys.argv[3] + ' Grüße'
m.set_content('Hallo POP3\n'); m.add_attachment(bytes(range(256)), maintype='application', subtype='octet-stream', filename='x.bin')
with smtplib.SMTP('127.0.0.1', int(sys.argv[1])) as s:
    s.starttls(context=ssl.create_default_context(cafile=sys.argv[2])); s.send_message(m)
", servers.Port("smtp").ToString(), servers.CaPath, subject);

            var options = Options("pop3", MailSecurity.StartTls, MailServers.Bob);
            Pop3MessageInfo? listed = null;
            for (var i = 0; i < 50 && listed == null; i++)
            {
                Thread.Sleep(200);
                listed = (await Pop3Mailbox.ListAsync(options, true, new Transcript(), CancellationToken.None)).FirstOrDefault(m => m.Subject == subject + " Grüße");
            }
            Assert.NotNull(listed);
            Assert.Contains("alice@mail.test", listed!.From);

            var message = Assert.Single(await Pop3Mailbox.RetrieveAsync(Options("pop3s", MailSecurity.Tls, MailServers.Bob), new[] { listed.Uid }, new Transcript(), CancellationToken.None));
            Assert.Equal("Hallo POP3", message.Body!.Trim());
            Assert.Equal(256, Assert.Single(message.Attachments).DecodedSize);

            var uids = servers.Python(@"
import poplib, ssl, sys
p = poplib.POP3_SSL('127.0.0.1', int(sys.argv[1]), context=ssl.create_default_context(cafile=sys.argv[2]))
p.user('bob@mail.test'); p.pass_('bob-password')
print(' '.join(l.decode().split()[1] for l in p.uidl()[1])); p.quit()", servers.Port("pop3s").ToString(), servers.CaPath);
            Assert.Contains(listed.Uid, uids.Split());

            Assert.Equal(1, await Pop3Mailbox.DeleteAsync(options, new[] { listed.Uid }, new Transcript(), CancellationToken.None));
            var after = await Pop3Mailbox.ListAsync(options, false, new Transcript(), CancellationToken.None);
            Assert.DoesNotContain(after, m => m.Uid == listed.Uid);
            await Assert.ThrowsAsync<InvalidNetworkRequestException>(() =>
                Pop3Mailbox.RetrieveAsync(options, new[] { listed.Uid }, new Transcript(), CancellationToken.None));
        }

        [Fact]
        public async Task APOP_logs_in_where_Dovecot_offers_it_and_a_refused_digest_does_not_fall_back_to_USER_PASS()
        {
            var options = Options("pop3", MailSecurity.StartTls, MailServers.Alice);
            options.RequireApop = true;
            var transcript = new Transcript();
            var listed = await Pop3Mailbox.ListAsync(options, true, transcript, CancellationToken.None);
            Assert.Contains(listed, m => m.Subject == "Welcome");
            Assert.Matches("<.+@.+>", transcript.Entries.First(e => e.Direction == TranscriptDirection.Received).Text);
            Assert.Contains(transcript.Entries, e => e.Text.StartsWith("APOP "));
            Assert.DoesNotContain(transcript.Entries, e => e.Text.StartsWith("USER") || e.Text.StartsWith("PASS") || e.Text.StartsWith("AUTH"));

            var wrong = Options("pop3s", MailSecurity.Tls, new System.Net.NetworkCredential("alice@mail.test", "wrong"));
            wrong.RequireApop = true;
            var refused = new Transcript();
            await Assert.ThrowsAsync<AuthenticationFailedException>(() => Pop3Mailbox.ListAsync(wrong, false, refused, CancellationToken.None));
            Assert.Contains(refused.Entries, e => e.Text.StartsWith("APOP "));
            Assert.DoesNotContain(refused.Entries, e => e.Text.StartsWith("USER") || e.Text.StartsWith("PASS") || e.Text.StartsWith("AUTH"));
        }

        [Fact]
        public async Task APOP_asked_of_a_server_that_does_not_offer_it_is_a_clear_error_before_anything_is_sent_to_log_in()
        {
            // A server without the greeting's <timestamp>, as most are today; no Debian POP3 server can be told to leave it out per port.
            using var server = new ScriptedMailServer("+OK POP3 ready", line => line switch
            {
                "CAPA" => "+OK\nUSER\nUIDL\n.",
                "QUIT" => "+OK bye",
                _ => "-ERR unknown command",
            });
            var options = new MailServerOptions("127.0.0.1", server.Port) { Security = MailSecurity.None, Credential = MailServers.Alice, RequireApop = true };
            var error = await Assert.ThrowsAsync<ProtocolViolationException>(() => Pop3Mailbox.ListAsync(options, false, new Transcript(), CancellationToken.None));
            Assert.Contains("does not offer APOP", error.Message);
            Assert.Contains("CAPA", server.Received);
            Assert.DoesNotContain(server.Received, l => l.StartsWith("USER") || l.StartsWith("PASS") || l.StartsWith("APOP") || l.StartsWith("AUTH"));
        }

        [Fact]
        public async Task A_wrong_password_is_an_authentication_error()
        {
            await Assert.ThrowsAsync<AuthenticationFailedException>(() => Pop3Mailbox.ListAsync(
                Options("pop3s", MailSecurity.Tls, new System.Net.NetworkCredential("bob@mail.test", "wrong")), false, new Transcript(), CancellationToken.None));
        }
    }
}
