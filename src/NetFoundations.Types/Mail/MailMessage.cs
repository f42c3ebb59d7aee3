using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace NetFoundations.Core.Mail
{
    /// <summary>What a message asks of its content, which Core holds (MailMessageContent, with MimeKit's message).</summary>
    internal interface IMailMessageContent
    {
        string? GetHeader(string name);
        byte[] ToBytes();
        /// <summary>Writes the message as an .eml file holds it (CRLF line ends), the Bcc header only when includeBcc.</summary>
        void WriteFile(Stream file, bool includeBcc);
        IReadOnlyList<MailPart> GetStructure();
        /// <summary>Writes one attachment's part, decoded (an attached message as its .eml bytes).</summary>
        void WriteAttachment(string partNumber, Stream file);
    }

    /// <summary>
    /// A MIME message: built by MailComposer, parsed by MailReader, or fetched over IMAP or POP3.
    /// Its summary properties are read once; the message itself is not changed after creation.
    /// </summary>
    public sealed class MailMessage
    {
        internal MailMessage(IMailMessageContent content, string? sourcePath, string? messageId, DateTimeOffset date, string from,
            IReadOnlyList<string> to, IReadOnlyList<string> cc, IReadOnlyList<string> bcc, IReadOnlyList<string> replyTo, string subject,
            string? textBody, string? htmlBody, string priority, IReadOnlyList<MailAttachmentInfo> attachments, long size)
        {
            Content = content;
            SourcePath = sourcePath;
            MessageId = messageId;
            Date = date;
            From = from;
            To = to;
            Cc = cc;
            Bcc = bcc;
            ReplyTo = replyTo;
            Subject = subject;
            TextBody = textBody;
            HtmlBody = htmlBody;
            Priority = priority;
            Attachments = attachments;
            Size = size;
        }

        internal IMailMessageContent Content { get; }

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
        public string? GetHeader(string name) => Content.GetHeader(name);

        public byte[] ToBytes() => Content.ToBytes();

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
            using (var file = File.Create(path))
                Content.WriteFile(file, includeBcc);
            return path;
        }

        /// <summary>The MIME tree, depth first, as the book's display_structure shows it.</summary>
        public IReadOnlyList<MailPart> GetStructure() => Content.GetStructure();

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
            if (!Attachments.Any(a => a.PartNumber == partNumber))
                throw new InvalidNetworkRequestException($"The message has no attachment numbered {partNumber}.", partNumber);
            if (File.Exists(path) && !overwrite)
                throw new InvalidNetworkRequestException($"{path} exists; give -Force to overwrite it.", path);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            using (var file = File.Create(path))
                Content.WriteAttachment(partNumber, file);
            return path;
        }

        /// <summary>Writes the attachments AttachmentPaths names. Returns the paths written.</summary>
        public IReadOnlyList<string> SaveAttachments(string folder, string? fileNamePattern, bool overwrite)
        {
            Directory.CreateDirectory(folder);
            return AttachmentPaths(folder, fileNamePattern).Select(file => SaveAttachment(file.PartNumber, file.Path, overwrite)).ToList();
        }

        public override string ToString() => $"{Date:yyyy-MM-dd HH:mm} {From}: {Subject}";
    }
}
