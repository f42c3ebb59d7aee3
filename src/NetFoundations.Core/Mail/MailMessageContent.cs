using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MimeKit;

namespace NetFoundations.Core.Mail
{
    /// <summary>
    /// The Core side of a MailMessage: the MimeKit message it shows. Makes the MailMessage (its summary properties
    /// read once) and does what needs the MIME tree: headers, bytes, structure, attachments.
    /// </summary>
    internal sealed class MailMessageContent : IMailMessageContent
    {
        private MailMessageContent(MimeMessage mime)
        {
            Mime = mime;
        }

        public MimeMessage Mime { get; }

        /// <summary>The MailMessage for a MIME message built, parsed, or fetched over IMAP or POP3.</summary>
        public static MailMessage Create(MimeMessage mime, string? sourcePath = null)
        {
            var content = new MailMessageContent(mime);
            var attachments = new List<MailAttachmentInfo>();
            Walk(mime.Body, string.Empty, 0, (entity, number, depth) =>
            {
                if (entity is MimePart part && (part.IsAttachment || (part.ContentId != null && !(part is TextPart))))
                    attachments.Add(new MailAttachmentInfo(number, part.FileName, part.ContentType.MimeType, DecodedSize(part), part.ContentId,
                        !part.IsAttachment));
                else if (entity is MessagePart attached && attached.IsAttachment)
                    attachments.Add(new MailAttachmentInfo(number, FileName(attached), attached.ContentType.MimeType, AttachedBytes(attached).LongLength,
                        attached.ContentId, false));
            });
            return new MailMessage(content, sourcePath, mime.MessageId, mime.Date, string.Join(", ", mime.From.Select(a => a.ToString())),
                Addresses(mime.To), Addresses(mime.Cc), Addresses(mime.Bcc), Addresses(mime.ReplyTo), mime.Subject ?? string.Empty,
                mime.TextBody, mime.HtmlBody, mime.Priority.ToString(), attachments, content.ToBytes().LongLength);
        }

        public string? GetHeader(string name) => Mime.Headers[name];

        public byte[] ToBytes()
        {
            using var buffer = new MemoryStream();
            Mime.WriteTo(FormatOptions.Default, buffer);
            return buffer.ToArray();
        }

        public void WriteFile(Stream file, bool includeBcc)
        {
            var options = FormatOptions.Default.Clone();
            options.NewLineFormat = NewLineFormat.Dos;
            if (!includeBcc)
                options.HiddenHeaders.Add(HeaderId.Bcc);
            Mime.WriteTo(options, file);
        }

        public IReadOnlyList<MailPart> GetStructure()
        {
            var parts = new List<MailPart>();
            Walk(Mime.Body, string.Empty, 0, (entity, number, depth) =>
            {
                var part = entity as MimePart;
                var attached = entity as MessagePart;
                parts.Add(new MailPart(number, depth, entity.ContentType.MimeType, entity.ContentDisposition?.Disposition,
                    part?.FileName ?? (attached == null ? null : FileName(attached)), part?.ContentTransferEncoding.ToString(),
                    part?.Content?.Stream?.Length ?? (attached == null ? 0 : AttachedBytes(attached).LongLength), entity.ContentId));
            });
            return parts;
        }

        public void WriteAttachment(string partNumber, Stream file)
        {
            MimeEntity? found = null;
            Walk(Mime.Body, string.Empty, 0, (entity, number, depth) => found = number == partNumber ? entity : found);
            if (found is MessagePart attached)
            {
                var bytes = AttachedBytes(attached);
                file.Write(bytes, 0, bytes.Length);
            }
            else
                (found as MimePart)?.Content?.DecodeTo(file);   // a part without content is an empty file
        }

        private static IReadOnlyList<string> Addresses(InternetAddressList list) => list.Select(a => a.ToString()).ToArray();

        /// <summary>An attached message's file name: from its Content-Disposition or Content-Type, as for any part.</summary>
        private static string? FileName(MessagePart attached) =>
            attached.ContentDisposition?.FileName ?? attached.ContentType.Name;

        /// <summary>An attached message as an .eml file holds it (CRLF line ends, as Save writes).</summary>
        private static byte[] AttachedBytes(MessagePart attached)
        {
            var options = FormatOptions.Default.Clone();
            options.NewLineFormat = NewLineFormat.Dos;
            using var buffer = new MemoryStream();
            attached.Message?.WriteTo(options, buffer);
            return buffer.ToArray();
        }

        private static long DecodedSize(MimePart part)
        {
            if (part.Content == null)
                return 0;
            using var counter = new MemoryStream();
            part.Content.DecodeTo(counter);
            return counter.Length;
        }

        /// <summary>Visits entity and its children with IMAP part numbers.</summary>
        private static void Walk(MimeEntity? entity, string number, int depth, Action<MimeEntity, string, int> visit)
        {
            if (entity == null)
                return;
            if (entity is Multipart multipart)
            {
                visit(entity, number, depth);
                for (var i = 0; i < multipart.Count; i++)
                    Walk(multipart[i], number.Length == 0 ? (i + 1).ToString() : $"{number}.{i + 1}", depth + 1, visit);
            }
            else
            {
                visit(entity, number.Length == 0 ? "1" : number, depth);
            }
        }
    }

    internal static class MailMessageExtensions
    {
        /// <summary>The MimeKit message behind a MailMessage (to send it).</summary>
        public static MimeMessage Mime(this MailMessage message) => ((MailMessageContent)message.Content).Mime;
    }
}
