using System;
using System.Globalization;
using System.Text;

namespace NetFoundations.Core.Mail
{
    internal enum MailProtocol { Smtp, Pop3, Imap }

    /// <summary>
    /// Bounds what a mail server sends to MailKit: the longest line, the lines and bytes of one reply, and the IMAP
    /// literals a reply announces. It sees the plain text MailKit reads (under TLS too: MailKit does TLS itself, so a
    /// stream beneath it would see only ciphertext) in the chunks MailKit reads, before MailKit parses them, and every
    /// command the client writes. Exceeding a cap throws a ProtocolViolationException naming it.
    /// Where a reply ends: SMTP, at a line whose fourth byte is not '-'; POP3 and IMAP, at the client's next command.
    /// IMAP lines may be long (a SEARCH of many UIDs), so for IMAP it bounds what a parser allocates or recurses on
    /// per element instead: the bytes of one word or quoted string, the elements of one response (a line with its
    /// literals), the depth of its parentheses, and the folders one LIST or LSUB answers with.
    /// </summary>
    internal sealed class MailReplyLimiter
    {
        /// <summary>The longest SMTP or POP3 line (a line with no end counts as it grows).</summary>
        public const int MaxLineBytes = 64 * 1024;
        /// <summary>The lines of one SMTP reply (EHLO lists a few dozen at most).</summary>
        public const int MaxSmtpReplyLines = 1000;
        /// <summary>The bytes of one SMTP reply.</summary>
        public const int MaxSmtpReplyBytes = 1 << 20;
        /// <summary>The lines of a POP3 answer that is a list (LIST, UIDL, CAPA), not a message (RETR, TOP).</summary>
        public const int MaxPop3ListLines = 100000;
        /// <summary>The bytes of a POP3 answer that is a list.</summary>
        public const int MaxPop3ListBytes = 16 << 20;
        /// <summary>The elements (words, strings, literals, lists) of one IMAP response other than a SEARCH result.</summary>
        public const int MaxImapElements = 100000;
        /// <summary>The UIDs or numbers of one SEARCH (or ESEARCH) response: a folder of a million messages still searches.</summary>
        public const int MaxImapSearchResults = 1000000;
        /// <summary>How deep the parentheses of one IMAP response nest (a BODYSTRUCTURE of messages within messages).</summary>
        public const int MaxImapNesting = 100;
        /// <summary>The folders one LIST or LSUB command answers with.</summary>
        public const int MaxImapFolders = 20000;
        /// <summary>The longest IMAP word made of digits, ',' and ':' only: a UID set (ESEARCH's ALL) of a million UIDs.</summary>
        public const int MaxImapSetBytes = 16 << 20;
        private const int Quoted = 60;
        private const int TailLength = 32;

        private readonly MailProtocol protocol;
        private readonly string target;
        private readonly long maxResponseBytes;
        private readonly byte[] lineStart = new byte[Quoted];
        private readonly byte[] tail = new byte[TailLength];
        private int tailLength;
        private int quoted;
        private bool quotedAll;
        private long lineBytes;
        private long lines;
        private long replyBytes;
        private long literalLeft;
        private long maxReplyBytes;
        private long maxReplyLines;
        // Where an IMAP response stands: inside a quoted string (after a backslash), inside a word, the parentheses
        // open, the elements so far, the bytes of the current word or string; and the responses to the command.
        private bool inQuoted;
        private bool escaped;
        private bool inWord;
        private bool setWord;
        private bool continued;
        private bool untagged;
        private int depth;
        private long elements;
        private long wordBytes;
        private long responses;
        private long maxResponses = long.MaxValue;

        public MailReplyLimiter(MailProtocol protocol, string target, long maxResponseBytes)
        {
            this.protocol = protocol;
            this.target = target;
            this.maxResponseBytes = maxResponseBytes;
            SetReplyCaps(1);
            if (protocol == MailProtocol.Pop3)
                SetListCaps(1);
        }

        /// <summary>The client wrote a command (or several, pipelined): a new reply begins.</summary>
        public void Sent(byte[] buffer, int offset, int count)
        {
            lines = 0;
            replyBytes = 0;
            var commands = 0;
            for (var i = offset; i < offset + count; i++)
            {
                if (buffer[i] == (byte)'\n')
                    commands++;
            }
            commands = Math.Max(commands, 1);
            if (protocol == MailProtocol.Imap)
            {
                responses = 0;
                maxResponses = ListsFolders(buffer, offset, count) ? MaxImapFolders * (long)commands : long.MaxValue;
            }
            if (protocol == MailProtocol.Pop3 && !StartsWithWord(buffer, offset, count, "RETR") && !StartsWithWord(buffer, offset, count, "TOP"))
                SetListCaps(commands);
            else
                SetReplyCaps(commands);
        }

        /// <summary>Bytes the client read from the server; throws when they break a cap.</summary>
        public void Received(byte[] buffer, int offset, int count)
        {
            var end = offset + count;
            var at = offset;
            while (at < end)
            {
                if (literalLeft > 0)
                {
                    var take = (int)Math.Min(literalLeft, end - at);
                    literalLeft -= take;
                    replyBytes += take;
                    at += take;
                    CheckReplyBytes();
                    continue;
                }
                var newline = Array.IndexOf(buffer, (byte)'\n', at, end - at);
                var stop = newline < 0 ? end : newline + 1;
                if (protocol == MailProtocol.Imap && lineBytes == 0 && !continued)
                    untagged = buffer[at] == (byte)'*';
                Remember(buffer, at, stop - at);
                if (protocol == MailProtocol.Imap)
                    Scan(buffer, at, stop - at);
                lineBytes += stop - at;
                replyBytes += stop - at;
                at = stop;
                if (protocol != MailProtocol.Imap && lineBytes > MaxLineBytes)
                    throw Violation($"a line longer than {MaxLineBytes} bytes (the cap on line length)", Quote());
                CheckReplyBytes();
                if (newline >= 0)
                    EndOfLine();
            }
        }

        private void EndOfLine()
        {
            lines++;
            if (protocol == MailProtocol.Imap)
            {
                ExpectLiteral();
                continued = literalLeft > 0;
                if (!continued)
                    EndOfResponse();
            }
            if (protocol == MailProtocol.Smtp && (lineBytes < 4 || lineStart[3] != (byte)'-'))
            {
                lines = 0;
                replyBytes = 0;
            }
            else if (lines > maxReplyLines)
            {
                throw Violation($"a reply of more than {maxReplyLines} lines (the cap on lines per reply)", Quote());
            }
            lineBytes = 0;
            tailLength = 0;
        }

        /// <summary>A line ending in {N} or {N+} announces N bytes of literal that are not lines: refused when they would break the cap.</summary>
        private void ExpectLiteral()
        {
            var end = tailLength;
            while (end > 0 && (tail[end - 1] == (byte)'\n' || tail[end - 1] == (byte)'\r'))
                end--;
            if (end == 0 || tail[end - 1] != (byte)'}')
                return;
            end--;
            if (end > 0 && tail[end - 1] == (byte)'+')
                end--;
            var start = end;
            while (start > 0 && tail[start - 1] >= (byte)'0' && tail[start - 1] <= (byte)'9')
                start--;
            // Digits filling the whole tail announce a size no cap allows.
            var endless = start == 0 && tailLength == TailLength;
            if (start == end || (start == 0 && !endless) || (start > 0 && tail[start - 1] != (byte)'{'))
                return;
            var digits = Encoding.ASCII.GetString(tail, start, end - start);
            if (endless || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || replyBytes + size > maxReplyBytes)
                throw Violation($"a literal of {Shorten(digits)} bytes, more than the {maxReplyBytes} bytes a response may hold (the cap on response size)",
                    Quote());
            literalLeft = size;
        }

        /// <summary>
        /// Follows the IMAP grammar as far as the caps need: words, quoted strings (with their escapes) and parentheses;
        /// a literal's bytes are skipped before they get here, its announcement counted as one element.
        /// </summary>
        private void Scan(byte[] buffer, int offset, int count)
        {
            for (var i = offset; i < offset + count; i++)
            {
                var c = buffer[i];
                if (inQuoted)
                {
                    if (escaped)
                        escaped = false;
                    else if (c == (byte)'\\')
                        escaped = true;
                    else if (c == (byte)'"')
                        inQuoted = false;
                    else if (c == (byte)'\r' || c == (byte)'\n')
                        inQuoted = false; // a string never spans lines: the parser will refuse it
                    if (++wordBytes > MaxLineBytes)
                        throw Violation($"a quoted string longer than {MaxLineBytes} bytes (the cap on word length)", Quote());
                    continue;
                }
                switch (c)
                {
                    case (byte)' ':
                    case (byte)'\r':
                    case (byte)'\n':
                    case (byte)')':
                        inWord = false;
                        if (c == (byte)')' && depth > 0)
                            depth--;
                        break;
                    case (byte)'(':
                        inWord = false;
                        CountElement();
                        if (++depth > MaxImapNesting)
                            throw Violation($"lists nested more than {MaxImapNesting} deep (the cap on nesting)", Quote());
                        break;
                    case (byte)'"':
                        inWord = false;
                        inQuoted = true;
                        wordBytes = 1;
                        CountElement();
                        break;
                    default:
                        if (!inWord)
                        {
                            inWord = true;
                            setWord = true;
                            wordBytes = 0;
                            CountElement();
                        }
                        // A UID set's members are elements too ("1,3,5:9").
                        if (c == (byte)',')
                            CountElement();
                        else if (setWord && c != (byte)':' && (c < (byte)'0' || c > (byte)'9'))
                            setWord = false;
                        if (++wordBytes > MaxLineBytes && (!setWord || wordBytes > MaxImapSetBytes))
                            throw Violation($"a word longer than {(setWord ? MaxImapSetBytes : MaxLineBytes)} bytes (the cap on word length)", Quote());
                        break;
                }
            }
        }

        private void CountElement()
        {
            if (++elements <= MaxImapElements)
                return;
            var search = StartsWith("* SEARCH") || StartsWith("* ESEARCH");
            if (!search || elements > MaxImapSearchResults)
                throw Violation(search
                    ? $"a SEARCH response of more than {MaxImapSearchResults} elements (the cap on search results)"
                    : $"a response of more than {MaxImapElements} elements (the cap on list elements)", Quote());
        }

        /// <summary>An IMAP response ended (its line, with no literal announced at its end): the next begins afresh.</summary>
        private void EndOfResponse()
        {
            inQuoted = false;
            escaped = false;
            inWord = false;
            depth = 0;
            elements = 0;
            if (untagged && ++responses > maxResponses)
                throw Violation($"more than {MaxImapFolders} folders in answer to one LIST (the cap on folders)", Quote());
        }

        private bool StartsWith(string text)
        {
            if (quoted < text.Length + 1)
                return false;
            for (var i = 0; i < text.Length; i++)
            {
                if (char.ToUpperInvariant((char)lineStart[i]) != text[i])
                    return false;
            }
            return lineStart[text.Length] == (byte)' ' || lineStart[text.Length] == (byte)'\r' || lineStart[text.Length] == (byte)'\n';
        }

        /// <summary>Whether an IMAP command is a LIST, LSUB or XLIST, whose answer is a line per folder.</summary>
        private static bool ListsFolders(byte[] buffer, int offset, int count)
        {
            var space = Array.IndexOf(buffer, (byte)' ', offset, count);
            if (space < 0)
                return false;
            var rest = count - (space + 1 - offset);
            return StartsWithWord(buffer, space + 1, rest, "LIST") || StartsWithWord(buffer, space + 1, rest, "LSUB")
                || StartsWithWord(buffer, space + 1, rest, "XLIST");
        }

        private void CheckReplyBytes()
        {
            if (replyBytes > maxReplyBytes)
                throw Violation($"a reply of more than {maxReplyBytes} bytes (the cap on {(protocol == MailProtocol.Smtp ? "reply" : "response")} size)",
                    Quote());
        }

        private void SetReplyCaps(int commands)
        {
            maxReplyBytes = protocol == MailProtocol.Smtp ? MaxSmtpReplyBytes : maxResponseBytes * commands;
            maxReplyLines = protocol == MailProtocol.Smtp ? MaxSmtpReplyLines : long.MaxValue;
        }

        private void SetListCaps(int commands)
        {
            maxReplyBytes = Math.Min(maxResponseBytes, MaxPop3ListBytes) * (long)commands;
            maxReplyLines = MaxPop3ListLines * (long)commands;
        }

        /// <summary>Keeps the start of the line (for the error) and its last bytes (for an IMAP literal's announcement).</summary>
        private void Remember(byte[] buffer, int offset, int count)
        {
            if (lineBytes == 0)
            {
                quoted = 0;
                quotedAll = true;
            }
            var copy = Math.Min(count, Quoted - quoted);
            Buffer.BlockCopy(buffer, offset, lineStart, quoted, copy);
            quoted += copy;
            quotedAll &= copy == count;
            if (count >= TailLength)
            {
                Buffer.BlockCopy(buffer, offset + count - TailLength, tail, 0, TailLength);
                tailLength = TailLength;
                return;
            }
            var keep = Math.Min(tailLength, TailLength - count);
            Buffer.BlockCopy(tail, tailLength - keep, tail, 0, keep);
            Buffer.BlockCopy(buffer, offset, tail, keep, count);
            tailLength = keep + count;
        }

        private static bool StartsWithWord(byte[] buffer, int offset, int count, string word)
        {
            if (count <= word.Length)
                return false;
            for (var i = 0; i < word.Length; i++)
            {
                if (char.ToUpperInvariant((char)buffer[offset + i]) != word[i])
                    return false;
            }
            return buffer[offset + word.Length] == (byte)' ' || buffer[offset + word.Length] == (byte)'\r';
        }

        /// <summary>The start of the line the cap broke on (the line that announced a literal, during one), printable.</summary>
        private string Quote()
        {
            var text = new StringBuilder();
            for (var i = 0; i < quoted; i++)
            {
                var c = (char)lineStart[i];
                if (c == '\r' || c == '\n')
                    break;
                text.Append(c >= ' ' && c < 127 ? c : '.');
            }
            return text + (quotedAll ? "" : "…");
        }

        private static string Shorten(string digits) => digits.Length <= 20 ? digits : digits.Substring(0, 20) + "…";

        private ProtocolViolationException Violation(string what, string line) =>
            new ProtocolViolationException($"{target} sent {what}; the line began \"{line}\".", target);
    }
}
