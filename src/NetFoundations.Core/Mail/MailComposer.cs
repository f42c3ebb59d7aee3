using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Utils;

namespace NetFoundations.Core.Mail
{
    public enum MailPriority { Normal, Low, High }

    /// <summary>How text parts are encoded: Auto lets MimeKit choose (7bit where it can).</summary>
    public enum MailTransferEncoding { Auto, QuotedPrintable, Base64 }

    /// <summary>What New-MailMessage asks for. Addresses as "Name &lt;user@host&gt;" or "user@host".</summary>
    public sealed class MailMessageOptions
    {
        public string? From { get; set; }
        public IList<string> To { get; set; } = new List<string>();
        public IList<string> Cc { get; set; } = new List<string>();
        public IList<string> Bcc { get; set; } = new List<string>();
        public IList<string> ReplyTo { get; set; } = new List<string>();
        public string? Subject { get; set; }
        public string? Body { get; set; }
        public string? HtmlBody { get; set; }
        /// <summary>
        /// Image files the HTML refers to as cid:FILENAME (multipart/related). Each gets the Content-ID FILENAME@DOMAIN
        /// (a msg-id, as RFC 2392 wants; DOMAIN as in the Message-ID), and the HTML's cid:FILENAME references are
        /// written as cid:FILENAME@DOMAIN to match.
        /// </summary>
        public IList<string> InlineImages { get; set; } = new List<string>();
        public IList<string> Attachments { get; set; } = new List<string>();
        public IDictionary<string, string> Headers { get; set; } = new Dictionary<string, string>();
        public MailPriority Priority { get; set; } = MailPriority.Normal;
        public MailTransferEncoding TransferEncoding { get; set; } = MailTransferEncoding.Auto;
    }

    /// <summary>Builds MIME messages: text and/or HTML (multipart/alternative), inline images, attachments.</summary>
    public static class MailComposer
    {
        public static MailMessage Build(MailMessageOptions options)
        {
            if (string.IsNullOrWhiteSpace(options.From))
                throw new InvalidNetworkRequestException("A message needs a From address.", null);
            var message = new MimeMessage();
            message.From.Add(Mailbox(options.From!));
            AddAll(message.To, options.To);
            AddAll(message.Cc, options.Cc);
            AddAll(message.Bcc, options.Bcc);
            AddAll(message.ReplyTo, options.ReplyTo);
            message.Subject = options.Subject ?? string.Empty;
            message.Date = DateTimeOffset.Now;
            var domain = message.From.Mailboxes.First().Domain;
            if (string.IsNullOrEmpty(domain))
                domain = "localhost";
            message.MessageId = MimeUtils.GenerateMessageId(domain);
            message.Priority = options.Priority switch
            {
                MailPriority.High => MessagePriority.Urgent,
                MailPriority.Low => MessagePriority.NonUrgent,
                _ => MessagePriority.Normal,
            };
            foreach (var header in options.Headers)
            {
                if (string.IsNullOrWhiteSpace(header.Key) || header.Key.Any(c => c <= ' ' || c == ':' || c > '~'))
                    throw new InvalidNetworkRequestException($"'{header.Key}' is not a valid header name.", header.Key);
                message.Headers.Add(header.Key, header.Value ?? string.Empty);
            }

            var body = new BodyBuilder { TextBody = options.Body, HtmlBody = options.HtmlBody };
            if (options.Body == null && options.HtmlBody == null)
                body.TextBody = string.Empty;
            foreach (var image in options.InlineImages)
            {
                var resource = body.LinkedResources.Add(Existing(image));
                var name = Path.GetFileName(image);
                resource.ContentId = $"{IdLeft(name)}@{domain}";
                if (body.HtmlBody != null)
                    body.HtmlBody = Regex.Replace(body.HtmlBody, "(?i:cid:)" + Regex.Escape(name) + @"(?![\w.@-])", "cid:" + resource.ContentId.Replace("$", "$$"));
            }
            foreach (var attachment in options.Attachments)
            {
                var added = body.Attachments.Add(Existing(attachment));
                // MimeKit names a file's part but not an attached message (message/rfc822): without a name, a reader
                // cannot save it as a file.
                if (added is MessagePart)
                {
                    added.ContentDisposition ??= new ContentDisposition(ContentDisposition.Attachment);
                    added.ContentDisposition.FileName = Path.GetFileName(attachment);
                }
            }
            message.Body = body.ToMessageBody();

            if (options.TransferEncoding != MailTransferEncoding.Auto)
            {
                var encoding = options.TransferEncoding == MailTransferEncoding.Base64 ? ContentEncoding.Base64 : ContentEncoding.QuotedPrintable;
                foreach (var text in message.BodyParts.OfType<TextPart>().Where(t => !t.IsAttachment))
                    text.ContentTransferEncoding = encoding;
            }
            return MailMessageContent.Create(message);
        }

        internal static MailboxAddress Mailbox(string address)
        {
            if (MailboxAddress.TryParse(address, out var mailbox) && mailbox.Address.Contains("@"))
                return mailbox;
            throw new InvalidNetworkRequestException($"'{address}' is not an e-mail address.", address);
        }

        /// <summary>A file name as the left of a msg-id (RFC 5322 dot-atom-text): other characters become '-'.</summary>
        private static string IdLeft(string fileName)
        {
            const string specials = "!#$%&'*+-/=?^_`{|}~";
            var text = new StringBuilder(fileName.Length);
            foreach (var c in fileName)
                text.Append(c < 128 && (char.IsLetterOrDigit(c) || specials.IndexOf(c) >= 0 || c == '.') ? c : '-');
            var atoms = text.ToString().Split(new[] { '.' }, StringSplitOptions.RemoveEmptyEntries);
            return atoms.Length == 0 ? "image" : string.Join(".", atoms);
        }

        private static void AddAll(InternetAddressList list, IEnumerable<string> addresses)
        {
            foreach (var address in addresses)
                list.Add(Mailbox(address));
        }

        private static string Existing(string path)
        {
            if (!File.Exists(path))
                throw new FileNotFoundException($"The file {path} does not exist.", path);
            return path;
        }
    }
}
