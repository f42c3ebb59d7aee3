using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MimeKit;

namespace NetFoundations.Core.Mail
{
    /// <summary>
    /// A MIME message: built by MailComposer, parsed by MailReader, or fetched over IMAP or POP3.
    /// Its summary properties are read once; the message itself is not changed after creation.
    /// </summary>
    public sealed class MailMessage
    {
        internal MailMessage(MimeMessage mime, string? sourcePath = null)
        {
            Mime = mime;
            SourcePath = sourcePath;
            MessageId = mime.MessageId;
            Date = mime.Date;
            From = string.Join(", ", mime.From.Select(a => a.ToString()));
            To = Addresses(mime.To);
            Cc = Addresses(mime.Cc);
            Bcc = Addresses(mime.Bcc);
            ReplyTo = Addresses(mime.ReplyTo);
            Subject = mime.Subject ?? string.Empty;
            TextBody = mime.TextBody;
            HtmlBody = mime.HtmlBody;
            Priority = mime.Priority.ToString();
            var attachments = new List<MailAttachmentInfo>();
            Walk(mime.Body, string.Empty, 0, (entity, number, depth) =>
            {
                if (entity is MimePart part && (part.IsAttachment || (part.ContentId != null && !(part is TextPart))))
                    attachments.Add(new MailAttachmentInfo(number, part.FileName, part.ContentType.MimeType, DecodedSize(part), part.ContentId,
                        !part.IsAttachment));
            });
            Attachments = attachments;
            Size = ToBytes().LongLength;
        }

        internal MimeMessage Mime { get; }

        public string? MessageId { get; }
        public DateTimeOffset Date { get; }
        public string From { get; }
        public IReadOnlyList<string> To { get; }
        public IReadOnlyList<string> Cc { get; }
        public IReadOnlyList<string> Bcc { get; }
        public IReadOnlyList<string> ReplyTo { get; }
        public string Subject { get; }
        public string? TextBody { get; }
        public string? HtmlBody { get; }
        /// <summary>The body a reader shows: plain text where there is one, else the HTML.</summary>
        public string? Body => TextBody ?? HtmlBody;
        public string Priority { get; }
        public IReadOnlyList<MailAttachmentInfo> Attachments { get; }
        /// <summary>The message's size on the wire, in bytes.</summary>
        public long Size { get; }
        /// <summary>The file it was read from, if any.</summary>
        public string? SourcePath { get; }

        /// <summary>A header's value (decoded), or null.</summary>
        public string? GetHeader(string name) => Mime.Headers[name];

        public byte[] ToBytes()
        {
            using var buffer = new MemoryStream();
            Mime.WriteTo(FormatOptions.Default, buffer);
            return buffer.ToArray();
        }

        /// <summary>
        /// Writes the message as an .eml file (RFC 5322, CRLF line ends). path may be an existing folder:
        /// the file is then named after the Message-ID. Returns the file written.
        /// </summary>
        public string Save(string path, bool overwrite)
        {
            if (Directory.Exists(path))
            {
                var name = new string((MessageId ?? Guid.NewGuid().ToString("N")).Select(c => Path.GetInvalidFileNameChars().Contains(c) || c == '<' || c == '>' ? '_' : c).ToArray());
                path = Path.Combine(path, name + ".eml");
            }
            if (File.Exists(path) && !overwrite)
                throw new InvalidNetworkRequestException($"{path} exists; give -Force to overwrite it.", path);
            var options = FormatOptions.Default.Clone();
            options.NewLineFormat = NewLineFormat.Dos;
            using (var file = File.Create(path))
                Mime.WriteTo(options, file);
            return path;
        }

        /// <summary>The MIME tree, depth first, as the book's display_structure shows it.</summary>
        public IReadOnlyList<MailPart> GetStructure()
        {
            var parts = new List<MailPart>();
            Walk(Mime.Body, string.Empty, 0, (entity, number, depth) =>
            {
                var part = entity as MimePart;
                parts.Add(new MailPart(number, depth, entity.ContentType.MimeType, entity.ContentDisposition?.Disposition,
                    part?.FileName, part?.ContentTransferEncoding.ToString(), part?.Content?.Stream?.Length ?? 0, entity.ContentId));
            });
            return parts;
        }

        /// <summary>
        /// Writes the attachments (and inline parts with a file name) into folder, decoded; only those
        /// whose file name matches the wildcard pattern when one is given. Returns the paths written.
        /// </summary>
        public IReadOnlyList<string> SaveAttachments(string folder, string? fileNamePattern, bool overwrite)
        {
            Directory.CreateDirectory(folder);
            var written = new List<string>();
            var match = fileNamePattern == null ? null : Wildcard.ToRegex(fileNamePattern, ignoreCase: true);
            Walk(Mime.Body, string.Empty, 0, (entity, number, depth) =>
            {
                if (!(entity is MimePart part) || !Attachments.Any(a => a.PartNumber == number))
                    return;
                var name = Path.GetFileName(part.FileName ?? $"part-{number}.bin");
                if (string.IsNullOrEmpty(name) || name == "." || name == "..")
                    name = $"part-{number}.bin";
                if (match != null && !match.IsMatch(name))
                    return;
                var path = Path.Combine(folder, name);
                if (File.Exists(path) && !overwrite)
                    throw new InvalidNetworkRequestException($"{path} exists; give -Force to overwrite it.", path);
                using (var file = File.Create(path))
                    part.Content?.DecodeTo(file);   // a part without content is an empty file
                written.Add(path);
            });
            return written;
        }

        public override string ToString() => $"{Date:yyyy-MM-dd HH:mm} {From}: {Subject}";

        private static IReadOnlyList<string> Addresses(InternetAddressList list) => list.Select(a => a.ToString()).ToArray();

        private static long DecodedSize(MimePart part)
        {
            if (part.Content == null)
                return 0;
            using var counter = new MemoryStream();
            part.Content.DecodeTo(counter);
            return counter.Length;
        }

        /// <summary>Visits entity and its children with IMAP part numbers.</summary>
        internal static void Walk(MimeEntity? entity, string number, int depth, Action<MimeEntity, string, int> visit)
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
}
