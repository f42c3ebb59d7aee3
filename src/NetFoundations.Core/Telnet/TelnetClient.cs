using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Expect;

namespace NetFoundations.Core.Telnet
{
    /// <summary>
    /// A Telnet client (RFC 854): the text channel of an ExpectSession. TelnetParser splits what the server
    /// sends into text and commands and answers the option negotiation.
    /// </summary>
    public sealed class TelnetClient : IExpectChannel
    {
        private readonly Socket socket;
        private readonly string target;
        private readonly Transcript transcript;
        private readonly TelnetParser parser;
        private readonly byte[] readBuffer = new byte[8192];
        private readonly Decoder decoder = Encoding.UTF8.GetDecoder();

        private TelnetClient(Socket socket, string computerName, int port, string terminalType, Transcript transcript)
        {
            this.socket = socket;
            ComputerName = computerName;
            Port = port;
            target = Endpoints.Format(computerName, port);
            this.transcript = transcript;
            parser = new TelnetParser(target, terminalType, transcript);
        }

        public string ComputerName { get; }
        public int Port { get; }
        /// <summary>The NVT's end of line (RFC 854).</summary>
        public string NewLine => "\r\n";

        /// <summary>Connects to addresses, or when there are none to host resolved; host names the peer either way.</summary>
        public static async Task<TelnetClient> ConnectAsync(string host, IReadOnlyList<IPAddress>? addresses, int port, string terminalType, TimeSpan timeout,
            Transcript transcript, CancellationToken cancellationToken)
        {
            var socket = await TcpConnector.ConnectAsync(host, addresses, port, timeout, cancellationToken, transcript).ConfigureAwait(false);
            var target = Endpoints.Format(host, port);
            transcript.Note($"connected to {target} ({socket.RemoteEndPoint})");
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

        /// <summary>
        /// Reads what comes next, answering the negotiation in it; returns its text and how many bytes came,
        /// null when the server closed. A server closing in the middle of a command is a ProtocolViolationException.
        /// </summary>
        public async Task<ReceivedText?> ReceiveAsync()
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
            {
                if (!parser.InsideCommand)
                    return null;
                transcript.ClientError("the peer closed the connection in the middle of a Telnet command");
                throw new ProtocolViolationException($"{target} closed the connection in the middle of a Telnet command.", target);
            }
            transcript.Received(readBuffer, 0, count);
            var text = new List<byte>(count);
            var answers = new List<byte>();
            parser.Parse(readBuffer, 0, count, text, answers);
            if (answers.Count > 0)
                await WriteAsync(answers.ToArray(), CancellationToken.None).ConfigureAwait(false);
            var bytes = text.ToArray();
            var chars = new char[decoder.GetCharCount(bytes, 0, bytes.Length)];
            decoder.GetChars(bytes, 0, bytes.Length, chars, 0);
            return new ReceivedText(new string(chars), count);
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
