using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using MimeKit.Utils;

namespace NetFoundations.Core.Mail
{
    /// <summary>One message's summary items as the server sent them, read by ImapSummaryReader.</summary>
    internal sealed class FetchedSummary
    {
        public int Index { get; set; }
        public uint Uid { get; set; }
        public ImapFlag SystemFlags { get; set; }
        /// <summary>The keywords in the order the server sent them, each once.</summary>
        public List<string> Keywords { get; } = new List<string>();
        private readonly HashSet<string> keywordSet = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>Adds a keyword not added before; returns how many there are.</summary>
        public int AddKeyword(string keyword)
        {
            if (keywordSet.Add(keyword))
                Keywords.Add(keyword);
            return Keywords.Count;
        }

        /// <summary>The system flags in ImapFlag's order, then the keywords, as the session has always listed them.</summary>
        public IReadOnlyList<string> Flags
        {
            get
            {
                var flags = new List<string>();
                foreach (var flag in new[] { ImapFlag.Seen, ImapFlag.Answered, ImapFlag.Flagged, ImapFlag.Deleted, ImapFlag.Draft })
                {
                    if ((SystemFlags & flag) != 0)
                        flags.Add(flag.ToString());
                }
                flags.AddRange(Keywords);
                return flags;
            }
        }
        public DateTimeOffset? InternalDate { get; set; }
        public long Size { get; set; }
        public DateTimeOffset? Date { get; set; }
        public string Subject { get; set; } = string.Empty;
        public string From { get; set; } = string.Empty;
        public IReadOnlyList<string> To { get; set; } = Array.Empty<string>();
        public string? MessageId { get; set; }
        public List<string> AttachmentNames { get; } = new List<string>();
    }

    /// <summary>
    /// A connection of an IMAP session's own, which no library talks over: it logs in, opens a folder read-only
    /// (EXAMINE), sends UID FETCH for the summary items (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)
    /// and reads the answer itself as it comes (RFC 3501's grammar for these items only). MailKit's general parser
    /// builds a large object graph per message: for thousands of summaries it cost twice the time imaplib takes.
    /// Being a connection of its own, what it skips (EXISTS, EXPUNGE) is never missing from MailKit's view of the
    /// folder. Strings are decoded, and addresses and parameters parsed, by MimeKit as MailKit does.
    /// Reads and writes are synchronous and bounded by the socket's timeouts; disposing the reader ends them.
    /// </summary>
    internal sealed class ImapSummaryReader : IDisposable
    {
        public const string Items = "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)";
        private const int MaxLiteral = 1 << 20;
        private const int MaxAtom = 1 << 12;
        private const int MaxDepth = MailReplyLimiter.MaxImapNesting;
        // Real messages carry a handful; a server sending more than this is not describing a message.
        private const int MaxKeywords = 1000;
        private const int MaxRemembered = 10000;
        private static readonly string[] Months = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
        private static readonly object Nil = new object();
        private readonly IDisposable connection;
        private readonly Stream stream;
        private readonly string target;
        private readonly TranscriptLogger log;
        private readonly Dictionary<string, string> formatted = new Dictionary<string, string>(StringComparer.Ordinal);
        private readonly HashSet<string> capabilities = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        private readonly byte[] buffer = new byte[1 << 16];
        private int position;
        private int length;
        private int tags;
        private uint? uidValidity;

        private ImapSummaryReader(IDisposable connection, Stream stream, string target, TranscriptLogger log)
        {
            this.connection = connection;
            this.stream = stream;
            this.target = target;
            this.log = log;
        }

        /// <summary>A reader of a stream already logged in (a test's scripted answers), bounded by the limiter as on a connection.</summary>
        internal static ImapSummaryReader OnStream(Stream stream, string target, long maxResponseBytes) =>
            new ImapSummaryReader(stream, stream, target, new TranscriptLogger(() => false)
            {
                Limiter = new MailReplyLimiter(MailProtocol.Imap, target, maxResponseBytes),
            });

        /// <summary>Where the bytes on the wire are recorded (null: nowhere); set for each of the session's operations.</summary>
        public Transcript? Transcript
        {
            get => log.Target;
            set => log.Target = value;
        }

        /// <summary>
        /// Opens a connection to address (the session's server) as the options say (TLS or STARTTLS, the certificate
        /// check, the credential only inside TLS unless the caller opted out), reads the greeting and logs in.
        /// </summary>
        public static async Task<ImapSummaryReader> OpenAsync(IPAddress address, MailServerOptions options, CertificateCheck check,
            Transcript? transcript, CancellationToken cancellation)
        {
            // The same bounds as on MailKit's connection: each answer at most MaxResponseBytes, literals announced beyond it refused.
            var log = new TranscriptLogger(() => false)
            {
                Target = transcript, Limiter = new MailReplyLimiter(MailProtocol.Imap, options.Target, options.MaxResponseBytes),
            };
            var (connection, stream) = await MailConnector.OpenImapReaderAsync(address, options, check, log, cancellation).ConfigureAwait(false);
            var reader = new ImapSummaryReader(connection, stream, options.Target, log);
            try
            {
                using (cancellation.Register(reader.Dispose))
                {
                    if (!reader.Greeted())
                        reader.Login(options.Credential ?? throw new InvalidNetworkRequestException("An IMAP session needs a credential.", options.Target));
                }
                return reader;
            }
            catch
            {
                reader.Dispose();
                cancellation.ThrowIfCancellationRequested();
                throw;
            }
        }

        /// <summary>Opens the folder read-only by its full name; returns its UIDVALIDITY, when the server gave one.</summary>
        public uint? Examine(string folderName)
        {
            uidValidity = null;
            var tag = NextTag();
            Send($"{tag} EXAMINE {Quote(MailboxName(folderName))}");
            ReadResponses(tag, null, null, null);
            return uidValidity;
        }

        /// <summary>
        /// Fetches the summaries of uids (a UID set such as "1:5000,5003") from the folder examined last, calling
        /// found for each as it is read. Throws RemoteErrorException for a NO or BAD answer, ProtocolViolationException
        /// for a malformed one.
        /// </summary>
        public void Fetch(string uidSet, Action<FetchedSummary> found)
        {
            var tag = NextTag();
            Send($"{tag} UID FETCH {uidSet} {Items}");
            ReadResponses(tag, found, null, null);
        }

        /// <summary>Says LOGOUT and reads the answer; a connection the server already closed is no error.</summary>
        public void Logout()
        {
            try
            {
                var tag = NextTag();
                Send($"{tag} LOGOUT");
                ReadResponses(tag, null, null, null);
            }
            catch (Exception e) when (e is NetworkException || e is IOException || e is ObjectDisposedException)
            {
            }
        }

        public void Dispose() => connection.Dispose();

        /// <summary>Reads the greeting: false for OK (log in next), true for PREAUTH (logged in already).</summary>
        private bool Greeted()
        {
            if (ReadAtom() != "*")
                throw Violation("its greeting does not begin with '*'");
            Expect((byte)' ');
            var status = ReadAtom();
            var text = ReadLineText();
            if (status.Equals("OK", StringComparison.OrdinalIgnoreCase))
                return false;
            if (status.Equals("PREAUTH", StringComparison.OrdinalIgnoreCase))
                return true;
            if (status.Equals("BYE", StringComparison.OrdinalIgnoreCase))
                throw new ConnectionLostException($"{target} refused a second connection: {text}", target);
            throw Violation($"its greeting is {Shorten(status)}, not OK");
        }

        /// <summary>
        /// AUTHENTICATE PLAIN where the server offers it (the credential inside TLS, or where the caller allowed it in clear),
        /// else LOGIN; the transcript shows the credential masked.
        /// </summary>
        private void Login(NetworkCredential credential)
        {
            var tag = NextTag();
            Send($"{tag} CAPABILITY");
            ReadResponses(tag, null, null, null);
            tag = NextTag();
            try
            {
                if (capabilities.Contains("AUTH=PLAIN"))
                {
                    var response = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0" + credential.UserName + "\0" + credential.Password));
                    if (capabilities.Contains("SASL-IR"))
                    {
                        Send($"{tag} AUTHENTICATE PLAIN {response}", $"{tag} AUTHENTICATE PLAIN ********");
                        ReadResponses(tag, null, null, null);
                    }
                    else
                    {
                        Send($"{tag} AUTHENTICATE PLAIN");
                        ReadResponses(tag, null, Encoding.ASCII.GetBytes(response), "********");
                    }
                }
                else if (!capabilities.Contains("LOGINDISABLED") && Quotable(credential.UserName) && Quotable(credential.Password))
                {
                    Send($"{tag} LOGIN {Quote(credential.UserName)} {Quote(credential.Password)}", $"{tag} LOGIN {Quote(credential.UserName)} ********");
                    ReadResponses(tag, null, null, null);
                }
                else
                {
                    throw new InvalidNetworkRequestException(
                        $"{target} offers neither AUTHENTICATE PLAIN nor LOGIN (for this user name and password) on the session's second connection, " +
                        "which reads message summaries.", target);
                }
            }
            catch (RemoteErrorException e)
            {
                throw new AuthenticationFailedException($"{target} refused the credential on the session's second connection: {e.Message}", target, e.ReplyCode, e);
            }
        }

        private string NextTag() => "N" + (++tags).ToString(CultureInfo.InvariantCulture);

        /// <summary>Writes a command line; redacted, when given, is what the transcript shows of it.</summary>
        private void Send(string line, string? redacted = null) => Write(Encoding.UTF8.GetBytes(line + "\r\n"), redacted);

        private void Write(byte[] bytes, string? redacted)
        {
            if (redacted == null)
                log.LogClient(bytes, 0, bytes.Length);
            else
                log.Target?.SentSecret(bytes, 0, bytes.Length, redacted, log.SecureCheck());
            stream.Write(bytes, 0, bytes.Length);
            stream.Flush();
        }

        /// <summary>
        /// A folder name as IMAP writes it (RFC 3501, 5.1.3): printable ASCII as it is, "&amp;" as "&amp;-", and each
        /// run of other characters as its UTF-16 in base64 with ',' for '/', between "&amp;" and "-".
        /// </summary>
        internal static string MailboxName(string name)
        {
            var encoded = new StringBuilder(name.Length);
            for (var i = 0; i < name.Length;)
            {
                var c = name[i];
                if (c >= 0x20 && c <= 0x7e)
                {
                    encoded.Append(c == '&' ? "&-" : c.ToString());
                    i++;
                    continue;
                }
                var start = i;
                while (i < name.Length && (name[i] < 0x20 || name[i] > 0x7e))
                    i++;
                var utf16 = Encoding.BigEndianUnicode.GetBytes(name.Substring(start, i - start));
                encoded.Append('&').Append(Convert.ToBase64String(utf16).TrimEnd('=').Replace('/', ',')).Append('-');
            }
            return encoded.ToString();
        }

        /// <summary>Printable ASCII: what goes in a quoted string.</summary>
        private static bool Quotable(string text)
        {
            foreach (var c in text)
            {
                if (c < 0x20 || c > 0x7e)
                    return false;
            }
            return true;
        }

        private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

        /// <summary>
        /// Reads the answers to the command tagged tag, up to its completion: FETCH summaries go to found, the
        /// UIDVALIDITY code and the CAPABILITY list are kept, other untagged answers are skipped. A continuation
        /// request ("+") is answered once with continuation (and its line end), shown as redacted when given.
        /// </summary>
        private void ReadResponses(string tag, Action<FetchedSummary>? found, byte[]? continuation, string? redacted)
        {
            while (true)
            {
                var first = ReadAtom();
                if (first == "*")
                {
                    Expect((byte)' ');
                    var word = ReadAtom();
                    if (IsNumber(word) && Peek() == ' ')
                    {
                        Next();
                        var kind = ReadAtom();
                        if (found != null && kind.Equals("FETCH", StringComparison.OrdinalIgnoreCase))
                        {
                            Expect((byte)' ');
                            if (!int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                                throw Violation($"the message number {Shorten(word)} is out of range");
                            var summary = Summary(index, ReadValue(0));
                            ExpectEndOfLine();
                            // Another FETCH (flags changed elsewhere, say) carries no UID of ours: not a summary.
                            if (summary != null)
                                found(summary);
                            continue;
                        }
                    }
                    else if (word.Equals("OK", StringComparison.OrdinalIgnoreCase))
                    {
                        var code = ReadLineText();
                        const string Validity = "[UIDVALIDITY ";
                        if (code.StartsWith(Validity, StringComparison.OrdinalIgnoreCase))
                        {
                            var end = code.IndexOf(']');
                            uidValidity = end > Validity.Length && uint.TryParse(code.Substring(Validity.Length, end - Validity.Length), NumberStyles.None,
                                CultureInfo.InvariantCulture, out var validity) ? validity : throw Violation("UIDVALIDITY is not a number");
                        }
                        continue;
                    }
                    else if (word.Equals("CAPABILITY", StringComparison.OrdinalIgnoreCase))
                    {
                        capabilities.UnionWith(ReadLineText().Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries));
                        continue;
                    }
                    SkipLine();
                    continue;
                }
                if (first == "+")
                {
                    ReadLineText();
                    if (continuation == null)
                        throw Violation("it asked for more of a command that was complete");
                    var answer = new byte[continuation.Length + 2];
                    Buffer.BlockCopy(continuation, 0, answer, 0, continuation.Length);
                    answer[answer.Length - 2] = (byte)'\r';
                    answer[answer.Length - 1] = (byte)'\n';
                    Write(answer, redacted);
                    continuation = null;
                    continue;
                }
                if (!first.Equals(tag, StringComparison.OrdinalIgnoreCase))
                    throw Violation($"it answered with the tag {Shorten(first)}, not {tag}");
                Expect((byte)' ');
                var status = ReadAtom();
                var text = ReadLineText();
                if (status.Equals("OK", StringComparison.OrdinalIgnoreCase))
                    return;
                if (status.Equals("NO", StringComparison.OrdinalIgnoreCase) || status.Equals("BAD", StringComparison.OrdinalIgnoreCase))
                    throw new RemoteErrorException($"{target} answered {status.ToUpperInvariant()}: {text}", target, status.ToUpperInvariant());
                throw Violation($"it ended a command with {Shorten(status)}");
            }
        }

        /// <summary>A summary from a FETCH's items; null when they hold no UID.</summary>
        private FetchedSummary? Summary(int index, object value)
        {
            if (!(value is List<object> items) || items.Count % 2 != 0)
                throw Violation("a FETCH response is not a list of names and values");
            var summary = new FetchedSummary { Index = index };
            var hasUid = false;
            for (var i = 0; i < items.Count; i += 2)
            {
                var name = items[i] as string ?? throw Violation("a FETCH item has no name");
                var item = items[i + 1];
                switch (name.ToUpperInvariant())
                {
                    case "UID":
                        summary.Uid = uint.TryParse(item as string, NumberStyles.None, CultureInfo.InvariantCulture, out var uid) && uid > 0
                            ? uid : throw Violation("a UID is not a number");
                        hasUid = true;
                        break;
                    case "FLAGS":
                        foreach (var flag in AsList(item, "FLAGS"))
                            AddFlag(summary, flag as string ?? throw Violation("a flag is not an atom"));
                        break;
                    case "INTERNALDATE":
                        summary.InternalDate = InternalDate(Text(item) ?? throw Violation("INTERNALDATE is NIL"));
                        break;
                    case "RFC822.SIZE":
                        summary.Size = long.TryParse(item as string, NumberStyles.None, CultureInfo.InvariantCulture, out var size)
                            ? size : throw Violation("RFC822.SIZE is not a number");
                        break;
                    case "ENVELOPE":
                        Envelope(summary, AsList(item, "ENVELOPE"));
                        break;
                    case "BODYSTRUCTURE":
                        Attachments(summary.AttachmentNames, AsList(item, "BODYSTRUCTURE"), string.Empty);
                        break;
                }
            }
            return hasUid ? summary : null;
        }

        // As MailKit reads them: the system flags by name, \Recent dropped, everything else a keyword.
        private void AddFlag(FetchedSummary summary, string flag)
        {
            switch (flag.ToLowerInvariant())
            {
                case "\\seen": summary.SystemFlags |= ImapFlag.Seen; break;
                case "\\answered": summary.SystemFlags |= ImapFlag.Answered; break;
                case "\\flagged": summary.SystemFlags |= ImapFlag.Flagged; break;
                case "\\deleted": summary.SystemFlags |= ImapFlag.Deleted; break;
                case "\\draft": summary.SystemFlags |= ImapFlag.Draft; break;
                case "\\recent": break;
                default:
                    if (summary.AddKeyword(flag) > MaxKeywords)
                        throw Violation("a message has more than " + MaxKeywords.ToString("N0", CultureInfo.InvariantCulture) + " keywords");
                    break;
            }
        }

        /// <summary>ENVELOPE: (date subject from sender reply-to to cc bcc in-reply-to message-id).</summary>
        private void Envelope(FetchedSummary summary, List<object> envelope)
        {
            if (envelope.Count < 10)
                throw Violation("an ENVELOPE has fewer than ten fields");
            var date = Text(envelope[0]);
            summary.Date = date == null ? (DateTimeOffset?)null
                : TryCommonDate(date, 0, ' ', out var common) ? common
                : DateUtils.TryParse(date, out var parsed) ? parsed : (DateTimeOffset?)null;
            summary.Subject = envelope[1] is byte[] subject ? Rfc2047.DecodeText(subject) : string.Empty;
            summary.From = string.Join(", ", Addresses(envelope[2]));
            summary.To = Addresses(envelope[5]);
            var id = Text(envelope[9])?.Trim();
            summary.MessageId = string.IsNullOrEmpty(id) ? null : id!.Length > 1 && id[0] == '<' && id[id.Length - 1] == '>' ? id.Substring(1, id.Length - 2) : id;
        }

        /// <summary>
        /// An address list, each as MimeKit writes it: (name adl mailbox host) each, a group as its start
        /// (host NIL) and its end (mailbox and host NIL).
        /// </summary>
        private List<string> Addresses(object value)
        {
            var list = new List<string>();
            if (value == Nil)
                return list;
            GroupAddress? group = null;
            foreach (var entry in AsList(value, "an address list"))
            {
                var fields = AsList(entry, "an address");
                if (fields.Count != 4)
                    throw Violation("an address has not four fields");
                var mailbox = Text(fields[2]);
                var host = Text(fields[3]);
                if (host == null)
                {
                    if (group != null)
                        list.Add(group.ToString());
                    group = mailbox == null ? null : new GroupAddress(Rfc2047.DecodePhrase(Encoding.UTF8.GetBytes(mailbox)));
                    continue;
                }
                var key = group == null ? (fields[0] is byte[] rawName ? Encoding.UTF8.GetString(rawName) : "\u0001") + "\u0000" + mailbox + "\u0000" + host : null;
                if (key != null && formatted.TryGetValue(key, out var known))
                {
                    list.Add(known);
                    continue;
                }
                var name = fields[0] is byte[] raw ? Rfc2047.DecodePhrase(raw) : string.Empty;
                var address = mailbox == null ? host : mailbox + "@" + host;
                try
                {
                    var parsed = new MailboxAddress(name, address);
                    if (group != null)
                        group.Members.Add(parsed);
                    else
                        list.Add(Remember(key!, parsed.ToString()));
                }
                catch (ParseException)
                {
                    // Not an address MimeKit takes: shown as it came.
                    if (group == null)
                        list.Add(name.Length == 0 ? address : $"\"{name}\" <{address}>");
                }
            }
            if (group != null)
                list.Add(group.ToString());
            return list;
        }

        // Most senders and recipients come again and again in a folder: each is parsed and written once per fetch.
        private string Remember(string key, string address)
        {
            if (formatted.Count < MaxRemembered)
                formatted[key] = address;
            return address;
        }

        /// <summary>The parts with an attachment disposition, by file name or, without one, by part specifier ("2", "1.3").</summary>
        private void Attachments(List<string> names, List<object> body, string specifier)
        {
            if (body.Count > 0 && body[0] is List<object>)
            {
                // multipart: the parts, then the subtype and its extensions.
                var part = 0;
                foreach (var child in body)
                {
                    if (!(child is List<object> childBody))
                        break;
                    part++;
                    Attachments(names, childBody, specifier.Length == 0 ? part.ToString(CultureInfo.InvariantCulture) : specifier + "." + part);
                }
                return;
            }
            if (body.Count < 7)
                throw Violation("a BODYSTRUCTURE part has fewer than seven fields");
            var type = Text(body[0]) ?? string.Empty;
            var subtype = Text(body[1]) ?? string.Empty;
            // The extension fields begin after the size, the lines of text/*, and message/rfc822's envelope, body and lines.
            var at = 7;
            if (type.Equals("text", StringComparison.OrdinalIgnoreCase))
                at = 8;
            else if (type.Equals("message", StringComparison.OrdinalIgnoreCase) && subtype.Equals("rfc822", StringComparison.OrdinalIgnoreCase))
                at = 10;
            var dispositionAt = at + 1; // after MD5
            if (body.Count <= dispositionAt || !(body[dispositionAt] is List<object> disposition) || disposition.Count < 2)
                return;
            if (!"attachment".Equals(Text(disposition[0]), StringComparison.OrdinalIgnoreCase))
                return;
            var fileName = Parameter("attachment", disposition[1], "filename", ContentDisposition.TryParse, (ContentDisposition d) => d.FileName)
                ?? Parameter($"{type}/{subtype}", body[2], "name", ContentType.TryParse, (ContentType t) => t.Name);
            names.Add(fileName ?? (specifier.Length == 0 ? "1" : specifier));
        }

        private delegate bool TryParseHeader<T>(ParserOptions? options, byte[]? text, out T? value) where T : class;

        /// <summary>A parameter's value as MimeKit decodes it (RFC 2231 and 2047): the header is written back and parsed.</summary>
        private string? Parameter<T>(string head, object parameters, string wanted, TryParseHeader<T> parse, Func<T, string?> pick) where T : class
        {
            if (parameters == Nil)
                return null;
            var pairs = AsList(parameters, "a parameter list");
            var header = new StringBuilder(head);
            var found = false;
            for (var i = 0; i + 1 < pairs.Count; i += 2)
            {
                var key = Text(pairs[i]);
                var value = Text(pairs[i + 1]);
                if (key == null || value == null)
                    continue;
                found |= key.StartsWith(wanted, StringComparison.OrdinalIgnoreCase);
                header.Append("; ").Append(key).Append('=');
                // RFC 2231's extended values (name*=utf-8''...) are tokens; the rest are quoted.
                if (key.EndsWith("*", StringComparison.Ordinal))
                    header.Append(value);
                else
                    header.Append('"').Append(value.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append('"');
            }
            if (!found)
                return null;
            return parse(ParserOptions.Default, Encoding.UTF8.GetBytes(header.ToString()), out var parsed) && parsed != null ? pick(parsed) : null;
        }

        private List<object> AsList(object value, string what) =>
            value as List<object> ?? throw Violation($"{what} is not a list");

        private static string? Text(object value) => value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : value as string;

        /// <summary>"17-Jul-1996 02:44:25 -0700".</summary>
        private DateTimeOffset InternalDate(string text)
        {
            var trimmed = text.Trim();
            if (TryCommonDate(trimmed, 0, '-', out var date))
                return date;
            throw Violation($"INTERNALDATE \"{Shorten(text)}\" is not a date");
        }

        /// <summary>
        /// The common date forms, "Wed, 31 Dec 2025 22:00:00 +0000" (RFC 5322, the weekday optional) and
        /// "31-Dec-2025 22:00:00 +0000" (INTERNALDATE), read directly; false for anything else, which
        /// MimeKit's DateUtils then reads as MailKit does.
        /// </summary>
        private static bool TryCommonDate(string text, int at, char separator, out DateTimeOffset date)
        {
            date = default;
            if (separator == ' ' && text.Length > 5 && text[3] == ',' && text[4] == ' ')
                at = 5;
            if (!Digits(text, ref at, 1, 2, out var day) || !Skip(text, ref at, separator) || at + 3 > text.Length)
                return false;
            var month = Array.IndexOf(Months, text.Substring(at, 3)) + 1;
            at += 3;
            if (month == 0 || !Skip(text, ref at, separator) || !Digits(text, ref at, 4, 4, out var year) || !Skip(text, ref at, ' ')
                || !Digits(text, ref at, 2, 2, out var hour) || !Skip(text, ref at, ':') || !Digits(text, ref at, 2, 2, out var minute)
                || !Skip(text, ref at, ':') || !Digits(text, ref at, 2, 2, out var second) || !Skip(text, ref at, ' ') || at >= text.Length)
                return false;
            var sign = text[at] == '-' ? -1 : text[at] == '+' ? 1 : 0;
            at++;
            if (sign == 0 || !Digits(text, ref at, 4, 4, out var zone) || at != text.Length || zone % 100 >= 60)
                return false;
            try
            {
                date = new DateTimeOffset(year, month, day, hour, minute, second, new TimeSpan(sign * (zone / 100), sign * (zone % 100), 0));
                return true;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        private static bool Digits(string text, ref int at, int least, int most, out int value)
        {
            value = 0;
            var start = at;
            while (at < text.Length && at - start < most && text[at] >= '0' && text[at] <= '9')
                value = value * 10 + (text[at++] - '0');
            return at - start >= least;
        }

        private static bool Skip(string text, ref int at, char expected)
        {
            if (at >= text.Length || text[at] != expected)
                return false;
            at++;
            return true;
        }

        /// <summary>NIL (Nil), an atom or number (string), a quoted string or literal (byte[]), or a parenthesized list.</summary>
        private object ReadValue(int depth)
        {
            if (depth > MaxDepth)
                throw Violation($"it nested lists more than {MaxDepth} deep");
            switch ((char)Peek())
            {
                case '(':
                    Next();
                    var list = new List<object>();
                    while (true)
                    {
                        var c = Peek();
                        if (c == ')')
                        {
                            Next();
                            return list;
                        }
                        if (c == ' ' && list.Count > 0)
                        {
                            Next();
                            continue;
                        }
                        if (c == '\r' || c == '\n')
                            throw Violation("a list ends before its closing parenthesis");
                        list.Add(ReadValue(depth + 1));
                    }
                case '"':
                    return ReadQuoted();
                case '{':
                    return ReadLiteral();
                default:
                    var atom = ReadAtom();
                    if (atom.Length == 0)
                        throw Violation($"it sent '{(char)Peek()}' where a value belongs");
                    return atom.Equals("NIL", StringComparison.OrdinalIgnoreCase) ? Nil : atom;
            }
        }

        private byte[] ReadQuoted()
        {
            Next();
            // Most strings are in the buffer whole, without escapes: copied at once.
            for (var end = position; end < length; end++)
            {
                var c = buffer[end];
                if (c == '\\' || c == '\r' || c == '\n')
                    break;
                if (c == '"')
                {
                    var whole = new byte[end - position];
                    Buffer.BlockCopy(buffer, position, whole, 0, whole.Length);
                    position = end + 1;
                    return whole;
                }
            }
            var text = new MemoryStream();
            while (true)
            {
                var c = Next();
                if (c == '"')
                    return text.ToArray();
                if (c == '\\')
                    c = Next();
                if (c == '\r' || c == '\n')
                    throw Violation("a quoted string runs past the end of its line");
                if (text.Length >= MaxLiteral)
                    throw Violation($"a quoted string is longer than {MaxLiteral} bytes");
                text.WriteByte(c);
            }
        }

        private byte[] ReadLiteral()
        {
            Next();
            var digits = ReadAtom().TrimEnd('+');
            if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size > MaxLiteral)
                throw Violation($"a literal's size {{{Shorten(digits)}}} is not a number up to {MaxLiteral}");
            Expect((byte)'}');
            ExpectEndOfLine();
            var bytes = new byte[size];
            for (var at = 0; at < size;)
            {
                Fill();
                var take = Math.Min(size - at, length - position);
                Buffer.BlockCopy(buffer, position, bytes, at, take);
                position += take;
                at += take;
            }
            return bytes;
        }

        /// <summary>An atom (flags with their backslash, numbers, NIL, the tag): up to a space, parenthesis, bracket-free end or line end.</summary>
        private string ReadAtom()
        {
            Fill();
            for (var end = position; end < length && end - position < MaxAtom; end++)
            {
                if (EndsAtom(buffer[end]))
                {
                    var whole = Encoding.ASCII.GetString(buffer, position, end - position);
                    position = end;
                    return whole;
                }
            }
            var start = new StringBuilder();
            while (true)
            {
                if (EndsAtom(Peek()))
                    return start.ToString();
                if (start.Length >= MaxAtom)
                    throw Violation($"it sent a word longer than {MaxAtom} bytes");
                start.Append((char)Next());
            }
        }

        private static bool EndsAtom(byte c) =>
            c == ' ' || c == '(' || c == ')' || c == '\r' || c == '\n' || c == '"' || c == '{' || c == '}';

        private string ReadLineText()
        {
            var text = new StringBuilder();
            while (true)
            {
                var c = Next();
                if (c == '\n')
                    return text.ToString().Trim();
                if (text.Length >= MaxAtom * 16)
                    throw Violation("it sent a line longer than 64 KiB");
                if (c != '\r')
                    text.Append((char)c);
            }
        }

        /// <summary>Skips an untagged response that is not a summary, literals included.</summary>
        private void SkipLine()
        {
            while (true)
            {
                var c = Peek();
                if (c == '\n')
                {
                    Next();
                    return;
                }
                if (c == '{')
                    ReadLiteral();
                else
                    Next();
            }
        }

        private void ExpectEndOfLine()
        {
            if (Peek() == '\r')
                Next();
            Expect((byte)'\n');
        }

        private void Expect(byte wanted)
        {
            var c = Next();
            if (c != wanted)
                throw Violation($"it sent '{(char)c}' where '{(char)wanted}' belongs");
        }

        private byte Peek()
        {
            Fill();
            return buffer[position];
        }

        private byte Next()
        {
            Fill();
            return buffer[position++];
        }

        private void Fill()
        {
            if (position < length)
                return;
            length = stream.Read(buffer, 0, buffer.Length);
            position = 0;
            if (length <= 0)
            {
                length = 0;
                throw new ConnectionLostException($"{target} closed the session's second connection in the middle of an answer.", target);
            }
            log.LogServer(buffer, 0, length);
        }

        private static bool IsNumber(string word)
        {
            if (word.Length == 0)
                return false;
            foreach (var c in word)
            {
                if (c < '0' || c > '9')
                    return false;
            }
            return true;
        }

        private ProtocolViolationException Violation(string what) =>
            new ProtocolViolationException($"{target} sent a malformed answer: {what}.", target);

        private static string Shorten(string text) => text.Length <= 40 ? text : text.Substring(0, 40) + "…";
    }
}
