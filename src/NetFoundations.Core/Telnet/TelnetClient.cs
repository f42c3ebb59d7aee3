using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Telnet
{
    /// <summary>
    /// A Telnet client (RFC 854): option negotiation by a fixed policy (RFC 855) — it agrees to send its
    /// terminal type (TTYPE, RFC 1091) and lets the server echo and suppress go-ahead; everything else is
    /// refused — and send/expect steps on the text. The transcript shows the negotiation decoded.
    /// </summary>
    public sealed class TelnetClient : IDisposable
    {
        private const byte Iac = 255, Dont = 254, Do = 253, Wont = 252, Will = 251, Sb = 250, Se = 240;
        private const byte Echo = 1, SuppressGoAhead = 3, TerminalTypeOption = 24;
        private const int MaxBuffer = 1 << 20;
        private readonly Socket socket;
        private readonly string target;
        private readonly string terminalType;
        private readonly Transcript transcript;
        private readonly StringBuilder text = new StringBuilder();
        private readonly HashSet<(byte, byte)> answered = new HashSet<(byte, byte)>();
        private readonly byte[] readBuffer = new byte[8192];
        private readonly Decoder decoder = Encoding.UTF8.GetDecoder();
        private readonly List<byte> subnegotiation = new List<byte>();
        private int state;
        private byte verb;

        private TelnetClient(Socket socket, string target, string terminalType, Transcript transcript)
        {
            this.socket = socket;
            this.target = target;
            this.terminalType = terminalType;
            this.transcript = transcript;
        }

        public static async Task<TelnetClient> ConnectAsync(string host, int port, string terminalType, TimeSpan timeout, Transcript transcript, CancellationToken cancellationToken)
        {
            Endpoints.ValidatePort(port);
            var target = Endpoints.Format(host, port);
            var addresses = await Endpoints.ResolveAsync(host, null, timeout, cancellationToken).ConfigureAwait(false);
            var socket = new Socket(addresses[0].AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            try
            {
                using (limit.Token.Register(socket.Dispose))
                    await socket.ConnectAsync(addresses[0], port).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
            {
                socket.Dispose();
                cancellationToken.ThrowIfCancellationRequested();
                if (e is SocketException socketError)
                    throw SocketErrors.Translate(socketError, target);
                throw new NetworkTimeoutException($"Connecting to {target} took longer than {timeout.TotalSeconds:0.###} s.", target, e);
            }
            transcript.Note($"connected to {target}");
            return new TelnetClient(socket, target, terminalType, transcript);
        }

        /// <summary>Sends a line (CR LF). A secret line is redacted in the transcript.</summary>
        public Task SendLineAsync(string line, bool secret, CancellationToken cancellationToken)
        {
            var bytes = Encoding.UTF8.GetBytes(line.Replace("\xFF", "\xFF\xFF") + "\r\n");
            if (secret)
                transcript.SentSecret(bytes, 0, bytes.Length, "(secret not shown)");
            else
                transcript.Sent(bytes, 0, bytes.Length);
            return WriteAsync(bytes, cancellationToken);
        }

        /// <summary>
        /// Reads (answering negotiation as it comes) until the text received matches pattern; returns the
        /// text up to the end of the match and keeps the rest for the next expect.
        /// </summary>
        public async Task<(string Text, Match Match)> ExpectAsync(Regex pattern, TimeSpan timeout, CancellationToken cancellationToken)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            using (limit.Token.Register(socket.Dispose))
            {
                while (true)
                {
                    var match = pattern.Match(text.ToString());
                    if (match.Success)
                    {
                        var upTo = text.ToString(0, match.Index + match.Length);
                        text.Remove(0, match.Index + match.Length);
                        return (upTo, match);
                    }
                    int count;
                    try
                    {
                        count = await socket.ReceiveAsync(new ArraySegment<byte>(readBuffer), SocketFlags.None).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        if (limit.IsCancellationRequested)
                            throw new NetworkTimeoutException($"{target} did not send text matching '{pattern}' within {timeout.TotalSeconds:0.###} s. Last text: {Tail()}", target, e);
                        throw e is SocketException s ? SocketErrors.Translate(s, target) : new ConnectionLostException($"The connection with {target} was closed.", target, e);
                    }
                    if (count == 0)
                        throw new ConnectionLostException($"{target} closed the connection before sending text matching '{pattern}'. Last text: {Tail()}", target);
                    transcript.Received(readBuffer, 0, count);
                    await ProcessAsync(count, cancellationToken).ConfigureAwait(false);
                    if (text.Length > MaxBuffer)
                        throw new ProtocolViolationException($"{target} sent more than {MaxBuffer} bytes without matching '{pattern}'.", target);
                }
            }
        }

        private string Tail() => Transcript.Describe(Encoding.UTF8.GetBytes(text.ToString()), Math.Max(0, Encoding.UTF8.GetByteCount(text.ToString()) - 80), Math.Min(80, Encoding.UTF8.GetByteCount(text.ToString())));

        /// <summary>Splits received bytes into text and commands, answering the commands by the policy.</summary>
        private async Task ProcessAsync(int count, CancellationToken cancellationToken)
        {
            var data = new List<byte>(count);
            for (var i = 0; i < count; i++)
            {
                var b = readBuffer[i];
                switch (state)
                {
                    case 0:
                        if (b == Iac) state = 1;
                        else if (b != 0) data.Add(b); // CR NUL is a bare CR (RFC 854)
                        break;
                    case 1: // after IAC
                        if (b == Iac) { data.Add(Iac); state = 0; }
                        else if (b == Do || b == Dont || b == Will || b == Wont) { verb = b; state = 2; }
                        else if (b == Sb) { subnegotiation.Clear(); state = 3; }
                        else { transcript.Note($"<- IAC {b}"); state = 0; }
                        break;
                    case 2: // option of DO/DONT/WILL/WONT
                        state = 0;
                        await AnswerAsync(verb, b, cancellationToken).ConfigureAwait(false);
                        break;
                    case 3: // inside SB
                        if (b == Iac) state = 4;
                        else if (subnegotiation.Count < 1024) subnegotiation.Add(b);
                        break;
                    case 4: // IAC inside SB
                        if (b == Se) { state = 0; await SubnegotiationAsync(cancellationToken).ConfigureAwait(false); }
                        else { subnegotiation.Add(b); state = 3; }
                        break;
                }
            }
            var chars = new char[decoder.GetCharCount(data.ToArray(), 0, data.Count)];
            decoder.GetChars(data.ToArray(), 0, data.Count, chars, 0);
            text.Append(chars);
        }

        private async Task AnswerAsync(byte request, byte option, CancellationToken cancellationToken)
        {
            transcript.Note($"<- IAC {Name(request)} {OptionName(option)}");
            byte reply;
            if (request == Do)
                reply = option == TerminalTypeOption ? Will : Wont;
            else if (request == Will)
                reply = option == Echo || option == SuppressGoAhead ? Do : Dont;
            else
                reply = request == Dont ? Wont : Dont;
            // Answer each request once: a peer repeating itself must not start a loop (RFC 854's rule).
            if (!answered.Add((request, option)))
                return;
            transcript.Note($"-> IAC {Name(reply)} {OptionName(option)}");
            await WriteAsync(new[] { Iac, reply, option }, cancellationToken).ConfigureAwait(false);
        }

        private async Task SubnegotiationAsync(CancellationToken cancellationToken)
        {
            if (subnegotiation.Count >= 2 && subnegotiation[0] == TerminalTypeOption && subnegotiation[1] == 1)
            {
                transcript.Note("<- IAC SB TTYPE SEND IAC SE");
                transcript.Note($"-> IAC SB TTYPE IS {terminalType} IAC SE");
                var reply = new List<byte> { Iac, Sb, TerminalTypeOption, 0 };
                reply.AddRange(Encoding.ASCII.GetBytes(terminalType));
                reply.AddRange(new[] { Iac, Se });
                await WriteAsync(reply.ToArray(), cancellationToken).ConfigureAwait(false);
                return;
            }
            transcript.Note($"<- IAC SB {(subnegotiation.Count > 0 ? OptionName(subnegotiation[0]) : "?")} … IAC SE (ignored)");
        }

        private async Task WriteAsync(byte[] bytes, CancellationToken cancellationToken)
        {
            try
            {
                using (cancellationToken.Register(socket.Dispose))
                    await socket.SendAsync(new ArraySegment<byte>(bytes), SocketFlags.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw e is SocketException s ? SocketErrors.Translate(s, target) : new ConnectionLostException($"The connection with {target} was closed.", target, e);
            }
        }

        private static string Name(byte command) => command switch
        {
            Do => "DO",
            Dont => "DONT",
            Will => "WILL",
            Wont => "WONT",
            _ => command.ToString(),
        };

        /// <summary>Option names from the IANA Telnet options registry (the common ones).</summary>
        public static string OptionName(byte option) => option switch
        {
            0 => "BINARY",
            1 => "ECHO",
            3 => "SGA",
            5 => "STATUS",
            6 => "TIMING-MARK",
            24 => "TTYPE",
            31 => "NAWS",
            32 => "TSPEED",
            33 => "LFLOW",
            34 => "LINEMODE",
            35 => "XDISPLOC",
            36 => "OLD-ENVIRON",
            37 => "AUTHENTICATION",
            38 => "ENCRYPT",
            39 => "NEW-ENVIRON",
            _ => option.ToString(),
        };

        public void Dispose() => socket.Dispose();
    }
}
