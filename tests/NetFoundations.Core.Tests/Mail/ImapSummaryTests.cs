using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core;
using NetFoundations.Core.Mail;

namespace NetFoundations.Core.Tests.Mail
{
    /// <summary>Fetching the summaries of a folder (Get-ImapMessage): a large folder on Dovecot, and servers that stall or break the grammar.</summary>
    public sealed class ImapSummaryTests : IClassFixture<MailServers>
    {
        private static readonly NetworkCredential Carol = new NetworkCredential("carol@old.test", "carol-password");
        private readonly MailServers servers;

        public ImapSummaryTests(MailServers servers) => this.servers = servers;

        private static MailServerOptions Scripted(ScriptedMailServer server, bool tls) =>
            new MailServerOptions("127.0.0.1", server.Port)
            {
                Security = tls ? MailSecurity.Tls : MailSecurity.None, SkipCertificateCheck = true, Credential = Carol, Timeout = TimeSpan.FromSeconds(10),
            };

        [Fact]
        public async Task A_folder_of_250_messages_comes_whole_in_UID_order_across_batches_as_imaplib_reads_it()
        {
            var folder = "Bulk" + Guid.NewGuid().ToString("N").Substring(0, 8);
            // Python appends the messages: every fifth with an attachment, every seventh with a non-ASCII subject and two recipients.
            servers.Python(@"
import imaplib, sys
from email.message import EmailMessage
c = imaplib.IMAP4('127.0.0.1', int(sys.argv[1])); c.login('alice@mail.test', 'alice-password'); c.create(sys.argv[2])
for i in range(250):
    m = EmailMessage()
    m['From'] = 'Sender %d <sender%d@mail.test>' % (i, i)
    m['To'] = 'alice@mail.test, Bob <bob@mail.test>' if i % 7 == 0 else 'alice@mail.test'
    m['Subject'] = ('Grüße %d' if i % 7 == 0 else 'Bulk %d') % i
    m['Message-ID'] = '<bulk-%d@mail.test>' % i
    m.set_content('Message %d' % i)
    if i % 5 == 0: m.add_attachment(bytes(range(256)), maintype='application', subtype='octet-stream', filename='data-%d.bin' % i)
    c.append(sys.argv[2], None, None, m.as_bytes())
c.logout()
", servers.Port("imap").ToString(), folder);
            var sizes = servers.Python(@"
import imaplib, re, sys
c = imaplib.IMAP4('127.0.0.1', int(sys.argv[1])); c.login('alice@mail.test', 'alice-password'); c.select(sys.argv[2], readonly=True)
for line in c.uid('FETCH', '1:*', '(RFC822.SIZE)')[1]:
    items = dict(re.findall(rb'(UID|RFC822\.SIZE) (\d+)', line))
    print(items[b'UID'].decode(), items[b'RFC822.SIZE'].decode())
c.logout()
", servers.Port("imap").ToString(), folder).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).ToDictionary(p => uint.Parse(p[0]), p => long.Parse(p[1]));

            using var session = await ImapConnection.ConnectAsync(new MailServerOptions("127.0.0.1", servers.Port("imap"))
            {
                Security = MailSecurity.StartTls, CertificateAuthorityPath = servers.CaPath, Credential = MailServers.Alice,
            }, new Transcript(), CancellationToken.None);
            var summaries = await session.Connection().SearchAsync(folder, new ImapSearchOptions(), null, CancellationToken.None);

            Assert.Equal(250, summaries.Count);
            Assert.Equal(sizes.Keys.OrderBy(u => u), summaries.Select(s => s.Uid));
            for (var i = 0; i < 250; i++)
            {
                var s = summaries[i];
                Assert.Equal(i % 7 == 0 ? $"Grüße {i}" : $"Bulk {i}", s.Subject);
                Assert.Equal($"\"Sender {i}\" <sender{i}@mail.test>", s.From);
                Assert.Equal(i % 7 == 0 ? new[] { "alice@mail.test", "\"Bob\" <bob@mail.test>" } : new[] { "alice@mail.test" }, s.To);
                Assert.Equal(i % 5 == 0 ? new[] { $"data-{i}.bin" } : Array.Empty<string>(), s.AttachmentNames);
                Assert.Equal($"bulk-{i}@mail.test", s.MessageId);
                Assert.Equal(sizes[s.Uid], s.Size);
                Assert.Equal(i + 1, s.Index);
                Assert.Equal(folder, s.Folder);
            }
            var last = await session.Connection().SearchAsync(folder, new ImapSearchOptions { Limit = 150 }, null, CancellationToken.None);
            Assert.Equal(summaries.Skip(100).Select(s => s.Uid), last.Select(s => s.Uid));
        }

        [Fact]
        public async Task Summaries_read_as_MailKit_reads_them_for_unusual_messages()
        {
            var folder = "Odd" + Guid.NewGuid().ToString("N").Substring(0, 8);
            servers.Python(@"
import imaplib, sys
from email.message import EmailMessage
from email.mime.text import MIMEText
from email.mime.multipart import MIMEMultipart
from email.mime.application import MIMEApplication
from email.mime.message import MIMEMessage
c = imaplib.IMAP4('127.0.0.1', int(sys.argv[1])); c.login('alice@mail.test', 'alice-password'); c.create(sys.argv[2])
def put(m, flags=None): c.append(sys.argv[2], flags, None, m.as_bytes() if hasattr(m, 'as_bytes') else m)
m = EmailMessage(); m['From'] = 'Jörg Müller <joerg@mail.test>'; m['To'] = 'Team: a@mail.test, ""Doe, John"" <john@mail.test>;'
m['Subject'] = 'Quotes ""here"" and a back\\slash'; m['Date'] = 'Tue, 3 Mar 2026 10:20:30 +0100'; m['Message-ID'] = '<odd-1@mail.test>'
m.set_content('x'); m.add_attachment(b'123', maintype='application', subtype='octet-stream', filename='Grüße und Küsse.bin')
m.add_attachment(b'456', maintype='application', subtype='octet-stream')
put(m, '(\\Seen \\Flagged $Important)')
outer = MIMEMultipart(); outer['From'] = 'plain@mail.test'; outer['To'] = 'alice@mail.test'; outer['Subject'] = '=?utf-8?q?encoded_=C3=A9t=C3=A9?='
outer.attach(MIMEText('body'))
named = MIMEApplication(b'789'); named.add_header('Content-Disposition', 'attachment'); named.set_param('name', 'only-in-type.dat'); outer.attach(named)
inline = MIMEApplication(b'abc'); inline.add_header('Content-Disposition', 'inline', filename='inline.png'); outer.attach(inline)
inner = EmailMessage(); inner['Subject'] = 'inner'; inner.set_content('inner body')
attached = MIMEMessage(inner); attached.add_header('Content-Disposition', 'attachment', filename='forwarded.eml'); outer.attach(attached)
put(outer)
put(b'From: nobody@mail.test\r\nSubject: one part\r\nContent-Type: application/pdf; name=report.pdf\r\nContent-Disposition: attachment\r\n\r\nJVBERi0=\r\n')
put(b'Subject: no date, no id, no from\r\n\r\nbody\r\n', '(Answered $Custom)')
c.logout()
", servers.Port("imap").ToString(), folder);

            using var session = await ImapConnection.ConnectAsync(new MailServerOptions("127.0.0.1", servers.Port("imap"))
            {
                Security = MailSecurity.StartTls, CertificateAuthorityPath = servers.CaPath, Credential = MailServers.Alice,
            }, new Transcript(), CancellationToken.None);
            var ours = await session.Connection().SearchAsync(folder, new ImapSearchOptions(), null, CancellationToken.None);

            using var mailKit = new MailKit.Net.Imap.ImapClient();
            mailKit.ServerCertificateValidationCallback = (sender, certificate, chain, errors) => true; // loopback, and only to compare
            await mailKit.ConnectAsync("127.0.0.1", servers.Port("imap"), MailKit.Security.SecureSocketOptions.StartTls);
            await mailKit.AuthenticateAsync(MailServers.Alice);
            var theirsFolder = await mailKit.GetFolderAsync(folder);
            await theirsFolder.OpenAsync(MailKit.FolderAccess.ReadOnly);
            var theirs = (await theirsFolder.FetchAsync(0, -1, new MailKit.FetchRequest(MailKit.MessageSummaryItems.UniqueId | MailKit.MessageSummaryItems.Envelope
                | MailKit.MessageSummaryItems.Flags | MailKit.MessageSummaryItems.Size | MailKit.MessageSummaryItems.InternalDate
                | MailKit.MessageSummaryItems.BodyStructure))).OrderBy(t => t.UniqueId.Id).ToList();

            Assert.Equal(4, ours.Count);
            Assert.Equal(theirs.Count, ours.Count);
            for (var i = 0; i < ours.Count; i++)
            {
                var (o, t) = (ours[i], theirs[i]);
                Assert.Equal(t.UniqueId.Id, o.Uid);
                Assert.Equal(t.Index + 1, o.Index);
                Assert.Equal(t.Envelope.Subject ?? string.Empty, o.Subject);
                Assert.Equal(t.Envelope.From.ToString(), o.From);
                Assert.Equal(t.Envelope.To.Select(a => a.ToString()), o.To);
                Assert.Equal(t.Envelope.MessageId, o.MessageId);
                Assert.Equal(t.Envelope.Date, o.Date);
                Assert.Equal(t.InternalDate, o.InternalDate);
                Assert.Equal((long)(t.Size ?? 0), o.Size);
                Assert.Equal(t.Attachments.Select(a => a.FileName ?? a.PartSpecifier), o.AttachmentNames);
                var flags = Enum.GetValues(typeof(ImapFlag)).Cast<ImapFlag>().Where(f => f != ImapFlag.None && (t.Flags!.Value & (MailKit.MessageFlags)f) != 0)
                    .Select(f => f.ToString()).Concat(t.Keywords);
                Assert.Equal(flags, o.Flags);
            }
            // What the messages hold, so a change on both sides does not pass unseen.
            Assert.Equal(new[] { "Grüße und Küsse.bin", "3" }, ours[0].AttachmentNames);
            Assert.Equal(new[] { "Seen", "Flagged", "$Important" }, ours[0].Flags);
            Assert.Equal("Team: a@mail.test, \"Doe, John\" <john@mail.test>;", Assert.Single(ours[0].To));
            Assert.Equal("encoded été", ours[1].Subject);
            Assert.Contains("only-in-type.dat", ours[1].AttachmentNames);
            Assert.DoesNotContain("inline.png", ours[1].AttachmentNames);
            Assert.Null(ours[3].MessageId);
            Assert.Null(ours[3].Date);
        }

        [Fact]
        public async Task MailKits_view_of_a_folder_stays_right_when_another_session_appends_and_expunges_during_a_fetch()
        {
            var folder = "Busy" + Guid.NewGuid().ToString("N").Substring(0, 8);
            servers.Python(@"
import imaplib, sys
c = imaplib.IMAP4('127.0.0.1', int(sys.argv[1])); c.login('alice@mail.test', 'alice-password'); c.create(sys.argv[2])
for i in range(2000):
    c.append(sys.argv[2], None, None, b'From: s@mail.test\r\nSubject: Busy %d\r\nMessage-ID: <busy-%d@mail.test>\r\n\r\nMessage %d\r\n' % (i, i, i))
c.logout()
", servers.Port("imap").ToString(), folder);
            using var session = await ImapConnection.ConnectAsync(new MailServerOptions("127.0.0.1", servers.Port("imap"))
            {
                Security = MailSecurity.StartTls, CertificateAuthorityPath = servers.CaPath, Credential = MailServers.Alice,
            }, new Transcript(), CancellationToken.None);
            var transcript = new Transcript();
            var fetched = 0;

            // While the fetch is under way (its first summary read, the rest still coming), a second session (imaplib)
            // appends two messages and expunges the first three, which the fetch has passed.
            await session.Connection().SearchAsync(folder, new ImapSearchOptions(), summary =>
            {
                if (fetched++ == 0)
                    servers.Python(@"
import imaplib, sys
c = imaplib.IMAP4('127.0.0.1', int(sys.argv[1])); c.login('alice@mail.test', 'alice-password'); c.select(sys.argv[2])
for i in (1, 2):
    c.append(sys.argv[2], None, None, b'From: s@mail.test\r\nSubject: Arrived %d\r\nMessage-ID: <arrived-%d@mail.test>\r\n\r\nNew\r\n' % (i, i))
c.store('1:3', '+FLAGS', '\\Deleted'); c.expunge(); c.logout()
", servers.Port("imap").ToString(), folder);
            }, null, transcript, CancellationToken.None);
            var status = servers.Python(@"
import imaplib, re, sys
c = imaplib.IMAP4('127.0.0.1', int(sys.argv[1])); c.login('alice@mail.test', 'alice-password')
print(re.search(rb'MESSAGES (\d+)', c.status(sys.argv[2], '(MESSAGES)')[1][0]).group(1).decode()); c.logout()
", servers.Port("imap").ToString(), folder);

            Assert.Equal(2000, fetched);
            Assert.Equal("1999", status.Trim());
            // The next operation brings MailKit's connection the news the server held for it: none was taken away.
            var arrived = await session.Connection().SearchAsync(folder, new ImapSearchOptions { Subject = "Arrived" }, null, CancellationToken.None);
            Assert.Equal(new[] { "Arrived 1", "Arrived 2" }, arrived.Select(s => s.Subject));
            Assert.Equal(1999, session.Connection().Client.GetFolder(folder).Count);
            var all = await session.Connection().SearchAsync(folder, new ImapSearchOptions(), null, CancellationToken.None);
            Assert.Equal(1999, all.Count);
            Assert.Contains(all, s => s.MessageId == "arrived-2@mail.test");
            Assert.DoesNotContain(all, s => s.MessageId == "busy-0@mail.test" || s.MessageId == "busy-2@mail.test");
            Assert.Equal(Enumerable.Range(1, 1999), all.Select(s => s.Index));
            // The second connection's lines are in the transcript after a note that says so, its credential masked.
            Assert.Contains(transcript.Entries, e => e.Direction == TranscriptDirection.Info && e.Text.Contains("second connection"));
            Assert.Contains(transcript.Entries, e => e.Text.Contains("AUTHENTICATE PLAIN ********"));
            var secret = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("\0alice@mail.test\0alice-password"));
            Assert.DoesNotContain(transcript.Entries, e => e.Text.Contains("alice-password") || e.Text.Contains(secret));
            Assert.Contains(transcript.Entries, e => e.Direction == TranscriptDirection.SentSecure && e.Text.Contains("UID FETCH 1:*"));
        }

        [Fact]
        public async Task A_folder_with_a_non_ASCII_name_is_fetched_on_the_second_connection()
        {
            var folder = "Grüße " + Guid.NewGuid().ToString("N").Substring(0, 8);
            using var session = await ImapConnection.ConnectAsync(new MailServerOptions("127.0.0.1", servers.Port("imap"))
            {
                Security = MailSecurity.StartTls, CertificateAuthorityPath = servers.CaPath, Credential = MailServers.Alice,
            }, new Transcript(), CancellationToken.None);
            await session.Connection().CreateFolderAsync(folder, new Transcript(), CancellationToken.None);
            var message = new MimeKit.MimeMessage();
            message.From.Add(new MimeKit.MailboxAddress("", "s@mail.test"));
            message.Subject = "In a folder named in UTF-7";
            message.Body = new MimeKit.TextPart("plain") { Text = "x" };
            await session.Connection().Client.GetFolder(folder).AppendAsync(new MailKit.AppendRequest(message));

            var summary = Assert.Single(await session.Connection().SearchAsync(folder, new ImapSearchOptions(), null, CancellationToken.None));

            Assert.Equal("In a folder named in UTF-7", summary.Subject);
            Assert.Equal(folder, summary.Folder);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task Cancelling_a_fetch_the_server_stalls_in_ends_it_at_once_and_leaves_the_session_usable(bool tls)
        {
            // The first fetch: a subject of 500 bytes announced, 10 sent. The next: a whole answer.
            // Cancelled 300 ms after the server got the first UID FETCH.
            var fetches = 0;
            using var cancel = new CancellationTokenSource();
            using var server = ScriptedMailServer.Imap(tag =>
            {
                if (Interlocked.Increment(ref fetches) > 1)
                    return $"* 1 FETCH (UID 1 FLAGS (\\Seen))\n{tag} OK done";
                cancel.CancelAfter(TimeSpan.FromMilliseconds(300));
                return "* 1 FETCH (UID 1 ENVELOPE (NIL {500}\nThe subje";
            }, tls ? ScriptedMailServer.SelfSigned() : null);
            using var session = await ImapConnection.ConnectAsync(Scripted(server, tls), new Transcript(), CancellationToken.None);
            var clock = Stopwatch.StartNew();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.Connection().SearchAsync("INBOX", new ImapSearchOptions(), null, cancel.Token));

            Assert.Contains(server.Received, l => l.Contains("UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)"));
            // The session's timeout is 10 s: well under it means the token ended the read.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
            // Only the second connection, which was half read, is closed: MailKit's never saw the fetch.
            Assert.True(session.IsConnected);
            var next = await session.Connection().SearchAsync("INBOX", new ImapSearchOptions(), null, CancellationToken.None);
            Assert.Equal(new[] { "Seen" }, Assert.Single(next).Flags);
            Assert.Equal(3, server.Received.Count(l => l.Contains(" LOGIN ")));   // the session's, and one for each fetch
            await session.Connection().DisconnectAsync(new Transcript(), CancellationToken.None);
        }

        [Theory]
        [InlineData(50_000, "more than 1,000 keywords")]
        [InlineData(150_000, "more than 100000 elements (the cap on list elements)")] // the limiter refuses the line before the reader has it whole
        public async Task A_message_with_thousands_of_keywords_is_a_protocol_violation_naming_the_bound_at_once(int count, string bound)
        {
            var flags = string.Join(" ", Enumerable.Range(0, count).Select(i => "$k" + i));
            using var server = ScriptedMailServer.Imap(tag => $"* 1 FETCH (UID 1 FLAGS ({flags}))\n{tag} OK done");
            using var session = await ImapConnection.ConnectAsync(Scripted(server, false), new Transcript(), CancellationToken.None);
            var clock = Stopwatch.StartNew();

            var error = await Assert.ThrowsAsync<ProtocolViolationException>(() => session.Connection().SearchAsync("INBOX", new ImapSearchOptions(), null, CancellationToken.None));

            Assert.Contains(bound, error.Message);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        }

        [Fact]
        public async Task Keywords_up_to_the_bound_come_once_each_in_the_order_sent()
        {
            // 1,000 distinct keywords, each sent three times: a repeat is not one more.
            var keywords = Enumerable.Range(0, 1000).Select(i => "$k" + i).ToArray();
            var flags = string.Join(" ", keywords.Concat(keywords).Concat(keywords));
            using var server = ScriptedMailServer.Imap(tag => $"* 1 FETCH (UID 1 FLAGS (\\Seen {flags} \\Recent))\n{tag} OK done");
            using var session = await ImapConnection.ConnectAsync(Scripted(server, false), new Transcript(), CancellationToken.None);

            var summary = Assert.Single(await session.Connection().SearchAsync("INBOX", new ImapSearchOptions(), null, CancellationToken.None));

            Assert.Equal(new[] { "Seen" }.Concat(keywords), summary.Flags);
        }

        [Fact]
        public void Folder_names_are_written_in_modified_UTF7()
        {
            Assert.Equal("INBOX", ImapSummaryReader.MailboxName("INBOX"));
            Assert.Equal("Tom &- Jerry", ImapSummaryReader.MailboxName("Tom & Jerry"));
            Assert.Equal("Entw&APw-rfe/Gr&APwA3w-e", ImapSummaryReader.MailboxName("Entwürfe/Grüße"));
            Assert.Equal("~peter/mail/&U,BTFw-/&ZeVnLIqe-", ImapSummaryReader.MailboxName("~peter/mail/\u53F0\u5317/\u65E5\u672C\u8A9E"));
        }

        [Theory]
        [InlineData("* 1 FETCH (UID 1 ENVELOPE \"not a list\")\n{0} OK done")]
        [InlineData("* 1 FETCH (UID 1 BODYSTRUCTURE ((((((((((\n{0} OK done")]
        [InlineData("* 1 FETCH (UID 1 RFC822.SIZE {{5}}\n{0} OK done")]
        [InlineData("* 1 FETCH (UID one)\n{0} OK done")]
        [InlineData("* 99999999999 FETCH (UID 1)\n{0} OK done")]
        [InlineData("* 1 FETCH (UID 1 INTERNALDATE \"yesterday\")\n{0} OK done")]
        [InlineData("{0}x OK done")]
        public async Task A_FETCH_response_that_breaks_the_grammar_is_a_protocol_violation(string response)
        {
            using var server = ScriptedMailServer.Imap(tag => string.Format(response, tag));
            using var session = await ImapConnection.ConnectAsync(Scripted(server, false), new Transcript(), CancellationToken.None);
            var transcript = new Transcript();

            var error = await Assert.ThrowsAsync<ProtocolViolationException>(() => session.Connection().SearchAsync("INBOX", new ImapSearchOptions(), transcript, CancellationToken.None));

            Assert.Contains("127.0.0.1", error.Message);
            Assert.Contains(transcript.Entries, e => e.Direction == TranscriptDirection.ClientError);
        }
    }
}
