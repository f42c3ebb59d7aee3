using System;
using System.Collections.Generic;
using System.IO;
using MimeKit;

namespace NetFoundations.Core.Mail
{
    /// <summary>Parses messages from .eml files, mbox files and bytes.</summary>
    public static class MailReader
    {
        /// <summary>Reads a file: an mbox (it starts with "From ") gives every message in it, anything else one message.</summary>
        public static IReadOnlyList<MailMessage> ReadFile(string path)
        {
            if (!File.Exists(path))
                throw new FileNotFoundException($"The file {path} does not exist.", path);
            using var stream = File.OpenRead(path);
            var start = new byte[5];
            var read = stream.Read(start, 0, start.Length);
            stream.Position = 0;
            var mbox = read == 5 && System.Text.Encoding.ASCII.GetString(start) == "From ";
            return Parse(stream, mbox, path);
        }

        public static MailMessage Parse(byte[] bytes, string? source = null)
        {
            using var stream = new MemoryStream(bytes, false);
            return Parse(stream, false, source)[0];
        }

        private static IReadOnlyList<MailMessage> Parse(Stream stream, bool mbox, string? source)
        {
            var parser = new MimeParser(stream, mbox ? MimeFormat.Mbox : MimeFormat.Entity);
            var messages = new List<MailMessage>();
            try
            {
                do
                {
                    var message = parser.ParseMessage();
                    if (message.Headers.Count == 0)
                        throw new FormatException("The data has no message headers.");
                    messages.Add(MailMessageContent.Create(message, source));
                } while (mbox && !parser.IsEndOfStream);
            }
            catch (FormatException e)
            {
                throw new ProtocolViolationException(
                    $"{source ?? "The data"} is not a valid message at byte {parser.Position}: {e.Message}", source, e);
            }
            return messages;
        }
    }
}
