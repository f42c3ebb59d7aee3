using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core;
using NetFoundations.Core.Mail;

namespace NetFoundations.Core.Tests.Mail
{
    public sealed class SmtpImapTests : IClassFixture<MailServers>
    {
        private readonly MailServers servers;

        public SmtpImapTests(MailServers servers) => this.servers = servers;

        private MailServerOptions Options(string port, MailSecurity security, System.Net.NetworkCredential? credential = null) =>
            new MailServerOptions("127.0.0.1", servers.Port(port)) { Security = security, CertificateAuthorityPath = servers.CaPath, Credential = credential };

        [Fact]
        public async Task Sent_with_STARTTLS_and_AUTH_a_rejected_recipient_fails_alone_and_Python_imaplib_finds_the_message()
        {
            var subject = "Core-send-" + Guid.NewGuid().ToString("N");
            var message = MailComposer.Build(new MailMessageOptions { From = "alice@mail.test", To = { "bob@mail.test", "nobody@mail.test" }, Subject = subject, Body = "Über TLS" });
            var transcript = new Transcript();
            using var mailer = new SmtpMailer();
            var result = await mailer.SendAsync(Options("submission", MailSecurity.StartTls, MailServers.Alice), message, transcript, CancellationToken.None);
            await mailer.CloseAsync(transcript, CancellationToken.None);

            Assert.True(result.Sent);
            Assert.Equal(new[] { "bob@mail.test" }, result.AcceptedRecipients);
            Assert.Equal(550, Assert.Single(result.Recipients, r => !r.Accepted).ReplyCode);
            Assert.StartsWith("Tls", result.TlsProtocol);
            Assert.Contains(transcript.Entries, e => e.Text.StartsWith("AUTH PLAIN ********"));
            Assert.DoesNotContain(transcript.Entries, e => e.Text.Contains(Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("\0alice@mail.test\0alice-password"))));

            var found = "";
            for (var i = 0; i < 50 && !found.Contains(subject); i++)
            {
                Thread.Sleep(200);
                found = servers.Python(@"
import imaplib, ssl, sys
c = imaplib.IMAP4('127.0.0.1', int(sys.argv[1])); c.starttls(ssl.create_default_context(cafile=sys.argv[2]))
c.login('bob@mail.test', 'bob-password'); c.select('INBOX', readonly=True)
typ, ids = c.search(None, 'SUBJECT', sys.argv[3])
for i in ids[0].split(): print(c.fetch(i, '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')[1][0][1].decode().strip())
", servers.Port("imap").ToString(), servers.CaPath, subject);
            }
            Assert.Contains(subject, found);
        }

        [Fact]
        public async Task Wrong_password_untrusted_certificate_and_refused_port_are_typed_errors()
        {
            var bad = new System.Net.NetworkCredential("alice@mail.test", "wrong");
            await Assert.ThrowsAsync<AuthenticationFailedException>(() =>
                SmtpServerTester.TestAsync(Options("submission", MailSecurity.StartTls, bad), SmtpTestStage.Auth, new Transcript(), CancellationToken.None));
            var untrusted = new MailServerOptions("127.0.0.1", servers.Port("smtp")) { Security = MailSecurity.StartTls };
            var rejected = await Assert.ThrowsAsync<CertificateRejectedException>(() =>
                SmtpServerTester.TestAsync(untrusted, SmtpTestStage.Tls, new Transcript(), CancellationToken.None));
            Assert.Contains("not trusted", rejected.Message);
            await Assert.ThrowsAsync<ConnectionRefusedException>(() =>
                SmtpServerTester.TestAsync(new MailServerOptions("127.0.0.1", 1), SmtpTestStage.Ehlo, new Transcript(), CancellationToken.None));
        }

        [Fact]
        public async Task Test_reports_capabilities_STARTTLS_and_a_valid_certificate()
        {
            var result = await SmtpServerTester.TestAsync(Options("smtp", MailSecurity.StartTlsWhenAvailable), SmtpTestStage.Tls, new Transcript(), CancellationToken.None);
            Assert.StartsWith("220 mail.test", result.Banner);
            Assert.True(result.StartTlsOffered);
            Assert.True(result.CertificateValid);
            Assert.Contains("Size", result.Capabilities);
            Assert.Equal(1048576, result.MaxSize);
        }

        [Fact]
        public async Task IMAP_lists_folders_finds_the_seeded_messages_without_marking_them_seen_and_reads_one()
        {
            using var session = await ImapSession.ConnectAsync(Options("imaps", MailSecurity.Tls, MailServers.Alice), new Transcript(), CancellationToken.None);
            var folders = await session.GetFoldersAsync(null, new Transcript(), CancellationToken.None);
            Assert.Equal("Sent", folders.Single(f => f.FullName == "Sent").SpecialUse);
            Assert.True(folders.Single(f => f.FullName == "INBOX").Count >= 3);

            var found = await session.SearchAsync("INBOX", new ImapSearchOptions { Subject = "Köln" }, new Transcript(), CancellationToken.None);
            var summary = Assert.Single(found);
            Assert.Equal("Grüße aus Köln ☕", summary.Subject);
            var report = Assert.Single(await session.SearchAsync("INBOX", new ImapSearchOptions { Subject = "Quarterly" }, new Transcript(), CancellationToken.None));
            Assert.Equal(new[] { "report.pdf" }, report.AttachmentNames);

            var message = await session.ReadMessageAsync("INBOX", report.Uid, new Transcript(), CancellationToken.None);
            Assert.Equal(1033, Assert.Single(message.Attachments).Size);
            var recent = await session.SearchAsync("INBOX", new ImapSearchOptions { Since = DateTime.Today.AddDays(-1) }, new Transcript(), CancellationToken.None);
            Assert.True(recent.Count >= 3);
            Assert.Empty(await session.SearchAsync("INBOX", new ImapSearchOptions { Before = DateTime.Today.AddDays(-1) }, new Transcript(), CancellationToken.None));
            var large = await session.SearchAsync("INBOX", new ImapSearchOptions { LargerThan = 1500 }, new Transcript(), CancellationToken.None);
            Assert.Contains(large, m => m.Uid == report.Uid);
            Assert.DoesNotContain(large, m => m.Subject == "Welcome");
            var header = System.Text.Encoding.ASCII.GetString(await session.ReadSectionAsync("INBOX", report.Uid, "HEADER", new Transcript(), CancellationToken.None));
            Assert.Contains("Subject: Quarterly report", header);
            var pdf = System.Text.Encoding.ASCII.GetString(await session.ReadSectionAsync("INBOX", report.Uid, "2", new Transcript(), CancellationToken.None));
            Assert.StartsWith("%PDF-1.4", System.Text.Encoding.Latin1.GetString(Convert.FromBase64String(pdf)));
            var again = Assert.Single(await session.SearchAsync("INBOX", new ImapSearchOptions { Uids = { report.Uid } }, new Transcript(), CancellationToken.None));
            Assert.DoesNotContain("Seen", again.Flags);

            var missing = await Assert.ThrowsAsync<System.IO.DirectoryNotFoundException>(() =>
                session.SearchAsync("NoSuchFolder", new ImapSearchOptions(), new Transcript(), CancellationToken.None));
            Assert.Contains("NoSuchFolder", missing.Message);
            await session.DisconnectAsync(new Transcript(), CancellationToken.None);
        }
    
        [Fact]
        public async Task A_message_no_recipient_accepts_is_a_remote_error_and_the_connection_sends_the_next()
        {
            var options = Options("smtp", MailSecurity.StartTls);
            using var mailer = new SmtpMailer();
            var nobody = MailComposer.Build(new MailMessageOptions { From = "alice@mail.test", To = { "nobody@mail.test" }, Subject = "lost", Body = "x" });
            var error = await Assert.ThrowsAsync<RemoteErrorException>(() => mailer.SendAsync(options, nobody, new Transcript(), CancellationToken.None));
            Assert.Contains("nobody@mail.test: 550", error.Message);
            Assert.Equal("550", error.ReplyCode);
            var transcript = new Transcript();
            var next = MailComposer.Build(new MailMessageOptions { From = "alice@mail.test", To = { "bob@mail.test" }, Subject = "found", Body = "x" });
            Assert.True((await mailer.SendAsync(options, next, transcript, CancellationToken.None)).Sent);
            Assert.DoesNotContain(transcript.Entries, e => e.Text.StartsWith("EHLO"));
        }

        [Fact]
        public async Task A_message_over_the_servers_SIZE_is_refused_before_DATA()
        {
            var big = System.IO.Path.GetTempFileName();
            System.IO.File.WriteAllBytes(big, new byte[1_100_000]);
            var message = MailComposer.Build(new MailMessageOptions { From = "alice@mail.test", To = { "bob@mail.test" }, Subject = "big", Attachments = { big } });
            var transcript = new Transcript();
            using var mailer = new SmtpMailer();
            var error = await Assert.ThrowsAsync<InvalidNetworkRequestException>(() =>
                mailer.SendAsync(Options("submission", MailSecurity.StartTls, MailServers.Alice), message, transcript, CancellationToken.None));
            Assert.Contains("SIZE", error.Message);
            Assert.DoesNotContain(transcript.Entries, e => e.Text.StartsWith("MAIL FROM") || e.Text.StartsWith("DATA"));
        }

        [Fact]
        public async Task IDLE_sees_a_message_Python_sends_and_folders_are_created_renamed_and_deleted()
        {
            using var session = await ImapSession.ConnectAsync(Options("imap", MailSecurity.StartTls, MailServers.Bob), new Transcript(), CancellationToken.None);
            var subject = "Idle-" + Guid.NewGuid().ToString("N");
            var waiting = session.WaitForNewAsync("INBOX", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1), new Transcript(), CancellationToken.None);
            Thread.Sleep(500);
            servers.Python(@"
import smtplib, sys
with smtplib.SMTP('127.0.0.1', int(sys.argv[1])) as s:
    s.sendmail('alice@mail.test', ['bob@mail.test'], 'From: alice@mail.test\r\nTo: bob@mail.test\r\nSubject: ' + sys.argv[2] + '\r\n\r\nhi\r\n')
", servers.Port("smtp").ToString(), subject);
            var arrived = await waiting;
            Assert.Contains(arrived, m => m.Subject == subject);

            var nothing = await session.WaitForNewAsync("INBOX", TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1), new Transcript(), CancellationToken.None);
            Assert.Empty(nothing);

            var name = "Test" + Guid.NewGuid().ToString("N").Substring(0, 6);
            Assert.Equal(name, (await session.CreateFolderAsync(name, new Transcript(), CancellationToken.None)).FullName);
            var renamed = await session.RenameFolderAsync(name, "Archive/" + name, new Transcript(), CancellationToken.None);
            Assert.Equal("Archive/" + name, renamed.FullName);
            await session.DeleteFolderAsync("Archive/" + name, new Transcript(), CancellationToken.None);
            Assert.Empty(await session.GetFoldersAsync("*" + name, new Transcript(), CancellationToken.None));
        }
    }
}
