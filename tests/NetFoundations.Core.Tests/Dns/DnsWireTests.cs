using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using NetFoundations.Core.Dns;
using NetFoundations.Tests.Dns;

namespace NetFoundations.Core.Tests.Dns
{
    /// <summary>
    /// The module's own DNS reader (DnsWire) byte by byte, and a bounded fuzz run over mutations of real answers: a
    /// hand-built one with every kind of record and compression, and BIND's answers from the repository's zones.
    /// </summary>
    public sealed class DnsWireTests : IClassFixture<BindServer>
    {
        private const string Question = "www.example.test";
        private readonly BindServer bind;

        public DnsWireTests(BindServer bind) => this.bind = bind;

        /// <summary>Writes a DNS message by hand, with compression pointers where the test puts them.</summary>
        private sealed class Message
        {
            private readonly List<byte> bytes;
            private readonly int[] counts = new int[3];

            public Message(byte[] query)
            {
                // The query's header and question, made a response: QR, RD, RA, NOERROR, no records yet.
                var questionEnd = 12;
                while (query[questionEnd] != 0)
                    questionEnd += query[questionEnd] + 1;
                bytes = new List<byte>(query.Take(questionEnd + 5)) { [2] = 0x81, [3] = 0x80, [10] = 0, [11] = 0 };
            }

            /// <summary>Where each record's data length is: the fuzz sets some of them to extremes.</summary>
            public List<int> DataLengths { get; } = new List<int>();
            public int Count => bytes.Count;

            public static byte[] Name(string name) =>
                name.Split('.').SelectMany(label => new[] { (byte)label.Length }.Concat(Encoding.ASCII.GetBytes(label))).Append((byte)0).ToArray();

            public static byte[] Pointer(int at) => new[] { (byte)(0xC0 | (at >> 8)), (byte)at };

            public Message Add(int section, byte[] owner, DnsRecordType type, params byte[][] data)
            {
                counts[section]++;
                bytes.AddRange(owner);
                var length = data.Sum(d => d.Length);
                bytes.AddRange(new byte[] { (byte)((int)type >> 8), (byte)type, 0, 1, 0, 0, 0x0E, 0x10 }); // IN, TTL 3600
                DataLengths.Add(bytes.Count);
                bytes.Add((byte)(length >> 8));
                bytes.Add((byte)length);
                foreach (var piece in data)
                    bytes.AddRange(piece);
                return this;
            }

            public byte[] ToArray()
            {
                var message = bytes.ToArray();
                for (var section = 0; section < 3; section++)
                    message[7 + 2 * section] = (byte)counts[section];
                return message;
            }
        }

        private static byte[] Query(string name = Question, DnsRecordType type = DnsRecordType.A) =>
            DnsWire.Query(name, type, 0x1234, true, false);

        private static byte[] U16(int value) => new[] { (byte)(value >> 8), (byte)value };

        /// <summary>An answer with every record kind the reader knows, one it does not, escapes, and names compressed at every depth.</summary>
        private static (byte[] Query, byte[] Answer, List<int> DataLengths) EveryKind()
        {
            var query = Query();
            var message = new Message(query);
            var question = Message.Pointer(12);
            message.Add(0, question, DnsRecordType.CNAME, Message.Name("web.example.test"));
            var web = Message.Pointer(message.Count - 18); // "web.example.test" just written
            message.Add(0, web, DnsRecordType.A, new byte[] { 192, 0, 2, 1 })
                .Add(0, web, DnsRecordType.AAAA, IPAddress.Parse("2001:db8::1").GetAddressBytes())
                .Add(0, Message.Pointer(16), DnsRecordType.MX, U16(10), new[] { (byte)4 }, Encoding.ASCII.GetBytes("mail"), Message.Pointer(16))
                .Add(0, Message.Pointer(16), DnsRecordType.SRV, U16(1), U16(5), U16(993), Message.Pointer(16))
                .Add(0, Message.Pointer(16), DnsRecordType.TXT, new byte[] { 5 }, Encoding.ASCII.GetBytes("a \"b\""), new byte[] { 0 })
                .Add(0, Message.Pointer(16), DnsRecordType.CAA, new byte[] { 128, 5 }, Encoding.ASCII.GetBytes("issueca.example.net"))
                .Add(0, Message.Pointer(16), DnsRecordType.DS, U16(12345), new byte[] { 13, 2, 0xAB, 0xCD })
                .Add(0, Message.Pointer(16), DnsRecordType.DNSKEY, U16(257), new byte[] { 3, 13, 1, 2, 3 })
                .Add(0, Message.Pointer(16), DnsRecordType.TLSA, new byte[] { 3, 1, 1, 0xFF })
                .Add(0, new byte[] { 3, (byte)'a', (byte)'.', (byte)'b' }.Concat(Message.Pointer(16)).ToArray(), DnsRecordType.PTR, Message.Pointer(16))
                .Add(1, Message.Pointer(16), DnsRecordType.NS, new[] { (byte)3 }, Encoding.ASCII.GetBytes("ns1"), Message.Pointer(16))
                .Add(1, Message.Pointer(16), DnsRecordType.SOA, Message.Pointer(16), Message.Name("hostmaster"), U16(0), U16(1), new byte[16])
                .Add(2, new byte[] { 0 }, (DnsRecordType)41, Array.Empty<byte>());
            return (query, message.ToArray(), message.DataLengths);
        }

        [Fact]
        public void EveryKindOfRecordIsRead()
        {
            var (query, answer, _) = EveryKind();
            var response = DnsWire.Read(answer, answer.Length, query, Question, DnsRecordType.A, "peer:53", TimeSpan.Zero);

            Assert.Equal(11, response.Answers.Count);
            Assert.Equal(2, response.Authorities.Count);
            Assert.Empty(response.Additionals); // the OPT record is the header's, not a record
            Assert.Equal("www.example.test 3600 IN CNAME web.example.test", response.Answers[0].ToString());
            Assert.Equal("web.example.test", response.Answers[1].Name);
            Assert.Equal("192.0.2.1", ((DnsARecord)response.Answers[1]).Address);
            Assert.Equal("2001:db8::1", ((DnsAaaaRecord)response.Answers[2]).Address);
            Assert.Equal("mail.example.test", ((DnsMxRecord)response.Answers[3]).Exchange);
            Assert.Equal(993, ((DnsSrvRecord)response.Answers[4]).Port);
            var txt = (DnsTxtRecord)response.Answers[5];
            Assert.Equal(new[] { "a \"b\"", "" }, txt.GetStrings());
            Assert.Equal("\"a \\\"b\\\"\" \"\"", txt.Data);
            var caa = (DnsCaaRecord)response.Answers[6];
            Assert.True(caa.IsCritical);
            Assert.Equal(("issue", "ca.example.net"), (caa.Tag, caa.Value));
            Assert.Equal("ABCD", ((DnsDsRecord)response.Answers[7]).Digest);
            Assert.Equal(Convert.ToBase64String(new byte[] { 1, 2, 3 }), ((DnsDnskeyRecord)response.Answers[8]).PublicKey);
            var other = Assert.IsType<DnsOtherRecord>(response.Answers[9]);
            Assert.Equal(DnsRecordType.TLSA, other.Type);
            Assert.Equal(@"\# 4 030101FF", other.Data);
            Assert.Equal(@"a\.b.example.test", response.Answers[10].Name);
            Assert.Equal("ns1.example.test", ((DnsNsRecord)response.Authorities[0]).NameHost);
            Assert.Equal("hostmaster", ((DnsSoaRecord)response.Authorities[1]).ResponsiblePerson);

            // The batch loop leaves what is not the everyday types in plain names to DnsClient.
            Assert.Null(DnsWire.Answer(answer, answer.Length, query, Question, DnsRecordType.A, "peer:53", TimeSpan.Zero));
        }

        [Theory]
        [InlineData("a forward pointer", 1)]
        [InlineData("a pointer to itself", 2)]
        [InlineData("more records claimed than there are", 3)]
        [InlineData("a data length past the end", 4)]
        [InlineData("a name longer than 255 bytes", 5)]
        [InlineData("an answer to another question", 6)]
        [InlineData("bytes after the last record", 7)]
        public void MalformedAnswersAreViolations(string what, int kind)
        {
            var query = Query();
            var message = new Message(query);
            switch (kind)
            {
                case 1: message.Add(0, Message.Pointer(200), DnsRecordType.A, new byte[4]); break;
                case 2: message.Add(0, Message.Pointer(message.Count), DnsRecordType.A, new byte[4]); break;
                case 3: message.Add(0, Message.Pointer(12), DnsRecordType.A, new byte[4]); break;
                case 4: message.Add(0, Message.Pointer(12), DnsRecordType.A, new byte[4]); break;
                case 5: message.Add(0, Message.Pointer(12), DnsRecordType.CNAME, Enumerable.Repeat(Message.Name(new string('x', 63)), 4).SelectMany(n => n.Take(64)).Append((byte)0).ToArray()); break;
                case 6: message = new Message(Query("other.example.test")).Add(0, Message.Pointer(12), DnsRecordType.A, new byte[4]); break;
                default: message.Add(0, Message.Pointer(12), DnsRecordType.A, new byte[4]); break;
            }
            var answer = message.ToArray();
            if (kind == 3)
                answer[7] = 0xFF;
            if (kind == 4)
                answer[message.DataLengths[0] + 1] = 200;
            if (kind == 7)
                answer = answer.Append((byte)0).ToArray();
            var error = Assert.Throws<ProtocolViolationException>(() => DnsWire.Read(answer, answer.Length, query, Question, DnsRecordType.A, "peer:53", TimeSpan.Zero));
            Assert.Contains(kind == 6 ? "another question" : "malformed", error.Message);
            Assert.True(error.Message.Length < 300, $"{what}: {error.Message}");
            Assert.Null(DnsWire.Answer(answer, answer.Length, query, Question, DnsRecordType.A, "peer:53", TimeSpan.Zero));
        }

        [Fact]
        public void BytesBeyondTheMessageAreNeverRead()
        {
            // The batch loop reads answers out of one 64 KiB buffer: what lies past an answer is an earlier answer's. A
            // CNAME pointing back at its own TTL, whose last byte (16) reads as a label running past the message, must not
            // be spelled from those bytes.
            var query = Query();
            var message = new Message(query);
            var ttlLastByte = message.Count + 2 + 2 + 2 + 3; // after the owner's pointer, type, class
            var answer = message.Add(0, Message.Pointer(12), DnsRecordType.CNAME, Message.Pointer(ttlLastByte)).ToArray();
            var buffer = new byte[answer.Length + 64];
            answer.CopyTo(buffer, 0);
            for (var i = answer.Length; i < buffer.Length; i++)
                buffer[i] = (byte)'s';
            var error = Assert.Throws<ProtocolViolationException>(() => DnsWire.Read(buffer, answer.Length, query, Question, DnsRecordType.A, "peer:53", TimeSpan.Zero));
            Assert.Contains("runs past", error.Message);
        }

        [Theory]
        [InlineData("www.example.test.", new byte[] { 3, 119, 119, 119, 7, 101, 120, 97, 109, 112, 108, 101, 4, 116, 101, 115, 116, 0 })]
        [InlineData(@"a\.b\092\065.test", new byte[] { 5, 97, 46, 98, 92, 65, 4, 116, 101, 115, 116, 0 })]
        [InlineData(".", new byte[] { 0 })]
        public void QueriesSpellNamesAsZoneFilesWriteThem(string name, byte[] wire)
        {
            var query = DnsWire.Query(name, DnsRecordType.TXT, 7, true, true);
            Assert.Equal(wire, query.Skip(12).Take(wire.Length));
            Assert.Equal(new byte[] { 0, 16, 0, 1 }, query.Skip(12 + wire.Length).Take(4));
        }

        [Theory]
        [InlineData("a..b")]
        [InlineData(@"a\256.b")]
        public void NamesThatCannotBeSentAreRefused(string name)
        {
            Assert.Throws<ArgumentException>(() => DnsWire.Query(name, DnsRecordType.A, 7, true, false));
            Assert.Throws<ArgumentException>(() => DnsWire.Query(new string('a', 64) + ".test", DnsRecordType.A, 7, true, false));
            Assert.Throws<ArgumentException>(() => DnsWire.Query(string.Join(".", Enumerable.Repeat(new string('a', 63), 5)), DnsRecordType.A, 7, true, false));
        }

        /// <summary>BIND's answers to the questions of the repository's zones, as they came over UDP (or TCP when truncated).</summary>
        private List<(byte[] Query, byte[] Answer, string Name, DnsRecordType Type)> CaptureFromBind()
        {
            var questions = new (string, DnsRecordType)[]
            {
                ("example.test", DnsRecordType.MX), ("example.test", DnsRecordType.SOA), ("example.test", DnsRecordType.ANY),
                ("alias.example.test", DnsRecordType.A), ("_imaps._tcp.example.test", DnsRecordType.SRV), ("example.test", DnsRecordType.CAA),
                ("example.test", DnsRecordType.DNSKEY), ("secure.example.test", DnsRecordType.DS), ("nothere.example.test", DnsRecordType.A),
                ("21.0.0.127.in-addr.arpa", DnsRecordType.PTR), ("long.example.test", DnsRecordType.TXT),
            };
            var captured = new List<(byte[], byte[], string, DnsRecordType)>();
            using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            udp.Client.ReceiveTimeout = 2000;
            foreach (var (name, type) in questions)
            {
                var query = DnsWire.Query(name, type, (ushort)captured.Count, true, false);
                udp.Send(query, query.Length, new IPEndPoint(IPAddress.Loopback, bind.Port));
                IPEndPoint? from = null;
                var answer = udp.Receive(ref from);
                if ((answer[2] & 0x02) != 0)
                {
                    using var tcp = new TcpClient();
                    tcp.Connect(IPAddress.Loopback, bind.Port);
                    var stream = tcp.GetStream();
                    stream.Write(U16(query.Length).Concat(query).ToArray());
                    var length = new byte[2];
                    stream.ReadExactly(length);
                    answer = new byte[(length[0] << 8) | length[1]];
                    stream.ReadExactly(answer);
                }
                captured.Add((query, answer, name, type));
            }
            return captured;
        }

        [Fact]
        public void BindsAnswersAreReadWhole()
        {
            foreach (var (query, answer, name, type) in CaptureFromBind())
            {
                var response = DnsWire.Read(answer, answer.Length, query, name, type, bind.Server, TimeSpan.Zero);
                Assert.Equal(answer.Length, response.MessageSize);
                Assert.True(response.Answers.Count + response.Authorities.Count > 0, $"{name} {type}");
            }
        }

        /// <summary>
        /// Random mutations of real answers — bit flips, bytes set to values that mean something in a name or a count,
        /// insertions, deletions, truncation, counts and data lengths set to extremes — each read whole and by the batch
        /// loop's reader: the only outcomes are a response or a ProtocolViolationException (null for the batch loop),
        /// never another exception, never a hang. A fixed seed makes a failure repeatable.
        /// </summary>
        [Fact]
        public void FuzzedAnswersEndInAResponseOrAProtocolViolation()
        {
            const int cases = 20000;
            var seeds = new List<(byte[] Query, byte[] Answer, string Name, DnsRecordType Type, List<int> DataLengths)>();
            var every = EveryKind();
            seeds.Add((every.Query, every.Answer, Question, DnsRecordType.A, every.DataLengths));
            seeds.AddRange(CaptureFromBind().Select(c => (c.Query, c.Answer, c.Name, c.Type, new List<int>())));
            var interesting = new byte[] { 0, 1, 12, 0x3F, 0x40, 0x7F, 0x80, 0xC0, 0xFF };
            var random = new Random(16);
            var outcomes = new int[3]; // read whole, violation, read by the batch loop
            var run = Task.Run(() =>
            {
                for (var n = 0; n < cases; n++)
                {
                    var seed = seeds[random.Next(seeds.Count)];
                    var input = new List<byte>(seed.Answer);
                    var mutations = random.Next(1, 6);
                    for (var m = 0; m < mutations && input.Count > 0; m++)
                    {
                        var at = random.Next(input.Count);
                        var value = random.Next(2) == 0 ? interesting[random.Next(interesting.Length)] : (byte)random.Next(256);
                        switch (random.Next(7))
                        {
                            case 0: input[at] ^= (byte)(1 << random.Next(8)); break;
                            case 1: input[at] = value; break;
                            case 2: input.Insert(at, value); break;
                            case 3: input.RemoveAt(at); break;
                            case 4: input.RemoveRange(at, input.Count - at); break;
                            case 5: // a section count set to an extreme
                                var count = 4 + 2 * random.Next(4);
                                if (count + 1 < input.Count)
                                    (input[count], input[count + 1]) = random.Next(2) == 0 ? ((byte)0xFF, (byte)0xFF) : ((byte)0, (byte)random.Next(3));
                                break;
                            default: // a data length set to an extreme (where the seed has one, else anywhere)
                                var length = seed.DataLengths.Count > 0 ? seed.DataLengths[random.Next(seed.DataLengths.Count)] : at;
                                if (length + 1 < input.Count)
                                    (input[length], input[length + 1]) = random.Next(2) == 0 ? ((byte)0xFF, (byte)0xFF) : ((byte)0, (byte)random.Next(3));
                                break;
                        }
                    }
                    var bytes = input.ToArray();
                    try
                    {
                        var response = DnsWire.Read(bytes, bytes.Length, seed.Query, seed.Name, seed.Type, "peer:53", TimeSpan.Zero);
                        var records = response.Answers.Count + response.Authorities.Count + response.Additionals.Count;
                        Assert.True(records <= bytes.Length / 11, $"{records} records from {bytes.Length} bytes");
                        outcomes[0]++;
                    }
                    catch (ProtocolViolationException e)
                    {
                        Assert.True(e.Message.Length < 400, e.Message);
                        outcomes[1]++;
                    }
                    // A mutation of the ID is the caller's to see; the batch loop's reader takes what it is given.
                    if (DnsWire.Answer(bytes, bytes.Length, seed.Query, seed.Name, seed.Type, "peer:53", TimeSpan.Zero) != null)
                        outcomes[2]++;
                }
            });
            Assert.True(run.Wait(TimeSpan.FromSeconds(60)), "the fuzz run did not end within 60 s: a case hangs");
            run.GetAwaiter().GetResult(); // any exception other than a violation fails here, with its case's stack
            Assert.True(outcomes[0] > 0 && outcomes[1] > 0 && outcomes[2] > 0, $"outcomes {string.Join("/", outcomes)}: the mutations miss a kind");
        }
    }
}
