using System.IO;
using System.Linq;
using System.Text;
using NetFoundations.Core;
using NetFoundations.Core.Mail;

namespace NetFoundations.Core.Tests.Mail
{
    public sealed class MailMessageTests
    {
        private static string TempFile(string name, byte[] content)
        {
            var folder = Path.Combine(Path.GetTempPath(), "nf-mailmsg-" + Path.GetRandomFileName());
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, name);
            File.WriteAllBytes(path, content);
            return path;
        }

        [Fact]
        public void A_built_message_with_html_attachment_and_non_ascii_subject_parses_back_and_Python_agrees()
        {
            var binary = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
            var attachment = TempFile("data.bin", binary);
            var message = MailComposer.Build(new MailMessageOptions
            {
                From = "Jürgen Müller <juergen@mail.test>",
                To = { "bob@mail.test" },
                Subject = "Grüße aus Köln ☕",
                Body = "Hallo Welt",
                HtmlBody = "<p>Hallo Welt</p>",
                Attachments = { attachment },
                Headers = { ["X-Test"] = "yes" },
                Priority = MailPriority.High,
                TransferEncoding = MailTransferEncoding.QuotedPrintable,
            });
            var eml = Path.Combine(Path.GetDirectoryName(attachment)!, "m.eml");
            message.Save(eml, false);

            var raw = File.ReadAllText(eml, Encoding.ASCII);
            Assert.Contains("Subject: =?utf-8?", raw);
            Assert.DoesNotContain("ö", raw);
            var read = Assert.Single(MailReader.ReadFile(eml));
            Assert.Equal("Grüße aus Köln ☕", read.Subject);
            Assert.Equal("Hallo Welt", read.Body);
            Assert.Equal(message.MessageId, read.MessageId);
            Assert.Equal("yes", read.GetHeader("X-Test"));
            var info = Assert.Single(read.Attachments);
            Assert.Equal(("data.bin", "application/octet-stream", 256L), (info.FileName, info.ContentType, info.DecodedSize));
            Assert.Equal(new[] { "", "1", "1.1", "1.2", "2" }, read.GetStructure().Select(p => p.PartNumber));
            Assert.Equal("multipart/alternative", read.GetStructure()[1].ContentType);

            var python = RunPython(@"
import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
print(m['subject']); print(m['from'].addresses[0].display_name)
att = [p for p in m.iter_attachments()][0]
print(att.get_filename(), len(att.get_content()), att.get_content() == bytes(range(256)))
print(m.get_body(('plain',)).get_content().strip())", eml);
            Assert.Equal(new[] { "Grüße aus Köln ☕", "Jürgen Müller", "data.bin 256 True", "Hallo Welt" }, python.Trim().Split('\n'));

            var saved = read.SaveAttachments(Path.Combine(Path.GetDirectoryName(attachment)!, "out"), "*.bin", false);
            Assert.Equal(binary, File.ReadAllBytes(Assert.Single(saved)));
            // Attachment names are matched whatever their case, as mail programs show them.
            var anyCase = read.SaveAttachments(Path.Combine(Path.GetDirectoryName(attachment)!, "out-any-case"), "DATA.*", false);
            Assert.Equal("data.bin", Path.GetFileName(Assert.Single(anyCase)));
        }

        [Fact]
        public void An_inline_image_makes_multipart_related_with_a_cid_reference_and_Python_resolves_it()
        {
            var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.Concat(Enumerable.Range(0, 500).Select(i => (byte)i)).ToArray();
            var image = TempFile("logo.png", png);
            var message = MailComposer.Build(new MailMessageOptions
            {
                From = "a@mail.test",
                To = { "b@mail.test" },
                Subject = "Logo",
                Body = "See the logo.",
                HtmlBody = "<p>See the logo: <img src=\"cid:logo.png\"></p>",
                InlineImages = { image },
            });

            var structure = message.GetStructure();
            Assert.Equal(new[] { ("", "multipart/alternative"), ("1", "text/plain"), ("2", "multipart/related"), ("2.1", "text/html"), ("2.2", "image/png") },
                structure.Select(p => (p.PartNumber, p.ContentType)));
            var part = structure.Last();
            Assert.Equal(("logo.png@mail.test", "inline"), (part.ContentId, part.Disposition));
            var inline = Assert.Single(message.Attachments);
            Assert.True(inline.IsInline);
            Assert.Equal(("logo.png@mail.test", (long)png.Length), (inline.ContentId, inline.DecodedSize));

            var eml = Path.Combine(Path.GetDirectoryName(image)!, "logo.eml");
            message.Save(eml, false);
            var python = RunPython(@"
import sys, email, email.policy, re
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
related = next(p for p in m.walk() if p.get_content_type() == 'multipart/related')
html, image = related.get_payload()
cid = re.search(r'src=""cid:([^""]+)""', html.get_content()).group(1)
print(cid, image['Content-ID'] == '<' + cid + '>', image.get_content_type(), image.get_content() == open(sys.argv[2], 'rb').read())", eml, image);
            // The HTML's cid:logo.png now names the full msg-id, and Python finds the image by it.
            Assert.Equal("logo.png@mail.test True image/png True", python.Trim());
        }

        [Fact]
        public void An_mbox_gives_every_message_and_garbage_is_a_parse_error()
        {
            var mbox = TempFile("box.mbox", Encoding.ASCII.GetBytes(
                "From a@x Mon Jan  1 00:00:00 2024\nFrom: a@x\nSubject: one\n\nfirst\n\nFrom b@x Mon Jan  1 00:00:00 2024\nFrom: b@x\nSubject: two\n\nsecond\n"));
            Assert.Equal(new[] { "one", "two" }, MailReader.ReadFile(mbox).Select(m => m.Subject));

            var error = Assert.Throws<ProtocolViolationException>(() => MailReader.Parse(new byte[] { 0, 1, 2, 3 }));
            Assert.Contains("at byte", error.Message);
            Assert.Throws<InvalidNetworkRequestException>(() => MailComposer.Build(new MailMessageOptions { From = "not an address" }));
        }

        internal static string RunPython(string code, params string[] arguments)
        {
            var start = new System.Diagnostics.ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(code);
            foreach (var a in arguments) start.ArgumentList.Add(a);
            start.StandardOutputEncoding = Encoding.UTF8;
            start.Environment["PYTHONIOENCODING"] = "utf-8";
            using var process = System.Diagnostics.Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            var errors = process.StandardError.ReadToEnd();
            Assert.True(process.WaitForExit(60_000));
            Assert.True(process.ExitCode == 0, errors);
            return output;
        }
    }
}
