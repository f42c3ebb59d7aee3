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
                else if (entity is MessagePart attached && attached.IsAttachment)
                    attachments.Add(new MailAttachmentInfo(number, FileName(attached), attached.ContentType.MimeType, AttachedBytes(attached).LongLength,
                        attached.ContentId, false));
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
        /// The file Save writes for path: path itself, or in an existing folder a file named after the Message-ID
        /// (a random name when there is none). Writes nothing.
        /// </summary>
        public string SavePath(string path)
        {
            if (!Directory.Exists(path))
                return path;
            var name = new string((MessageId ?? Guid.NewGuid().ToString("N")).Select(c => Path.GetInvalidFileNameChars().Contains(c) || c == '<' || c == '>' ? '_' : c).ToArray());
            return Path.Combine(path, name + ".eml");
        }

        /// <summary>
        /// Writes the message as an .eml file (RFC 5322, CRLF line ends) at SavePath(path). The Bcc header is left out
        /// unless includeBcc: whatever later sends the file as it is (sendmail -t, smtplib) would reveal the hidden
        /// recipients. Returns the file written.
        /// </summary>
        public string Save(string path, bool overwrite, bool includeBcc = false)
        {
            path = SavePath(path);
            if (File.Exists(path) && !overwrite)
                throw new InvalidNetworkRequestException($"{path} exists; give -Force to overwrite it.", path);
            var options = FormatOptions.Default.Clone();
            options.NewLineFormat = NewLineFormat.Dos;
            if (!includeBcc)
                options.HiddenHeaders.Add(HeaderId.Bcc);
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
                var attached = entity as MessagePart;
                parts.Add(new MailPart(number, depth, entity.ContentType.MimeType, entity.ContentDisposition?.Disposition,
                    part?.FileName ?? (attached == null ? null : FileName(attached)), part?.ContentTransferEncoding.ToString(),
                    part?.Content?.Stream?.Length ?? (attached == null ? 0 : AttachedBytes(attached).LongLength), entity.ContentId));
            });
            return parts;
        }

        /// <summary>
        /// The files SaveAttachments writes into folder: for each attachment (and inline part) whose file name matches
        /// the wildcard pattern, when one is given, its part number and path. Writes nothing.
        /// </summary>
        public IReadOnlyList<(string PartNumber, string Path)> AttachmentPaths(string folder, string? fileNamePattern)
        {
            var match = fileNamePattern == null ? null : Wildcard.ToRegex(fileNamePattern, ignoreCase: true);
            var paths = new List<(string, string)>();
            foreach (var attachment in Attachments)
            {
                var name = Path.GetFileName(attachment.FileName ?? $"part-{attachment.PartNumber}.bin");
                if (string.IsNullOrEmpty(name) || name == "." || name == "..")
                    name = $"part-{attachment.PartNumber}.bin";
                if (match == null || match.IsMatch(name))
                    paths.Add((attachment.PartNumber, Path.Combine(folder, name)));
            }
            return paths;
        }

        /// <summary>
        /// Writes one attachment, decoded (an attached message as its .eml bytes), to path, creating its folder.
        /// Returns the path.
        /// </summary>
        public string SaveAttachment(string partNumber, string path, bool overwrite)
        {
            MimeEntity? found = null;
            Walk(Mime.Body, string.Empty, 0, (entity, number, depth) => found = number == partNumber ? entity : found);
            if (found == null || !Attachments.Any(a => a.PartNumber == partNumber))
                throw new InvalidNetworkRequestException($"The message has no attachment numbered {partNumber}.", partNumber);
            if (File.Exists(path) && !overwrite)
                throw new InvalidNetworkRequestException($"{path} exists; give -Force to overwrite it.", path);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            using (var file = File.Create(path))
            {
                if (found is MessagePart attached)
                {
                    var bytes = AttachedBytes(attached);
                    file.Write(bytes, 0, bytes.Length);
                }
                else
                    (found as MimePart)?.Content?.DecodeTo(file);   // a part without content is an empty file
            }
            return path;
        }

        /// <summary>Writes the attachments AttachmentPaths names. Returns the paths written.</summary>
        public IReadOnlyList<string> SaveAttachments(string folder, string? fileNamePattern, bool overwrite)
        {
            Directory.CreateDirectory(folder);
            return AttachmentPaths(folder, fileNamePattern).Select(file => SaveAttachment(file.PartNumber, file.Path, overwrite)).ToList();
        }

        public override string ToString() => $"{Date:yyyy-MM-dd HH:mm} {From}: {Subject}";

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
