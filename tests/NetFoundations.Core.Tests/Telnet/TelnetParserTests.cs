using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using NetFoundations.Core.Telnet;

namespace NetFoundations.Core.Tests.Telnet
{
    /// <summary>The Telnet parser byte by byte, and a bounded fuzz run over mutations of a real server's negotiation.</summary>
    public sealed class TelnetParserTests
    {
        private const byte Iac = 255, Dont = 254, Do = 253, Wont = 252, Will = 251, Sb = 250, Se = 240;
        private const byte Echo = 1, Sga = 3, Status = 5, TerminalType = 24, Naws = 31, TerminalSpeed = 32, Lflow = 33, Linemode = 34, XDisplay = 35, NewEnviron = 39;

        /// <summary>What inetutils telnetd sends first: its requests, then the banner and the login prompt.</summary>
        private static readonly byte[] RealNegotiation = new byte[]
            {
                Iac, Do, TerminalType, Iac, Do, TerminalSpeed, Iac, Do, XDisplay, Iac, Do, NewEnviron,
                Iac, Sb, TerminalType, 1, Iac, Se,
                Iac, Will, Sga, Iac, Will, Echo, Iac, Do, Naws, Iac, Do, Lflow, Iac, Do, Linemode, Iac, Will, Status,
                Iac, Sb, Linemode, 3, 1, 3, 98, 3, 4, 2, 15, 5, 2, 20, 7, 98, 28, 8, 2, 4, 9, 66, 26, 10, 2, 127, 11, 2, 21, Iac, Se,
            }
            .Concat(Encoding.ASCII.GetBytes("\r\nDebian GNU/Linux 13\r\nhost login: "))
            .ToArray();

        private static (string Text, byte[] Answers) Parse(params byte[][] pieces)
        {
            var parser = new TelnetParser("peer:23", "vt100", new Transcript());
            var text = new List<byte>();
            var answers = new List<byte>();
            foreach (var piece in pieces)
                parser.Parse(piece, 0, piece.Length, text, answers);
            return (Encoding.UTF8.GetString(text.ToArray()), answers.ToArray());
        }

        [Fact]
        public void TheRealNegotiationIsAnsweredByThePolicyAndLeavesTheText()
        {
            var (text, answers) = Parse(RealNegotiation);

            Assert.Equal("\r\nDebian GNU/Linux 13\r\nhost login: ", text);
            var expected = new List<byte> { Iac, Will, TerminalType, Iac, Wont, TerminalSpeed, Iac, Wont, XDisplay, Iac, Wont, NewEnviron, Iac, Sb, TerminalType, 0 };
            expected.AddRange(Encoding.ASCII.GetBytes("vt100"));
            expected.AddRange(new byte[] { Iac, Se, Iac, Do, Sga, Iac, Do, Echo, Iac, Wont, Naws, Iac, Wont, Lflow, Iac, Wont, Linemode, Iac, Dont, Status });
            Assert.Equal(expected, answers);
        }

        [Fact]
        public void CommandsCutAcrossPiecesAreStillRecognised()
        {
            var pieces = RealNegotiation.Select(b => new[] { b }).ToArray();

            var (text, answers) = Parse(pieces);

            Assert.Equal(Parse(RealNegotiation).Text, text);
            Assert.Equal(Parse(RealNegotiation).Answers, answers);
        }

        [Fact]
        public void AnEscapedIacIsADataByteAndCrNulABareCr()
        {
            var (text, _) = Parse(new byte[] { (byte)'a', Iac, Iac, (byte)'b', (byte)'\r', 0, (byte)'c' });

            Assert.Equal("a\uFFFDb\rc", text);
        }

        [Fact]
        public void ARepeatedRequestIsAnsweredOnce()
        {
            var (_, answers) = Parse(new byte[] { Iac, Do, Naws, Iac, Do, Naws }, new byte[] { Iac, Do, Naws });

            Assert.Equal(new byte[] { Iac, Wont, Naws }, answers);
        }

        [Fact]
        public void ASubnegotiationUpToTheCapIsAcceptedWhateverItHolds()
        {
            var body = new List<byte> { Iac, Sb, TerminalType };
            while (body.Count - 2 < TelnetParser.MaxSubnegotiationBytes)
                body.AddRange(new byte[] { Iac, Iac });
            body.RemoveAt(body.Count - 1); // the option and 1,023 more bytes: the cap exactly
            body.RemoveAt(body.Count - 1);
            body.Add(7);
            body.AddRange(new byte[] { Iac, Se, (byte)'o', (byte)'k' });

            Assert.Equal("ok", Parse(body.ToArray()).Text);
        }

        [Theory]
        [InlineData(1)]      // IAC 01: out of order inside SB, as a hostile server repeats it
        [InlineData(Iac)]    // IAC IAC: an escaped 255, still two bytes on the wire
        [InlineData(2)]
        public void ASubnegotiationPastTheCapIsAProtocolViolationNamingIt(byte afterIac)
        {
            var parser = new TelnetParser("peer:23", "xterm", new Transcript());
            parser.Parse(new byte[] { Iac, Sb, TerminalType }, 0, 3, new List<byte>(), new List<byte>());
            var flood = afterIac == 2 ? new byte[] { 2, 2 } : new byte[] { Iac, afterIac };

            var error = Assert.Throws<ProtocolViolationException>(() =>
            {
                for (var i = 0; i < 2 * TelnetParser.MaxSubnegotiationBytes; i++)
                    parser.Parse(flood, 0, flood.Length, new List<byte>(), new List<byte>());
            });

            Assert.Contains($"limit of {TelnetParser.MaxSubnegotiationBytes} bytes", error.Message);
            Assert.Contains("IAC SB TTYPE", error.Message);
            Assert.Equal("peer:23", error.Target);
        }

        [Fact]
        public void TheParserKnowsWhenItIsInsideACommand()
        {
            var parser = new TelnetParser("peer:23", "xterm", new Transcript());
            var text = new List<byte>();
            var answers = new List<byte>();

            parser.Parse(new byte[] { (byte)'x', Iac, Do }, 0, 3, text, answers);
            Assert.True(parser.InsideCommand);
            parser.Parse(new byte[] { Echo, (byte)'y' }, 0, 2, text, answers);
            Assert.False(parser.InsideCommand);
        }

        /// <summary>
        /// Random mutations of the real negotiation (bytes changed, inserted, deleted, runs repeated, cut short), fed in random
        /// pieces: the parser ends each with success or a ProtocolViolationException, never another exception or a hang, and
        /// it never makes more text than it was given. A fixed seed makes a failure repeatable.
        /// </summary>
        [Fact]
        public void FuzzedNegotiationsEndInSuccessOrAProtocolViolation()
        {
            const int cases = 5000;
            var interesting = new byte[] { Iac, Dont, Do, Wont, Will, Sb, Se, 0, 1, 24, (byte)'\r', (byte)'\n' };
            var random = new Random(16);
            var watch = Stopwatch.StartNew();
            var violations = 0;
            var run = Task.Run(() =>
            {
                for (var n = 0; n < cases; n++)
                {
                    var input = new List<byte>(RealNegotiation);
                    var mutations = random.Next(1, 8);
                    for (var m = 0; m < mutations && input.Count > 0; m++)
                    {
                        var at = random.Next(input.Count);
                        var value = random.Next(2) == 0 ? interesting[random.Next(interesting.Length)] : (byte)random.Next(256);
                        switch (random.Next(5))
                        {
                            case 0: input[at] = value; break;
                            case 1: input.Insert(at, value); break;
                            case 2: input.RemoveAt(at); break;
                            case 3: // repeat a run, up to a few kilobytes: long subnegotiations and floods of commands
                                var length = Math.Min(random.Next(1, 16), input.Count - at);
                                var repeated = input.GetRange(at, length);
                                for (var r = random.Next(1, 300); r > 0; r--)
                                    input.InsertRange(at, repeated);
                                break;
                            default: input.RemoveRange(at, input.Count - at); break;
                        }
                    }
                    var bytes = input.ToArray();
                    var parser = new TelnetParser("peer:23", "xterm", new Transcript());
                    var text = new List<byte>();
                    var answers = new List<byte>();
                    try
                    {
                        for (var offset = 0; offset < bytes.Length;)
                        {
                            var piece = Math.Min(random.Next(1, 600), bytes.Length - offset);
                            parser.Parse(bytes, offset, piece, text, answers);
                            offset += piece;
                        }
                    }
                    catch (ProtocolViolationException e)
                    {
                        Assert.Contains("bytes", e.Message);
                        violations++;
                    }
                    Assert.True(text.Count <= bytes.Length, $"case {n}: more text than input");
                    Assert.True(answers.Count <= 3 * 4 * 256 + 64 * bytes.Length, $"case {n}: answers without bound");
                }
            });

            Assert.True(run.Wait(TimeSpan.FromSeconds(60)), $"the fuzz run did not end within 60 s ({watch.Elapsed})");
            run.GetAwaiter().GetResult();
            Assert.True(violations > 0, "some mutations should break the subnegotiation cap");
        }
    }
}
