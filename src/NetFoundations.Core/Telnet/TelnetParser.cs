using System.Collections.Generic;
using System.Text;

namespace NetFoundations.Core.Telnet
{
    /// <summary>
    /// Splits what a Telnet server sends into text and commands (RFC 854), and answers the commands by a fixed
    /// policy (RFC 855): it agrees to send its terminal type (TTYPE, RFC 1091) and lets the server echo and
    /// suppress go-ahead; everything else is refused. No I/O: the caller sends the answers. The transcript
    /// shows the negotiation decoded.
    /// </summary>
    internal sealed class TelnetParser
    {
        /// <summary>The most bytes between IAC SB and IAC SE, whatever they are (IAC IAC counts as two); a longer one is a ProtocolViolation.</summary>
        public const int MaxSubnegotiationBytes = 1024;
        private const byte Iac = 255, Dont = 254, Do = 253, Wont = 252, Will = 251, Sb = 250, Se = 240;
        private const byte Echo = 1, SuppressGoAhead = 3, TerminalTypeOption = 24;
        private const byte TerminalTypeIs = 0, TerminalTypeSend = 1;
        private readonly string target;
        private readonly string terminalType;
        private readonly Transcript transcript;
        private readonly HashSet<(byte, byte)> answered = new HashSet<(byte, byte)>();
        private readonly List<byte> subnegotiation = new List<byte>();
        private int subnegotiationBytes;
        private State state;
        private byte verb;

        private enum State
        {
            Text,
            Command,         // after IAC
            Option,          // after IAC DO/DONT/WILL/WONT
            Subnegotiation,  // after IAC SB
            SubnegotiationIac,
        }

        public TelnetParser(string target, string terminalType, Transcript transcript)
        {
            this.target = target;
            this.terminalType = terminalType;
            this.transcript = transcript;
        }

        /// <summary>True in the middle of a command: a server closing now has cut one short.</summary>
        public bool InsideCommand => state != State.Text;

        /// <summary>
        /// Parses received bytes: appends their text to text and the answers to send to answers. A subnegotiation
        /// longer than MaxSubnegotiationBytes is a ProtocolViolationException.
        /// </summary>
        public void Parse(byte[] data, int offset, int count, List<byte> text, List<byte> answers)
        {
            for (var i = offset; i < offset + count; i++)
            {
                var b = data[i];
                switch (state)
                {
                    case State.Text:
                        if (b == Iac) state = State.Command;
                        else if (b != 0) text.Add(b); // CR NUL is a bare CR (RFC 854)
                        break;
                    case State.Command:
                        if (b == Iac) { text.Add(Iac); state = State.Text; }
                        else if (b == Do || b == Dont || b == Will || b == Wont) { verb = b; state = State.Option; }
                        else if (b == Sb) { subnegotiation.Clear(); subnegotiationBytes = 0; state = State.Subnegotiation; }
                        else { transcript.Note($"<- IAC {b}"); state = State.Text; }
                        break;
                    case State.Option:
                        state = State.Text;
                        Answer(verb, b, answers);
                        break;
                    case State.Subnegotiation:
                        if (b == Iac) { state = State.SubnegotiationIac; break; }
                        CountSubnegotiationBytes(1);
                        subnegotiation.Add(b);
                        break;
                    case State.SubnegotiationIac:
                        if (b == Se) { state = State.Text; Subnegotiation(answers); break; }
                        // IAC IAC is a data byte 255; anything else after IAC is out of order (RFC 855): kept as data. Both bytes count.
                        CountSubnegotiationBytes(2);
                        subnegotiation.Add(b);
                        state = State.Subnegotiation;
                        break;
                }
            }
        }

        private void CountSubnegotiationBytes(int count)
        {
            subnegotiationBytes += count;
            if (subnegotiationBytes <= MaxSubnegotiationBytes)
                return;
            var option = subnegotiation.Count > 0 ? TelnetClient.OptionName(subnegotiation[0]) : "?";
            transcript.ClientError($"subnegotiation IAC SB {option} longer than {MaxSubnegotiationBytes} bytes: giving up");
            throw new ProtocolViolationException(
                $"{target} sent a Telnet subnegotiation (IAC SB {option}) longer than the limit of {MaxSubnegotiationBytes} bytes without its end (IAC SE).", target);
        }

        private void Answer(byte request, byte option, List<byte> answers)
        {
            transcript.Note($"<- IAC {Name(request)} {TelnetClient.OptionName(option)}");
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
            transcript.Note($"-> IAC {Name(reply)} {TelnetClient.OptionName(option)}");
            answers.AddRange(new[] { Iac, reply, option });
        }

        private void Subnegotiation(List<byte> answers)
        {
            if (subnegotiation.Count >= 2 && subnegotiation[0] == TerminalTypeOption && subnegotiation[1] == TerminalTypeSend)
            {
                transcript.Note("<- IAC SB TTYPE SEND IAC SE");
                transcript.Note($"-> IAC SB TTYPE IS {terminalType} IAC SE");
                answers.AddRange(new[] { Iac, Sb, TerminalTypeOption, TerminalTypeIs });
                answers.AddRange(Encoding.ASCII.GetBytes(terminalType));
                answers.AddRange(new[] { Iac, Se });
                return;
            }
            transcript.Note($"<- IAC SB {(subnegotiation.Count > 0 ? TelnetClient.OptionName(subnegotiation[0]) : "?")} … IAC SE (ignored)");
        }

        private static string Name(byte command) => command switch
        {
            Do => "DO",
            Dont => "DONT",
            Will => "WILL",
            Wont => "WONT",
            _ => command.ToString(),
        };
    }
}
