using System;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Mail;
using Xunit.Abstractions;

namespace NetFoundations.Core.Tests.Mail
{
    /// <summary>
    /// SMTP, POP3 and IMAP against servers that never end a line, a reply or a literal, stall or trickle: each call ends
    /// with a typed error within its deadline plus 2 s, and the process's memory grows by less than 64 MiB.
    /// </summary>
    [Collection(nameof(HostileCollection))]
    public sealed class HostileMailServerTests
    {
        private static readonly NetworkCredential Dave = new NetworkCredential("dave", "dave-password");
        private readonly ITestOutputHelper output;

        public HostileMailServerTests(ITestOutputHelper output) => this.output = output;

        private static MailServerOptions Options(HostileMailServer server, TimeSpan timeout) => new MailServerOptions("127.0.0.1", server.Port)
        {
            Security = MailSecurity.None, Credential = Dave, Timeout = timeout,
        };

        /// <summary>Runs the call under the hostile-case rule and reports what it measured.</summary>
        private async Task<(Exception Error, TimeSpan Elapsed)> RunAsync(string name, Func<Task> call, TimeSpan deadline)
        {
            var outcome = await Hostile.FailsInTimeAsync(call, deadline);
            output.WriteLine($"{name}: {outcome.Elapsed.TotalSeconds:F2} s, memory growth {outcome.Growth / 1024} KiB (peak seen {outcome.Peak >> 20} MiB): {outcome.Error!.GetType().Name}: {outcome.Error.Message}");
            return (outcome.Error, outcome.Elapsed);
        }

        private static Task Smtp(MailServerOptions options, SmtpTestStage stage, CancellationToken cancellation = default) =>
            SmtpServerTester.TestAsync(options, stage, new Transcript(), cancellation);

        [Fact]
        public async Task An_SMTP_banner_without_a_line_end_breaks_the_line_length_cap()
        {
            using var server = new HostileMailServer(async c =>
            {
                await c.SendAsync("220 ");
                await c.FloodAsync(HostileMailServer.Conversation.Repeat("a", 64 * 1024));
            });
            var options = Options(server, TimeSpan.FromSeconds(30));
            options.Credential = null;

            var (error, _) = await RunAsync("SMTP banner without end", () => Smtp(options, SmtpTestStage.Connect), options.Timeout);

            var violation = Assert.IsType<ProtocolViolationException>(error);
            Assert.Contains($"longer than {MailReplyLimiter.MaxLineBytes} bytes (the cap on line length)", violation.Message);
            Assert.Contains("\"220 aaaa", violation.Message);
        }

        [Fact]
        public async Task An_endless_multi_line_EHLO_reply_breaks_the_lines_per_reply_cap()
        {
            using var server = new HostileMailServer(async c =>
            {
                await c.SendAsync("220 hostile.test ESMTP\n");
                await c.ReadLineAsync();
                await c.FloodAsync(HostileMailServer.Conversation.Repeat("250-PIPELINING\n", 4096));
            });
            var options = Options(server, TimeSpan.FromSeconds(30));
            options.Credential = null;

            var (error, _) = await RunAsync("SMTP endless EHLO", () => Smtp(options, SmtpTestStage.Ehlo), options.Timeout);

            var violation = Assert.IsType<ProtocolViolationException>(error);
            Assert.Contains($"more than {MailReplyLimiter.MaxSmtpReplyLines} lines (the cap on lines per reply)", violation.Message);
            Assert.Contains("250-PIPELINING", violation.Message);
        }

        [Fact]
        public async Task A_POP3_LIST_without_its_end_breaks_the_lines_per_reply_cap()
        {
            using var server = new HostileMailServer(async c =>
            {
                await c.SendAsync("+OK POP3 ready\n");
                for (var line = await c.ReadLineAsync(); line != null; line = await c.ReadLineAsync())
                {
                    if (line == "LIST")
                        await c.SendAsync("+OK 3 messages\n");
                    if (line == "LIST")
                        await c.FloodAsync(HostileMailServer.Conversation.Repeat("1 100\n", 8192));
                    await c.SendAsync(line == "CAPA" ? "+OK\nUSER\nUIDL\n.\n"
                        : line == "STAT" ? "+OK 3 300\n"
                        : line == "UIDL" ? "+OK\n1 a\n2 b\n3 c\n.\n"
                        : "+OK\n");
                }
            });
            var options = Options(server, TimeSpan.FromSeconds(30));

            var (error, _) = await RunAsync("POP3 LIST without end", () => Pop3Mailbox.ListAsync(options, false, new Transcript(), CancellationToken.None),
                options.Timeout);

            var violation = Assert.IsType<ProtocolViolationException>(error);
            Assert.Contains($"more than {MailReplyLimiter.MaxPop3ListLines} lines (the cap on lines per reply)", violation.Message);
        }

        [Fact]
        public async Task An_IMAP_greeting_announcing_a_2_GB_literal_is_refused_before_it_is_read()
        {
            using var server = new HostileMailServer(async c =>
            {
                await c.SendAsync("* OK {2000000000}\n");
                await c.FloodAsync(HostileMailServer.Conversation.Repeat("x", 64 * 1024));
            });
            var options = Options(server, TimeSpan.FromSeconds(30));

            var (error, elapsed) = await RunAsync("IMAP greeting literal", () => ImapConnection.ConnectAsync(options, new Transcript(), CancellationToken.None),
                options.Timeout);

            var violation = Assert.IsType<ProtocolViolationException>(error);
            Assert.Contains($"a literal of 2000000000 bytes, more than the {MailServerOptions.DefaultMaxResponseBytes} bytes", violation.Message);
            Assert.Contains("\"* OK {2000000000}\"", violation.Message);
            Assert.True(elapsed < TimeSpan.FromSeconds(2), $"took {elapsed}: refused before reading");
        }

        [Fact]
        public async Task An_IMAP_FETCH_of_endless_1_MiB_literals_breaks_the_response_size_cap()
        {
            var literal = new byte[1 << 20];
            Array.Fill(literal, (byte)'x');
            var flood = System.Text.Encoding.ASCII.GetBytes("* 1 FETCH (UID 1 BODY[TEXT] {1048576}\r\n");
            var chunk = new byte[flood.Length + literal.Length + 3];
            flood.CopyTo(chunk, 0);
            literal.CopyTo(chunk, flood.Length);
            ")\r\n"u8.ToArray().CopyTo(chunk, flood.Length + literal.Length);
            using var server = new HostileMailServer(async c =>
            {
                await c.SendAsync(ScriptedMailServer.ImapGreeting + "\n");
                for (var line = await c.ReadLineAsync(); line != null; line = await c.ReadLineAsync())
                {
                    if (line.Contains(" UID FETCH "))
                        await c.FloodAsync(chunk);
                    await c.SendAsync(ScriptedMailServer.ImapAnswer(line, tag => null) + "\n");
                }
            });
            var options = Options(server, TimeSpan.FromSeconds(30));
            options.AllowUnencryptedAuthentication = true;
            using var session = await ImapConnection.ConnectAsync(options, new Transcript(), CancellationToken.None);

            var (error, _) = await RunAsync("IMAP FETCH of 1 MiB literals", () => session.Connection().SearchAsync("INBOX", new ImapSearchOptions(), null, CancellationToken.None),
                options.Timeout);

            var violation = Assert.IsType<ProtocolViolationException>(error);
            Assert.Contains($"{MailServerOptions.DefaultMaxResponseBytes} bytes", violation.Message);
            Assert.Contains("(the cap on response size)", violation.Message);
        }

        [Fact]
        public async Task A_smaller_response_cap_holds_MailKit_reading_a_message()
        {
            using var server = new HostileMailServer(async c =>
            {
                await c.SendAsync("+OK POP3 ready\n");
                for (var line = await c.ReadLineAsync(); line != null; line = await c.ReadLineAsync())
                {
                    if (line == "RETR 1")
                        await c.SendAsync("+OK\nSubject: big\n\n");
                    if (line == "RETR 1")
                        await c.FloodAsync(HostileMailServer.Conversation.Repeat("a body line\n", 8192));
                    await c.SendAsync(line == "CAPA" ? "+OK\nUSER\nUIDL\n.\n"
                        : line == "STAT" ? "+OK 1 100\n"
                        : line == "UIDL" ? "+OK\n1 a\n.\n"
                        : "+OK\n");
                }
            });
            var options = Options(server, TimeSpan.FromSeconds(30));
            options.MaxResponseBytes = 8 << 20;

            var (error, _) = await RunAsync("POP3 RETR over an 8 MiB cap", () => Pop3Mailbox.RetrieveAsync(options, new[] { "a" }, new Transcript(), CancellationToken.None),
                options.Timeout);

            var violation = Assert.IsType<ProtocolViolationException>(error);
            Assert.Contains($"more than {8 << 20} bytes (the cap on response size)", violation.Message);
        }

        [Fact]
        public async Task A_50_MB_message_still_downloads_under_the_default_caps()
        {
            const int lines = 50 * 1000 * 1000 / 50;
            using var server = new HostileMailServer(async c =>
            {
                await c.SendAsync("+OK POP3 ready\n");
                for (var line = await c.ReadLineAsync(); line != null; line = await c.ReadLineAsync())
                {
                    if (line == "RETR 1")
                        await c.SendAsync("+OK\nSubject: big\n\n");
                    await c.SendAsync(line == "CAPA" ? "+OK\nUSER\nUIDL\n.\n"
                        : line == "STAT" ? "+OK 1 50000000\n"
                        : line == "UIDL" ? "+OK\n1 a\n.\n"
                        : line == "RETR 1" ? Encoding.ASCII.GetString(HostileMailServer.Conversation.Repeat(new string('b', 48) + "\n", lines)) + ".\n"
                        : "+OK\n");
                }
            });
            var options = Options(server, TimeSpan.FromSeconds(30));

            var messages = await Pop3Mailbox.RetrieveAsync(options, new[] { "a" }, new Transcript(), CancellationToken.None);

            Assert.Equal("big", Assert.Single(messages).Subject);
            Assert.True(messages[0].Size > 50_000_000, $"{messages[0].Size} bytes");
        }

        /// <summary>Where a behaviour begins: in place of the greeting (MailKit reads it), or in answer to the summary reader's UID FETCH.</summary>
        private static Func<HostileMailServer.Conversation, Task> Playing(string protocol, Func<HostileMailServer.Conversation, Task> behaviour) =>
            protocol != "IMAP summaries" ? behaviour : async c =>
            {
                await c.SendAsync(ScriptedMailServer.ImapGreeting + "\n");
                for (var line = await c.ReadLineAsync(); line != null; line = await c.ReadLineAsync())
                {
                    if (line.Contains(" UID FETCH "))
                    {
                        await behaviour(c);
                        return;
                    }
                    await c.SendAsync(ScriptedMailServer.ImapAnswer(line, tag => null) + "\n");
                }
            };

        /// <summary>What a well-behaved answer would begin with, for behaviours that start like one.</summary>
        private static string Opening(string protocol) => protocol switch
        {
            "SMTP" => "220 ",
            "POP3" => "+OK ",
            "IMAP" => "* OK ",
            _ => "* 1 FETCH (UID 1 ENVELOPE (",
        };

        private static Func<HostileMailServer.Conversation, Task> Behaviour(string protocol, string behaviour) => behaviour switch
        {
            "stall" => c => c.StallAsync(),
            "trickle" => c => c.TrickleAsync(Encoding.ASCII.GetBytes(Opening(protocol) + "trickle"), TimeSpan.FromMilliseconds(200)),
            "endless line" => async c =>
            {
                await c.SendAsync(Opening(protocol));
                await c.FloodAsync(HostileMailServer.Conversation.Repeat("a", 64 * 1024));
            },
            "NULs" => c => c.FloodAsync(new byte[64 * 1024]),
            "0xFF" => c => c.FloodAsync(Enumerable.Repeat((byte)0xFF, 64 * 1024).ToArray()),
            "NUL lines" => c => c.FloodAsync(HostileMailServer.Conversation.Repeat("\0\0\0\0\0\0\0\0\n", 8192)),
            "0xFF lines" => c => c.FloodAsync(Enumerable.Range(0, 8192).SelectMany(_ => new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, (byte)'\r', (byte)'\n' }).ToArray()),
            _ => c => c.SendAsync(Opening(protocol) + "cut off in the mid"), // then the server closes
        };

        private static async Task<Func<Task>> CallAsync(string protocol, HostileMailServer server, TimeSpan timeout, CancellationToken cancellation)
        {
            var options = Options(server, timeout);
            switch (protocol)
            {
                case "SMTP":
                    options.Credential = null;
                    return () => Smtp(options, SmtpTestStage.Connect, cancellation);
                case "POP3":
                    return () => Pop3Mailbox.ListAsync(options, false, new Transcript(), cancellation);
                case "IMAP":
                    return () => ImapConnection.ConnectAsync(options, new Transcript(), cancellation);
                default:
                    var session = await ImapConnection.ConnectAsync(options, new Transcript(), CancellationToken.None);
                    return async () =>
                    {
                        using (session)
                            await session.Connection().SearchAsync("INBOX", new ImapSearchOptions(), null, cancellation);
                    };
            }
        }

        /// <summary>
        /// Every protocol's reader against the same hostile behaviours, from the first byte (MailKit's) and in the middle of an
        /// IMAP FETCH (the module's own summary reader): a stall is a timeout, a trickle ends at the caller's deadline, a line
        /// that never ends or a flood of bytes that are not text breaks a cap or the grammar, and a reply cut off is a lost connection.
        /// </summary>
        [Theory]
        [MemberData(nameof(Cases))]
        public async Task A_hostile_server_ends_in_a_typed_error_within_the_deadline(string protocol, string behaviour)
        {
            using var server = new HostileMailServer(Playing(protocol, Behaviour(protocol, behaviour)));
            var timeout = TimeSpan.FromSeconds(3);
            // Each byte of a trickle comes within the per-read timeout: what ends it is the caller's deadline (the cmdlet's, in the module).
            using var deadline = new CancellationTokenSource();
            var call = await CallAsync(protocol, server, timeout, deadline.Token);
            // A stall is left to the timeout of each read.
            deadline.CancelAfter(behaviour == "stall" ? timeout * 3 : timeout);

            var (error, _) = await RunAsync($"{protocol} {behaviour}", call, timeout);

            switch (behaviour)
            {
                case "stall":
                    Assert.IsType<NetworkTimeoutException>(error);
                    break;
                case "trickle":
                    Assert.IsAssignableFrom<OperationCanceledException>(error);
                    break;
                case "cut off":
                    Assert.IsType<ConnectionLostException>(error);
                    break;
                case "endless line":
                    Assert.Contains("longer than", Assert.IsType<ProtocolViolationException>(error).Message);
                    break;
                default:
                    Assert.IsType<ProtocolViolationException>(error);
                    break;
            }
        }

        public static TheoryData<string, string> Cases()
        {
            var cases = new TheoryData<string, string>();
            foreach (var protocol in new[] { "SMTP", "POP3", "IMAP", "IMAP summaries" })
            {
                foreach (var behaviour in new[] { "stall", "trickle", "endless line", "NULs", "0xFF", "NUL lines", "0xFF lines", "cut off" })
                    cases.Add(protocol, behaviour);
            }
            return cases;
        }

        /// <summary>
        /// An IMAP server that answers as ScriptedMailServer does, except to the first command line that holds command:
        /// to that, head, then body again and again.
        /// </summary>
        private static HostileMailServer FloodingImap(string greeting, string command, string head, byte[] body) => new HostileMailServer(async c =>
        {
            await c.SendAsync(greeting + "\n");
            var flooded = false;
            for (var line = await c.ReadLineAsync(); line != null; line = await c.ReadLineAsync())
            {
                if (line.Contains(command) && !flooded)
                {
                    flooded = true;
                    await c.SendAsync(head);
                    await c.FloodAsync(body);
                }
                await c.SendAsync(ScriptedMailServer.ImapAnswer(line, tag => $"{tag} OK done") + "\n");
            }
        });

        private static byte[] Chunk(Func<int, string> element, int count) =>
            Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, count).Select(element)));

        [Theory]
        [InlineData("SEARCH", "(the cap on search results)")]
        [InlineData("LIST", "(the cap on folders)")]
        [InlineData("CAPABILITY", "(the cap on list elements)")]
        [InlineData("BODYSTRUCTURE nesting", "(the cap on nesting)")]
        [InlineData("BODYSTRUCTURE parts", "(the cap on list elements)")]
        public async Task IMAP_lists_without_end_break_an_element_cap_before_MailKit_holds_them(string flood, string cap)
        {
            // Descending UIDs (the order that costs an ordered set most), distinct folder names and mechanisms, parts of a multipart.
            var (command, head, body) = flood switch
            {
                "SEARCH" => (" UID SEARCH ", "* SEARCH", Chunk(i => " " + (4_000_000_000 - i), 10000)),
                "LIST" => (" LIST ", "", Chunk(i => $"* LIST (\\HasNoChildren) \"/\" folder{i}\r\n", 10000)),
                "CAPABILITY" => (" CAPABILITY", "* CAPABILITY IMAP4rev1", Chunk(i => $" AUTH=X{i}", 10000)),
                "BODYSTRUCTURE nesting" => (" UID FETCH ", "* 1 FETCH (UID 1 BODYSTRUCTURE ", Chunk(i => "(", 10000)),
                _ => (" UID FETCH ", "* 1 FETCH (UID 1 BODYSTRUCTURE (", Chunk(i => "(\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1 NIL NIL NIL NIL)", 1000)),
            };
            using var server = FloodingImap(flood == "CAPABILITY" ? "* OK ready" : ScriptedMailServer.ImapGreeting, command, head, body);
            var options = Options(server, TimeSpan.FromSeconds(30));
            Func<ImapSession, Task> use = flood switch
            {
                "SEARCH" => s => s.Connection().SearchAsync("INBOX", new ImapSearchOptions { Subject = "x" }, null, CancellationToken.None),
                "LIST" => s => s.Connection().GetFoldersAsync(null, new Transcript(), CancellationToken.None),
                _ => s => s.Connection().ReadMessageAsync("INBOX", 1, new Transcript(), CancellationToken.None),
            };

            var (error, _) = await RunAsync($"IMAP {flood} flood", async () =>
            {
                using var session = await ImapConnection.ConnectAsync(options, new Transcript(), CancellationToken.None);
                await use(session);
            }, options.Timeout);

            Assert.Contains(cap, Assert.IsType<ProtocolViolationException>(error).Message);
        }

        [Fact]
        public async Task A_search_of_100000_UIDs_and_a_fetch_of_100000_summaries_still_work()
        {
            var uids = string.Join(" ", Enumerable.Range(1, 100_000).Select(i => (2 * i).ToString()));
            var summaries = string.Concat(Enumerable.Range(1, 100_000).Select(i => $"* {i} FETCH (UID {2 * i} FLAGS (\\Seen) RFC822.SIZE 100)\n"));
            using var server = new ScriptedMailServer(ScriptedMailServer.ImapGreeting, line =>
                line.Contains(" UID SEARCH ") ? $"* SEARCH {uids}\n{line.Split(' ')[0]} OK done"
                : ScriptedMailServer.ImapAnswer(line, tag => summaries + tag + " OK done"));
            var options = new MailServerOptions("127.0.0.1", server.Port) { Security = MailSecurity.None, Credential = Dave, Timeout = TimeSpan.FromSeconds(30) };
            using var session = await ImapConnection.ConnectAsync(options, new Transcript(), CancellationToken.None);

            var all = await session.Connection().SearchAsync("INBOX", new ImapSearchOptions(), null, CancellationToken.None);
            var found = await session.Connection().SearchAsync("INBOX", new ImapSearchOptions { Seen = true, Limit = 100_000 }, null, CancellationToken.None);

            Assert.Equal(100_000, all.Count);
            Assert.Equal(200_000u, all[^1].Uid);
            // The 100,000 UIDs found went out again in UID FETCH commands (the scripted server answers each with all summaries).
            Assert.Contains(server.Received, l => l.Contains(" UID SEARCH "));
            Assert.Contains(server.Received, l => l.Contains(" UID FETCH ") && l.Contains(",200000 "));
            Assert.True(found.Count >= 100_000, $"{found.Count} summaries");
        }
    }
}
