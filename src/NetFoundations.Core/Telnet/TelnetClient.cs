using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Expect;

namespace NetFoundations.Core.Telnet
{
    /// <summary>
    /// A Telnet client (RFC 854): option negotiation by a fixed policy (RFC 855) — it agrees to send its
    /// terminal type (TTYPE, RFC 1091) and lets the server echo and suppress go-ahead; everything else is
    /// refused. It is the text channel of an ExpectSession; the transcript shows the negotiation decoded.
    /// </summary>
    public sealed class TelnetClient : IExpectChannel
    {
        private const byte Iac = 255, Dont = 254, Do = 253, Wont = 252, Will = 251, Sb = 250, Se = 240;
        private const byte Echo = 1, SuppressGoAhead = 3, TerminalTypeOption = 24;
        private readonly Socket socket;
        private readonly string target;
        private readonly string terminalType;
        private readonly Transcript transcript;
        private readonly HashSet<(byte, byte)> answered = new HashSet<(byte, byte)>();
        private readonly byte[] readBuffer = new byte[8192];
        private readonly Decoder decoder = Encoding.UTF8.GetDecoder();
        private readonly List<byte> subnegotiation = new List<byte>();
        private int state;
        private byte verb;

        private TelnetClient(Socket socket, string computerName, int port, string terminalType, Transcript transcript)
        {
            this.socket = socket;
            ComputerName = computerName;
            Port = port;
            target = Endpoints.Format(computerName, port);
            this.terminalType = terminalType;
            this.transcript = transcript;
        }

        public string ComputerName { get; }
        public int Port { get; }
        /// <summary>The NVT's end of line (RFC 854).</summary>
        public string NewLine => "\r\n";

        public static async Task<TelnetClient> ConnectAsync(string host, int port, string terminalType, TimeSpan timeout, Transcript transcript, CancellationToken cancellationToken)
        {
            var socket = await TcpConnector.ConnectAsync(host, port, timeout, cancellationToken).ConfigureAwait(false);
            var target = Endpoints.Format(host, port);
            transcript.Note($"connected to {target}");
            return new TelnetClient(socket, host, port, terminalType, transcript);
        }

        /// <summary>Sends text; a secret is redacted in the transcript. (UTF-8 never makes the byte 255, so there is no IAC to double.)</summary>
        public Task SendAsync(string text, bool secret, CancellationToken cancellationToken)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            if (secret)
                transcript.SentSecret(bytes, 0, bytes.Length, "(secret not shown)");
            else
                transcript.Sent(bytes, 0, bytes.Length);
            return WriteAsync(bytes, cancellationToken);
        }

        /// <summary>Reads what comes next, answering the negotiation in it; returns its text, null when the server closed.</summary>
        public async Task<string?> ReceiveAsync()
        {
            int count;
            try
            {
                count = await socket.ReceiveAsync(new ArraySegment<byte>(readBuffer), SocketFlags.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
            {
                throw e is SocketException s ? SocketErrors.Translate(s, target) : new ConnectionLostException($"The connection with {target} was closed.", target, e);
            }
            if (count == 0)
                return null;
            transcript.Received(readBuffer, 0, count);
            return await ProcessAsync(count).ConfigureAwait(false);
        }

        /// <summary>Splits received bytes into text and commands, answering the commands by the policy.</summary>
        private async Task<string> ProcessAsync(int count)
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
                        await AnswerAsync(verb, b).ConfigureAwait(false);
                        break;
                    case 3: // inside SB
                        if (b == Iac) state = 4;
                        else if (subnegotiation.Count < 1024) subnegotiation.Add(b);
                        break;
                    case 4: // IAC inside SB
                        if (b == Se) { state = 0; await SubnegotiationAsync().ConfigureAwait(false); }
                        else { subnegotiation.Add(b); state = 3; }
                        break;
                }
            }
            var bytes = data.ToArray();
            var chars = new char[decoder.GetCharCount(bytes, 0, bytes.Length)];
            decoder.GetChars(bytes, 0, bytes.Length, chars, 0);
            return new string(chars);
        }

        private async Task AnswerAsync(byte request, byte option)
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
            await WriteAsync(new[] { Iac, reply, option }, CancellationToken.None).ConfigureAwait(false);
        }

        private async Task SubnegotiationAsync()
        {
            if (subnegotiation.Count >= 2 && subnegotiation[0] == TerminalTypeOption && subnegotiation[1] == 1)
            {
                transcript.Note("<- IAC SB TTYPE SEND IAC SE");
                transcript.Note($"-> IAC SB TTYPE IS {terminalType} IAC SE");
                var reply = new List<byte> { Iac, Sb, TerminalTypeOption, 0 };
                reply.AddRange(Encoding.ASCII.GetBytes(terminalType));
                reply.AddRange(new[] { Iac, Se });
                await WriteAsync(reply.ToArray(), CancellationToken.None).ConfigureAwait(false);
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
