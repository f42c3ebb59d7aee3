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
            Assert.Equal(256, Assert.Single(message.Attachments).Size);

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
        public async Task A_wrong_password_is_an_authentication_error()
        {
            await Assert.ThrowsAsync<AuthenticationFailedException>(() => Pop3Mailbox.ListAsync(
                Options("pop3s", MailSecurity.Tls, new System.Net.NetworkCredential("bob@mail.test", "wrong")), false, new Transcript(), CancellationToken.None));
        }
    }
}
