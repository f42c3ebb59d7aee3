using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
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

        /// <summary>Python's smtplib delivers a one-line message from alice to bob through Postfix.</summary>
        private void SendToBobWithPython(string subject) => servers.Python(@"
import smtplib, sys
with smtplib.SMTP('127.0.0.1', int(sys.argv[1])) as s:
    s.sendmail('alice@mail.test', ['bob@mail.test'], 'From: alice@mail.test\r\nTo: bob@mail.test\r\nSubject: ' + sys.argv[2] + '\r\n\r\nhi\r\n')
", servers.Port("smtp").ToString(), subject);

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
            using var session = await ImapConnection.ConnectAsync(Options("imaps", MailSecurity.Tls, MailServers.Alice), new Transcript(), CancellationToken.None);
            var folders = await session.Connection().GetFoldersAsync(null, new Transcript(), CancellationToken.None);
            Assert.Equal("Sent", folders.Single(f => f.FullName == "Sent").SpecialUse);
            Assert.True(folders.Single(f => f.FullName == "INBOX").Count >= 3);

            var found = await session.Connection().SearchAsync("INBOX", new ImapSearchOptions { Subject = "Köln" }, new Transcript(), CancellationToken.None);
            var summary = Assert.Single(found);
            Assert.Equal("Grüße aus Köln ☕", summary.Subject);
            var report = Assert.Single(await session.Connection().SearchAsync("INBOX", new ImapSearchOptions { Subject = "Quarterly" }, new Transcript(), CancellationToken.None));
            Assert.Equal(new[] { "report.pdf" }, report.AttachmentNames);

            var message = await session.Connection().ReadMessageAsync("INBOX", report.Uid, new Transcript(), CancellationToken.None);
            Assert.Equal(1033, Assert.Single(message.Attachments).DecodedSize);
            var recent = await session.Connection().SearchAsync("INBOX", new ImapSearchOptions { Since = DateTime.Today.AddDays(-1) }, new Transcript(), CancellationToken.None);
            Assert.True(recent.Count >= 3);
            Assert.Empty(await session.Connection().SearchAsync("INBOX", new ImapSearchOptions { Before = DateTime.Today.AddDays(-1) }, new Transcript(), CancellationToken.None));
            var large = await session.Connection().SearchAsync("INBOX", new ImapSearchOptions { LargerThan = 1500 }, new Transcript(), CancellationToken.None);
            Assert.Contains(large, m => m.Uid == report.Uid);
            Assert.DoesNotContain(large, m => m.Subject == "Welcome");
            var header = System.Text.Encoding.ASCII.GetString(await session.Connection().ReadSectionAsync("INBOX", report.Uid, "HEADER", new Transcript(), CancellationToken.None));
            Assert.Contains("Subject: Quarterly report", header);
            var pdf = System.Text.Encoding.ASCII.GetString(await session.Connection().ReadSectionAsync("INBOX", report.Uid, "2", new Transcript(), CancellationToken.None));
            Assert.StartsWith("%PDF-1.4", System.Text.Encoding.Latin1.GetString(Convert.FromBase64String(pdf)));
            var again = Assert.Single(await session.Connection().SearchAsync("INBOX", new ImapSearchOptions { Uids = { report.Uid } }, new Transcript(), CancellationToken.None));
            Assert.DoesNotContain("Seen", again.Flags);

            var missing = await Assert.ThrowsAsync<System.IO.DirectoryNotFoundException>(() =>
                session.Connection().SearchAsync("NoSuchFolder", new ImapSearchOptions(), new Transcript(), CancellationToken.None));
            Assert.Contains("NoSuchFolder", missing.Message);
            await session.Connection().DisconnectAsync(new Transcript(), CancellationToken.None);
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
            using var session = await ImapConnection.ConnectAsync(Options("imap", MailSecurity.StartTls, MailServers.Bob), new Transcript(), CancellationToken.None);
            var subject = "Idle-" + Guid.NewGuid().ToString("N");
            var waiting = session.Connection().WaitForNewAsync("INBOX", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1), new Transcript(), CancellationToken.None);
            Thread.Sleep(500);
            SendToBobWithPython(subject);
            var arrived = await waiting;
            Assert.Contains(arrived, m => m.Subject == subject);

            var nothing = await session.Connection().WaitForNewAsync("INBOX", TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1), new Transcript(), CancellationToken.None);
            Assert.Empty(nothing);

            var name = "Test" + Guid.NewGuid().ToString("N").Substring(0, 6);
            Assert.Equal(name, (await session.Connection().CreateFolderAsync(name, new Transcript(), CancellationToken.None)).FullName);
            var renamed = await session.Connection().RenameFolderAsync(name, "Archive/" + name, new Transcript(), CancellationToken.None);
            Assert.Equal("Archive/" + name, renamed.FullName);
            await session.Connection().DeleteFolderAsync("Archive/" + name, new Transcript(), CancellationToken.None);
            Assert.Empty(await session.Connection().GetFoldersAsync("*" + name, new Transcript(), CancellationToken.None));
        }

        [Fact]
        public async Task A_server_that_answers_500_to_EHLO_gets_HELO_and_the_message()
        {
            using var server = new ScriptedMailServer("220 old.test SMTP ready", line =>
                line.StartsWith("EHLO") ? "500 5.5.1 Command unrecognized"
                : line.StartsWith("HELO") ? "250 old.test"
                : line.StartsWith("MAIL FROM:") || line.StartsWith("RCPT TO:") ? "250 2.1.0 Ok"
                : line == "DATA" ? "354 End data with <CR><LF>.<CR><LF>"
                : line == "." ? "250 2.0.0 Ok: queued as OLD1"
                : line == "QUIT" ? "221 2.0.0 Bye"
                : "502 5.5.2 Command not implemented");
            var options = new MailServerOptions("127.0.0.1", server.Port) { Security = MailSecurity.None };
            var message = MailComposer.Build(new MailMessageOptions { From = "alice@mail.test", To = { "bob@mail.test" }, Subject = "Hello, old server", Body = "x" });
            using var mailer = new SmtpMailer();
            var result = await mailer.SendAsync(options, message, new Transcript(), CancellationToken.None);
            await mailer.CloseAsync(new Transcript(), CancellationToken.None);

            Assert.True(result.Sent);
            Assert.Contains("queued as OLD1", result.FinalReply);
            var lines = server.Received.ToList();
            Assert.True(lines.FindIndex(l => l.StartsWith("EHLO")) < lines.FindIndex(l => l.StartsWith("HELO")));
            Assert.Contains("Subject: Hello, old server", lines);

            var tested = await SmtpServerTester.TestAsync(options, SmtpTestStage.Ehlo, new Transcript(), CancellationToken.None);
            Assert.StartsWith("220 old.test", tested.Banner);
            Assert.Empty(tested.Capabilities);
        }

        [Fact]
        public async Task Without_IDLE_the_wait_polls_with_NOOP_finds_a_message_Python_sends_and_a_quiet_wait_ends_empty()
        {
            // Dovecot's imapnoidle listener (127.0.0.2) leaves IDLE out of its capabilities.
            var options = new MailServerOptions("127.0.0.2", servers.Port("imapnoidle")) { Security = MailSecurity.None, Credential = MailServers.Bob };
            using var session = await ImapConnection.ConnectAsync(options, new Transcript(), CancellationToken.None);
            Assert.DoesNotContain("Idle", session.Capabilities);
            Assert.Contains("Move", session.Capabilities);

            var subject = "Poll-" + Guid.NewGuid().ToString("N");
            var transcript = new Transcript();
            var waiting = session.Connection().WaitForNewAsync("INBOX", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1), transcript, CancellationToken.None);
            for (var i = 0; i < 100 && !transcript.Entries.Any(e => e.Text.Contains(" NOOP")); i++)
                Thread.Sleep(100);
            SendToBobWithPython(subject);
            var arrived = await waiting;
            Assert.Contains(arrived, m => m.Subject == subject);
            Assert.Contains(transcript.Entries, e => e.Direction == TranscriptDirection.Sent && e.Text.Contains(" NOOP"));
            Assert.DoesNotContain(transcript.Entries, e => e.Text.Contains("IDLE"));

            Assert.Empty(await session.Connection().WaitForNewAsync("INBOX", TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(1), new Transcript(), CancellationToken.None));
            await session.Connection().DisconnectAsync(new Transcript(), CancellationToken.None);
        }

        [Fact]
        public async Task What_we_send_Python_imaplib_and_poplib_read_back_with_the_same_subject_sender_body_and_attachment_bytes()
        {
            var folder = Directory.CreateTempSubdirectory("nf-mail-agree-").FullName;
            var bytes = Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray();
            var file = Path.Combine(folder, "Daten-ü.bin");
            File.WriteAllBytes(file, bytes);
            var subject = "Grüße aus Köln ☕ 日本 " + Guid.NewGuid().ToString("N");
            var message = MailComposer.Build(new MailMessageOptions
            {
                From = "Jürgen Müller <alice@mail.test>", To = { "bob@mail.test" }, Subject = subject, Body = "Schöne Grüße", Attachments = { file },
            });
            using (var mailer = new SmtpMailer())
            {
                await mailer.SendAsync(Options("submission", MailSecurity.StartTls, MailServers.Alice), message, new Transcript(), CancellationToken.None);
                await mailer.CloseAsync(new Transcript(), CancellationToken.None);
            }

            var python = MailMessageTests.RunPython(@"
import email, email.policy, hashlib, imaplib, poplib, ssl, sys, time
imap_port, pop_port, ca, message_id = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
def show(raw):
    m = email.message_from_bytes(raw, policy=email.policy.default)
    att = next(m.iter_attachments())
    return [m['subject'], m['from'].addresses[0].display_name, m.get_body(('plain',)).get_content().strip(),
            att.get_filename(), hashlib.sha256(att.get_content()).hexdigest()]
c = imaplib.IMAP4('127.0.0.1', imap_port); c.starttls(ssl.create_default_context(cafile=ca))
c.login('bob@mail.test', 'bob-password'); c.select('INBOX', readonly=True)
for _ in range(50):
    found = c.search(None, 'HEADER', 'Message-ID', message_id)[1][0].split()
    if found: break
    time.sleep(0.2); c.noop()
print('\n'.join(show(c.fetch(found[0], '(BODY.PEEK[])')[1][0][1]))); c.logout()
p = poplib.POP3('127.0.0.1', pop_port); p.stls(ssl.create_default_context(cafile=ca)); p.user('bob@mail.test'); p.pass_('bob-password')
for n in range(1, p.stat()[0] + 1):
    raw = b'\r\n'.join(p.retr(n)[1])
    if message_id.encode() in raw: print('\n'.join(show(raw)))
p.quit()", servers.Port("imap").ToString(), servers.Port("pop3").ToString(), servers.CaPath, message.MessageId!);

            var expected = new[] { subject, "Jürgen Müller", "Schöne Grüße", "Daten-ü.bin", Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant() };
            Assert.Equal(expected.Concat(expected), python.Trim().Split('\n'));
        }

        [Fact]
        public async Task What_Python_sends_our_IMAP_and_POP3_read_with_the_same_subject_file_name_and_attachment_bytes()
        {
            var subject = "Python Grüße ☕ " + Guid.NewGuid().ToString("N");
            var bytes = Enumerable.Range(0, 2048).Select(i => (byte)i).ToArray();
            MailMessageTests.RunPython(@"
import smtplib, ssl, sys
from email.message import EmailMessage
m = EmailMessage(); m['From'] = 'Jürgen Müller <alice@mail.test>'; m['To'] = 'bob@mail.test'; m['Subject'] = sys.argv[3]
m.set_content('Schöne Grüße\n'); m.add_attachment(bytes(range(256)) * 8, maintype='application', subtype='octet-stream', filename='Grüße.bin')
with smtplib.SMTP('127.0.0.1', int(sys.argv[1])) as s:
    s.starttls(context=ssl.create_default_context(cafile=sys.argv[2])); s.send_message(m)
", servers.Port("smtp").ToString(), servers.CaPath, subject);

            using var session = await ImapConnection.ConnectAsync(Options("imaps", MailSecurity.Tls, MailServers.Bob), new Transcript(), CancellationToken.None);
            ImapMessageSummary? summary = null;
            for (var i = 0; i < 50 && summary == null; i++)
            {
                Thread.Sleep(200);
                summary = (await session.Connection().SearchAsync("INBOX", new ImapSearchOptions { Subject = subject }, new Transcript(), CancellationToken.None)).SingleOrDefault();
            }
            Assert.NotNull(summary);
            Assert.Equal(subject, summary!.Subject);
            Assert.Contains("Jürgen Müller", summary.From);
            Assert.Equal(new[] { "Grüße.bin" }, summary.AttachmentNames);
            var overImap = await session.Connection().ReadMessageAsync("INBOX", summary.Uid, new Transcript(), CancellationToken.None);
            await session.Connection().DisconnectAsync(new Transcript(), CancellationToken.None);

            var listed = (await Pop3Mailbox.ListAsync(Options("pop3s", MailSecurity.Tls, MailServers.Bob), true, new Transcript(), CancellationToken.None))
                .Single(m => m.Subject == subject);
            var overPop3 = Assert.Single(await Pop3Mailbox.RetrieveAsync(Options("pop3s", MailSecurity.Tls, MailServers.Bob), new[] { listed.Uid }, new Transcript(), CancellationToken.None));

            foreach (var message in new[] { overImap, overPop3 })
            {
                Assert.Equal(subject, message.Subject);
                Assert.Equal("Schöne Grüße", message.Body!.Trim());
                var saved = Assert.Single(message.SaveAttachments(Directory.CreateTempSubdirectory("nf-mail-agree-").FullName, null, false));
                Assert.Equal("Grüße.bin", Path.GetFileName(saved));
                Assert.Equal(bytes, File.ReadAllBytes(saved));
            }
        }
    }
}
