using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using NetFoundations.Core;
using NetFoundations.Core.Mail;

namespace NetFoundations.Core.Tests.Mail
{
    /// <summary>The IMAP summary reader's FETCH parsing, fed bytes directly: real answers, and random mutations of them.</summary>
    public sealed class ImapSummaryFuzzTests
    {
        private readonly Xunit.Abstractions.ITestOutputHelper output;

        public ImapSummaryFuzzTests(Xunit.Abstractions.ITestOutputHelper output) => this.output = output;

        // Answers to "N1 UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)" as Dovecot writes them:
        // a multipart with an RFC 2231 file name, a literal subject, a forwarded message (message/rfc822), a group, NILs.
        private static readonly string[] RealAnswers =
        {
            "* 1 FETCH (UID 1 FLAGS (\\Seen \\Flagged $Important) INTERNALDATE \"03-Mar-2026 10:20:30 +0100\" RFC822.SIZE 1234 " +
            "ENVELOPE (\"Tue, 3 Mar 2026 10:20:30 +0100\" \"Quotes \\\"here\\\" and a back\\\\slash\" " +
            "((\"=?utf-8?q?J=C3=B6rg_M=C3=BCller?=\" NIL \"joerg\" \"mail.test\")) ((\"=?utf-8?q?J=C3=B6rg_M=C3=BCller?=\" NIL \"joerg\" \"mail.test\")) " +
            "((\"=?utf-8?q?J=C3=B6rg_M=C3=BCller?=\" NIL \"joerg\" \"mail.test\")) ((NIL NIL \"Team\" NIL)(NIL NIL \"a\" \"mail.test\")" +
            "(\"Doe, John\" NIL \"john\" \"mail.test\")(NIL NIL NIL NIL)) NIL NIL NIL \"<odd-1@mail.test>\") " +
            "BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 2 1 NIL NIL NIL NIL)" +
            "(\"application\" \"octet-stream\" NIL NIL NIL \"base64\" 4 NIL (\"attachment\" (\"filename*\" \"utf-8''Gr%C3%BC%C3%9Fe%20und%20K%C3%BCsse.bin\")) NIL NIL)" +
            "(\"application\" \"octet-stream\" NIL NIL NIL \"base64\" 4 NIL (\"attachment\" NIL) NIL NIL) \"mixed\" (\"boundary\" \"===============1==\") NIL NIL NIL))\r\n",
            "* 2 FETCH (UID 2 FLAGS () INTERNALDATE \"04-Mar-2026 08:00:00 +0000\" RFC822.SIZE 2048 " +
            "ENVELOPE (NIL {26}\r\nencoded =?utf-8?q?=C3=A9?= ((NIL NIL \"plain\" \"mail.test\")) ((NIL NIL \"plain\" \"mail.test\")) " +
            "((NIL NIL \"plain\" \"mail.test\")) ((NIL NIL \"alice\" \"mail.test\")) NIL NIL NIL NIL) " +
            "BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 4 1 NIL NIL NIL NIL)" +
            "(\"application\" \"octet-stream\" (\"name\" \"only-in-type.dat\") NIL NIL \"base64\" 4 NIL (\"attachment\" NIL) NIL NIL)" +
            "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 60 (NIL \"inner\" NIL NIL NIL NIL NIL NIL NIL NIL) " +
            "(\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 11 1 NIL NIL NIL NIL) 4 NIL (\"attachment\" (\"filename\" \"forwarded.eml\")) NIL NIL) " +
            "\"mixed\" (\"boundary\" \"b1\") NIL NIL NIL))\r\n",
            "* 3 FETCH (UID 3 FLAGS (\\Answered $Custom \\Recent) INTERNALDATE \" 5-Mar-2026 23:59:59 -0700\" RFC822.SIZE 61 " +
            "ENVELOPE (NIL \"no date, no id, no from\" NIL NIL NIL NIL NIL NIL NIL NIL) " +
            "BODYSTRUCTURE (\"application\" \"pdf\" (\"name\" \"report.pdf\") NIL NIL \"base64\" 10 NIL (\"attachment\" NIL) NIL NIL))\r\n",
            "* 3 FETCH (FLAGS (\\Seen))\r\n",
        };

        private static readonly byte[] RealFetch = Encoding.UTF8.GetBytes(string.Concat(RealAnswers) + "N1 OK Fetch completed (0.001 + 0.000 secs).\r\n");

        /// <summary>Scripted answers to read; what the reader writes is dropped.</summary>
        private sealed class ScriptStream : MemoryStream
        {
            public ScriptStream(byte[] answers)
                : base(answers, false)
            {
            }

            public override bool CanWrite => true;
            public override void Write(byte[] buffer, int offset, int count) { }
            public override void Flush() { }
        }

        private static List<FetchedSummary> Fetch(byte[] answers, long maxResponseBytes = MailServerOptions.DefaultMaxResponseBytes)
        {
            var found = new List<FetchedSummary>();
            using var reader = ImapSummaryReader.OnStream(new ScriptStream(answers), "imap.test:143", maxResponseBytes);
            reader.Fetch("1:*", found.Add);
            return found;
        }

        [Fact]
        public void Real_answers_are_read_whole()
        {
            var found = Fetch(RealFetch);

            Assert.Equal(new uint[] { 1, 2, 3 }, found.Select(s => s.Uid));
            Assert.Equal("Quotes \"here\" and a back\\slash", found[0].Subject);
            Assert.Equal(new[] { "Seen", "Flagged", "$Important" }, found[0].Flags);
            Assert.Equal(new[] { "Grüße und Küsse.bin", "3" }, found[0].AttachmentNames);
            Assert.Equal("Team: a@mail.test, \"Doe, John\" <john@mail.test>;", Assert.Single(found[0].To));
            Assert.Equal("encoded é", found[1].Subject);
            Assert.Equal(new[] { "only-in-type.dat", "forwarded.eml" }, found[1].AttachmentNames);
            Assert.Equal(new[] { "report.pdf" }, found[2].AttachmentNames);
            Assert.Equal(new[] { "Answered", "$Custom" }, found[2].Flags);
        }

        [Theory]
        [InlineData("* 1 FETCH (UID 1 BODYSTRUCTURE {2000000}\r\n", "literal's size {2000000} is not a number up to 1048576")]
        [InlineData("* 1 FETCH (UID 1 BODYSTRUCTURE {2147483647}\r\n", "a literal of 2147483647 bytes")]
        [InlineData("* 1 FETCH (UID 1 BODYSTRUCTURE {99999999999999999999}\r\n", "a literal of 99999999999999999999 bytes")]
        [InlineData("* 1 FETCH (UID 1 ENVELOPE (NIL {-1}\r\n", "literal's size {-1}")]
        public void Literal_sizes_out_of_range_are_protocol_violations(string answer, string named)
        {
            var error = Assert.Throws<ProtocolViolationException>(() => Fetch(Encoding.ASCII.GetBytes(answer + "N1 OK done\r\n")));

            Assert.Contains(named, error.Message);
        }

        [Fact]
        public void Nesting_beyond_the_cap_is_refused_before_the_parser_recurses()
        {
            var deep = "* 1 FETCH (UID 1 BODYSTRUCTURE " + new string('(', 100_000) + "\r\nN1 OK done\r\n";

            var error = Assert.Throws<ProtocolViolationException>(() => Fetch(Encoding.ASCII.GetBytes(deep)));

            Assert.Contains($"nested more than {MailReplyLimiter.MaxImapNesting} deep (the cap on nesting)", error.Message);
        }

        [Fact]
        public void A_BODYSTRUCTURE_of_a_million_parts_breaks_the_element_cap()
        {
            var part = "(\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1 NIL NIL NIL NIL)";
            var many = "* 1 FETCH (UID 1 BODYSTRUCTURE (" + string.Concat(Enumerable.Repeat(part, 1_000_000 / 12)) + " \"mixed\"))\r\nN1 OK done\r\n";
            var clock = Stopwatch.StartNew();

            var error = Assert.Throws<ProtocolViolationException>(() => Fetch(Encoding.ASCII.GetBytes(many)));

            Assert.Contains($"more than {MailReplyLimiter.MaxImapElements} elements (the cap on list elements)", error.Message);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        }

        /// <summary>
        /// Random mutations of the real answers (bits flipped, bytes inserted or deleted, runs repeated, literal sizes set
        /// to extremes, parentheses unbalanced, cut short): each ends in summaries, or in a ProtocolViolationException —
        /// or, where the bytes ran out mid-answer, in ConnectionLostException, as when a server closes — never another
        /// exception or a hang. A fixed seed makes a failure repeatable.
        /// </summary>
        [Fact]
        public void Fuzzed_FETCH_answers_end_in_summaries_or_a_protocol_violation()
        {
            const int cases = 5000;
            var interesting = "()\"{}\\\r\n *+0:9".Select(c => (byte)c).Concat(new byte[] { 0, 0xFF, 0x80 }).ToArray();
            var sizes = new[] { "{0}", "{1}", "{4294967295}", "{2147483648}", "{1048577}", "{99999999999999999999999}", "{-5}", "{+}", "{}", "{12+}" };
            // Values put in place of a word or string: wrong types, empty ones, extreme numbers and dates.
            var values = new[] { "NIL", "\"\"", "()", "(NIL)", "{0}\r\n", "0", "4294967296", "-1", "99999999999999999999", "\"\\\"",
                "\"31-Feb-2026 25:61:61 +9999\"", "\"01-Jan-0001 00:00:00 -1400\"", "\"Mon, 99 Foo 2026 10:00:00 +0000\"", "\"<>\"", "\"=?utf-8?b?////?=\"",
                "(\"attachment\" (\"filename*\" \"utf-8'xx'%FF%\"))", "((NIL NIL NIL NIL))", "((\"a\" NIL \"@\" \"\"))", "\\Seen", "BODY[]" };
            var random = new Random(16);
            var watch = Stopwatch.StartNew();
            var outcomes = new Dictionary<string, int>();
            var run = Task.Run(() =>
            {
                for (var n = 0; n < cases; n++)
                {
                    var input = new List<byte>(RealFetch);
                    var mutations = random.Next(1, 10);
                    for (var m = 0; m < mutations && input.Count > 0; m++)
                    {
                        var at = random.Next(input.Count);
                        switch (random.Next(8))
                        {
                            case 7: // a word or string replaced by another value
                                var start = input.IndexOf((byte)' ', at);
                                var end = start < 0 ? -1 : input.FindIndex(start + 1, b => b == ' ' || b == ')' || b == '\r');
                                if (end > start + 1)
                                {
                                    input.RemoveRange(start + 1, end - start - 1);
                                    input.InsertRange(start + 1, Encoding.ASCII.GetBytes(values[random.Next(values.Length)]));
                                }
                                break;
                            case 0: input[at] ^= (byte)(1 << random.Next(8)); break;
                            case 1: input.Insert(at, interesting[random.Next(interesting.Length)]); break;
                            case 2: input.RemoveAt(at); break;
                            case 3: // a run repeated, up to a few kilobytes
                                var length = Math.Min(random.Next(1, 16), input.Count - at);
                                var repeated = input.GetRange(at, length);
                                for (var r = random.Next(1, 300); r > 0; r--)
                                    input.InsertRange(at, repeated);
                                break;
                            case 4: // a literal's size set to an extreme (or a new literal announced)
                                var open = input.IndexOf((byte)'{', at);
                                var close = open < 0 ? -1 : input.IndexOf((byte)'}', open);
                                var size = Encoding.ASCII.GetBytes(sizes[random.Next(sizes.Length)]);
                                if (close > open && open >= 0)
                                {
                                    input.RemoveRange(open, close - open + 1);
                                    input.InsertRange(open, size);
                                }
                                else
                                {
                                    input.InsertRange(at, size.Concat(new[] { (byte)'\r', (byte)'\n' }));
                                }
                                break;
                            case 5: // parentheses unbalanced: a run of opening or closing ones
                                input.InsertRange(at, Enumerable.Repeat(random.Next(2) == 0 ? (byte)'(' : (byte)')', random.Next(1, 200)));
                                break;
                            default: input.RemoveRange(at, input.Count - at); break;
                        }
                    }
                    string outcome;
                    try
                    {
                        var found = Fetch(input.ToArray());
                        Assert.True(found.Count <= 4, $"case {n}: {found.Count} summaries from four answers");
                        outcome = "summaries";
                    }
                    catch (ProtocolViolationException e)
                    {
                        Assert.Contains("imap.test:143", e.Message);
                        outcome = "violation";
                    }
                    catch (ConnectionLostException)
                    {
                        outcome = "cut short";
                    }
                    catch (RemoteErrorException)
                    {
                        outcome = "NO or BAD"; // a mutated tag line can still be a well-formed refusal
                    }
                    catch (Exception e)
                    {
                        throw new Xunit.Sdk.XunitException($"case {n}: {e.GetType().Name}: {e.Message}\n{Encoding.UTF8.GetString(input.ToArray())}\n{e}");
                    }
                    outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                }
            });

            Assert.True(run.Wait(TimeSpan.FromSeconds(60)), $"the fuzz run did not end within 60 s ({watch.Elapsed})");
            run.GetAwaiter().GetResult();
            output.WriteLine($"{cases} cases in {watch.Elapsed.TotalSeconds:F1} s: " + string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}")));
            Assert.True(outcomes.GetValueOrDefault("violation") > 0 && outcomes.GetValueOrDefault("summaries") > 0,
                string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}")));
        }
    }
}
