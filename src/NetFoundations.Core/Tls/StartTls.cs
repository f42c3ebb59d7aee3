using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Tls
{
    /// <summary>
    /// Speaks a protocol's plain-text opening up to its "go ahead with TLS" reply. Reads one byte at
    /// a time so nothing the server sends after that reply is taken from the TLS handshake.
    /// </summary>
    internal sealed class StartTlsNegotiator
    {
        private const int MaxLineLength = 4096;
        private const int MaxReplyLines = 200;
        private readonly Stream stream;
        private readonly string target;
        private readonly Transcript transcript;
        private readonly CancellationToken cancellationToken;
        private readonly byte[] one = new byte[1];

        private StartTlsNegotiator(Stream stream, string target, Transcript transcript, CancellationToken cancellationToken)
        {
            this.stream = stream;
            this.target = target;
            this.transcript = transcript;
            this.cancellationToken = cancellationToken;
        }

        /// <summary>Negotiates STARTTLS; clientName is what SMTP's EHLO says (an address literal such as [127.0.0.1]).</summary>
        public static Task NegotiateAsync(Stream stream, StartTlsProtocol protocol, string target, string clientName, Transcript transcript,
            CancellationToken cancellationToken)
        {
            var negotiator = new StartTlsNegotiator(stream, target, transcript, cancellationToken);
            return protocol switch
            {
                StartTlsProtocol.Smtp => negotiator.SmtpAsync(clientName),
                StartTlsProtocol.Imap => negotiator.ImapAsync(true),
                StartTlsProtocol.Pop3 => negotiator.Pop3Async(),
                StartTlsProtocol.Ftp => negotiator.FtpAsync(),
                _ => Task.CompletedTask,
            };
        }

        private async Task SmtpAsync(string clientName)
        {
            await ExpectCodeAsync("SMTP", "220").ConfigureAwait(false);
            await SendAsync($"EHLO {clientName}").ConfigureAwait(false);
            var (code, lines) = await ReadCodedReplyAsync("SMTP").ConfigureAwait(false);
            if (code != "250")
                throw Refused("EHLO", code, lines);
            if (!lines.Any(l => FirstWord(l).Equals("STARTTLS", StringComparison.OrdinalIgnoreCase)))
                throw NotOffered("its EHLO reply does not list STARTTLS");
            await SendAsync("STARTTLS").ConfigureAwait(false);
            (code, lines) = await ReadCodedReplyAsync("SMTP").ConfigureAwait(false);
            if (code != "220")
                throw Refused("STARTTLS", code, lines);
        }

        private async Task FtpAsync()
        {
            await ExpectCodeAsync("FTP", "220").ConfigureAwait(false);
            await SendAsync("AUTH TLS").ConfigureAwait(false);
            var (code, lines) = await ReadCodedReplyAsync("FTP").ConfigureAwait(false);
            if (code == "234")
                return;
            // 500/502/504: command unknown or not implemented; 534: security policy. The server does not offer it.
            if (code == "500" || code == "502" || code == "504" || code == "534")
                throw NotOffered($"it answered AUTH TLS with {code} {string.Join(" ", lines)}");
            throw Refused("AUTH TLS", code, lines);
        }

        /// <summary>
        /// IMAP's opening for a client that goes on talking after it: returns the greeting line (with its
        /// CRLF) and whether the server agreed to STARTTLS; false when the server does not offer it and
        /// required is false, with nothing sent but CAPABILITY.
        /// </summary>
        public static Task<(string Greeting, bool Started)> ImapOpeningAsync(Stream stream, string target, bool required, Transcript transcript,
            CancellationToken cancellationToken) =>
            new StartTlsNegotiator(stream, target, transcript, cancellationToken).ImapAsync(required);

        private async Task<(string Greeting, bool Started)> ImapAsync(bool required)
        {
            var greeting = await ReadLineAsync().ConfigureAwait(false);
            if (greeting.StartsWith("* BYE", StringComparison.OrdinalIgnoreCase))
                throw new RemoteErrorException($"{target} refused the IMAP connection: {greeting}", target, "BYE");
            if (!greeting.StartsWith("* OK", StringComparison.OrdinalIgnoreCase) && !greeting.StartsWith("* PREAUTH", StringComparison.OrdinalIgnoreCase))
                throw NotProtocol("IMAP", greeting);
            await SendAsync("a1 CAPABILITY").ConfigureAwait(false);
            var capabilities = await ReadTaggedAsync("a1").ConfigureAwait(false);
            if (!capabilities.Any(l => l.StartsWith("* CAPABILITY", StringComparison.OrdinalIgnoreCase)
                    && l.Split(' ').Any(w => w.Equals("STARTTLS", StringComparison.OrdinalIgnoreCase))))
            {
                if (!required)
                    return (greeting, false);
                throw NotOffered("its CAPABILITY reply does not list STARTTLS");
            }
            await SendAsync("a2 STARTTLS").ConfigureAwait(false);
            var reply = (await ReadTaggedAsync("a2").ConfigureAwait(false)).Last();
            if (!reply.StartsWith("a2 OK", StringComparison.OrdinalIgnoreCase))
                throw new RemoteErrorException($"{target} refused STARTTLS: {reply}", target, FirstWord(reply.Substring(3)));
            return (greeting, true);
        }

        private async Task Pop3Async()
        {
            var greeting = await ReadLineAsync().ConfigureAwait(false);
            if (greeting.StartsWith("-ERR", StringComparison.Ordinal))
                throw new RemoteErrorException($"{target} refused the POP3 connection: {greeting}", target, "-ERR");
            if (!greeting.StartsWith("+OK", StringComparison.Ordinal))
                throw NotProtocol("POP3", greeting);
            await SendAsync("CAPA").ConfigureAwait(false);
            if ((await ReadLineAsync().ConfigureAwait(false)).StartsWith("+OK", StringComparison.Ordinal))
            {
                var capabilities = new List<string>();
                for (var line = await ReadLineAsync().ConfigureAwait(false); line != "."; line = await ReadLineAsync().ConfigureAwait(false))
                {
                    if (capabilities.Count >= MaxReplyLines)
                        throw new ProtocolViolationException($"{target} sent more than {MaxReplyLines} capability lines.", target);
                    capabilities.Add(line);
                }
                if (!capabilities.Any(l => FirstWord(l).Equals("STLS", StringComparison.OrdinalIgnoreCase)))
                    throw NotOffered("its CAPA reply does not list STLS");
            }
            await SendAsync("STLS").ConfigureAwait(false);
            var reply = await ReadLineAsync().ConfigureAwait(false);
            if (!reply.StartsWith("+OK", StringComparison.Ordinal))
                throw NotOffered($"it answered STLS with {reply}");
        }

        private async Task ExpectCodeAsync(string protocol, string code)
        {
            var (received, lines) = await ReadCodedReplyAsync(protocol).ConfigureAwait(false);
            if (received != code)
                throw new RemoteErrorException($"{target} did not greet with {code}: {received} {string.Join(" ", lines)}", target, received);
        }

        /// <summary>Reads an SMTP/FTP reply: "123-text" lines up to "123 text". Returns the code and the texts.</summary>
        private async Task<(string Code, List<string> Lines)> ReadCodedReplyAsync(string protocol)
        {
            var lines = new List<string>();
            while (lines.Count < MaxReplyLines)
            {
                var line = await ReadLineAsync().ConfigureAwait(false);
                if (line.Length < 3 || !line.Take(3).All(char.IsDigit) || line.Length > 3 && line[3] != ' ' && line[3] != '-')
                {
                    // FTP allows multi-line replies whose inner lines carry no code.
                    if (protocol == "FTP" && lines.Count > 0)
                        continue;
                    throw NotProtocol(protocol, line);
                }
                lines.Add(line.Length > 4 ? line.Substring(4) : string.Empty);
                if (line.Length == 3 || line[3] == ' ')
                    return (line.Substring(0, 3), lines);
            }
            throw new ProtocolViolationException($"{target} sent a reply of more than {MaxReplyLines} lines.", target);
        }

        private async Task<List<string>> ReadTaggedAsync(string tag)
        {
            var lines = new List<string>();
            while (lines.Count < MaxReplyLines)
            {
                var line = await ReadLineAsync().ConfigureAwait(false);
                lines.Add(line);
                if (line.StartsWith(tag + " ", StringComparison.OrdinalIgnoreCase))
                    return lines;
            }
            throw new ProtocolViolationException($"{target} sent more than {MaxReplyLines} lines without finishing {tag}.", target);
        }

        private async Task SendAsync(string line)
        {
            var bytes = Encoding.ASCII.GetBytes(line + "\r\n");
            transcript.Sent(bytes, 0, bytes.Length);
            await stream.WriteAsync(bytes, 0, bytes.Length, cancellationToken).ConfigureAwait(false);
        }

        private async Task<string> ReadLineAsync()
        {
            var line = new MemoryStream();
            while (true)
            {
                if (await stream.ReadAsync(one, 0, 1, cancellationToken).ConfigureAwait(false) == 0)
                    throw new ConnectionLostException($"{target} closed the connection before STARTTLS was done.", target);
                line.WriteByte(one[0]);
                if (one[0] == '\n')
                    break;
                if (line.Length > MaxLineLength)
                    throw new ProtocolViolationException($"{target} sent a line longer than {MaxLineLength} bytes.", target);
            }
            var bytes = line.ToArray();
            transcript.Received(bytes, 0, bytes.Length);
            return Encoding.ASCII.GetString(bytes).TrimEnd('\r', '\n');
        }

        private static string FirstWord(string text)
        {
            var trimmed = text.Trim();
            var space = trimmed.IndexOf(' ');
            return space < 0 ? trimmed : trimmed.Substring(0, space);
        }

        private Exception NotOffered(string why) =>
            new InvalidNetworkRequestException($"{target} does not offer STARTTLS: {why}.", target);

        private Exception NotProtocol(string protocol, string line) =>
            new ProtocolViolationException($"{target} does not speak {protocol}: it sent \"{Shorten(line)}\".", target);

        private Exception Refused(string command, string code, List<string> lines) =>
            new RemoteErrorException($"{target} refused {command}: {code} {string.Join(" ", lines)}", target, code);

        private static string Shorten(string text) => text.Length <= 80 ? text : text.Substring(0, 80) + "…";
    }
}
