using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Tests.Dns
{
    /// <summary>What the broken server answers.</summary>
    public enum BrokenAnswer
    {
        Silence,
        TruncatedPacket,
        CompressionLoop,
        WrongId,
        CnameLoop,
        Garbage,
        /// <summary>A well-formed answer of 300 A records: 4,800 bytes, more than the 4,096 the query offers.</summary>
        Oversized,
        /// <summary>A header claiming 65,535 answers (and as many in the other sections) before a single record.</summary>
        CountsBeyondData,
        /// <summary>A well-formed answer with the query's ID, to another question (other.test).</summary>
        OtherQuestion,
        /// <summary>After 300 ms, a CNAME from the name asked to x.(that name): a chain that goes on, slowly, within each try.</summary>
        SlowCnameChain,
        /// <summary>No answer, but for 5 s (or until the server stops) datagrams of random bytes and answers with wrong IDs.</summary>
        GarbageFlood,
        // The TCP cases: over UDP the answer is truncated (TC), so a client asks again over TCP, where the server:
        /// <summary>reads the query and closes the connection without a byte.</summary>
        TcpClosed,
        /// <summary>sends the length of a whole answer and half of it, then closes.</summary>
        TcpCutShort,
        /// <summary>sends a length prefix of 65,535 and closes.</summary>
        TcpHugeLengthThenClose,
        /// <summary>sends a length prefix of 65,535 and nothing more, keeping the connection open.</summary>
        TcpHugeLengthThenStall,
        /// <summary>sends a whole answer one byte every 200 ms.</summary>
        TcpTrickle,
        /// <summary>sends whole answers (of 300 A records) back to back until the client goes.</summary>
        TcpEndlessAnswers,
        /// <summary>reads the query and never answers, keeping the connection open.</summary>
        TcpSilence,
    }

    /// <summary>
    /// An in-process "DNS server" on 127.0.0.1, UDP and TCP on one port, that answers every query
    /// wrongly on purpose: hostile peers are the point here, so no real server stands in for it.
    /// </summary>
    public sealed class BrokenDnsServer : IDisposable
    {
        private readonly UdpClient udp;
        private readonly TcpListener tcp;
        private readonly CancellationTokenSource stop = new CancellationTokenSource();
        private readonly Task udpLoop;
        private readonly Task tcpLoop;
        private int queries;
        private byte[]? lastQuery;

        public BrokenDnsServer(BrokenAnswer answer)
        {
            Answer = answer;
            (udp, tcp) = BindBoth();
            udpLoop = Task.Run(ServeUdpAsync);
            tcpLoop = Task.Run(ServeTcpAsync);
        }

        public BrokenAnswer Answer { get; }
        public int Port => ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        public string Server => $"127.0.0.1:{Port}";
        /// <summary>Queries received, over UDP and TCP.</summary>
        public int Queries => Volatile.Read(ref queries);
        /// <summary>The last query received over UDP, as it came.</summary>
        public byte[]? LastQuery => Volatile.Read(ref lastQuery);

        /// <summary>
        /// Waits (at most 5 s) until count queries have been read: a client's query is in the socket when
        /// the client gives up, but under load the server's receiving task may not have read it yet.
        /// </summary>
        public async Task WaitForQueries(int count)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            while (Queries < count && DateTime.UtcNow < deadline)
                await Task.Delay(10);
        }

        private static (UdpClient, TcpListener) BindBoth()
        {
            for (var attempt = 0; ; attempt++)
            {
                var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
                var tcp = new TcpListener(IPAddress.Loopback, ((IPEndPoint)udp.Client.LocalEndPoint!).Port);
                try
                {
                    tcp.Start();
                    return (udp, tcp);
                }
                catch (SocketException) when (attempt < 20)
                {
                    udp.Dispose();
                }
            }
        }

        private async Task ServeUdpAsync()
        {
            using var registration = stop.Token.Register(() => udp.Dispose());
            while (!stop.IsCancellationRequested)
            {
                UdpReceiveResult query;
                try { query = await udp.ReceiveAsync(); }
                catch (Exception) when (stop.IsCancellationRequested) { return; }
                Interlocked.Increment(ref queries);
                Volatile.Write(ref lastQuery, query.Buffer);
                if (Answer == BrokenAnswer.GarbageFlood)
                    _ = Task.Run(() => FloodAsync(query.Buffer, query.RemoteEndPoint));
                var reply = Answer >= BrokenAnswer.TcpClosed ? Truncated(query.Buffer) : Reply(query.Buffer);
                if (reply != null && Answer == BrokenAnswer.SlowCnameChain)
                {
                    var to = query.RemoteEndPoint;
                    _ = Task.Run(async () =>
                    {
                        try
                        {
                            await Task.Delay(300, stop.Token);
                            await udp.SendAsync(reply, reply.Length, to);
                        }
                        catch (Exception) { /* the server stopped */ }
                    });
                }
                else if (reply != null)
                    await udp.SendAsync(reply, reply.Length, query.RemoteEndPoint);
            }
        }

        private async Task ServeTcpAsync()
        {
            using var registration = stop.Token.Register(() => tcp.Stop());
            var connections = new List<TcpClient>();
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var client = await tcp.AcceptTcpClientAsync();
                    connections.Add(client);
                    _ = Task.Run(() => AnswerTcpAsync(client));
                }
            }
            catch (Exception) when (stop.IsCancellationRequested) { }
            finally
            {
                foreach (var client in connections)
                    client.Dispose();
            }
        }

        // DnsClient keeps a TCP connection to a server for its next queries, as servers allow (RFC 7766):
        // the connection is served until the client closes it.
        private async Task AnswerTcpAsync(TcpClient client)
        {
            try
            {
                var stream = client.GetStream();
                var length = new byte[2];
                while (true)
                {
                    await stream.ReadExactlyAsync(length, stop.Token);
                    var query = new byte[length[0] << 8 | length[1]];
                    await stream.ReadExactlyAsync(query, stop.Token);
                    Interlocked.Increment(ref queries);
                    if (Answer >= BrokenAnswer.TcpClosed)
                    {
                        await MisbehaveAsync(stream, query);
                        client.Dispose();
                        return;
                    }
                    var reply = Reply(query);
                    if (reply == null)
                        continue; // silence: the connection stays open until the server stops
                    await stream.WriteAsync(new[] { (byte)(reply.Length >> 8), (byte)reply.Length }, stop.Token);
                    await stream.WriteAsync(reply, stop.Token);
                }
            }
            catch (Exception) { /* the client gave up or closed, or the server stopped */ }
        }

        private async Task FloodAsync(byte[] query, IPEndPoint client)
        {
            var random = new Random(53);
            var wrongId = Answers(query, 1);
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            try
            {
                while (!stop.IsCancellationRequested && DateTime.UtcNow < until)
                {
                    // Bursts with a breath between them: a flood, without taking a shared core for itself.
                    for (var i = 0; i < 50; i++)
                    {
                        byte[] datagram;
                        if (i % 2 == 0)
                        {
                            datagram = new byte[random.Next(1, 600)];
                            random.NextBytes(datagram);
                        }
                        else
                        {
                            datagram = (byte[])wrongId.Clone();
                            datagram[0] ^= (byte)random.Next(1, 256);
                        }
                        await udp.SendAsync(datagram, datagram.Length, client);
                    }
                    await Task.Delay(1, stop.Token);
                }
            }
            catch (Exception) { /* the server stopped */ }
        }

        /// <summary>What the TCP cases do with a query: the connection is closed when this returns.</summary>
        private async Task MisbehaveAsync(NetworkStream stream, byte[] query)
        {
            var whole = Answers(query, 300);
            var prefixed = new byte[whole.Length + 2];
            prefixed[0] = (byte)(whole.Length >> 8);
            prefixed[1] = (byte)whole.Length;
            whole.CopyTo(prefixed, 2);
            switch (Answer)
            {
                case BrokenAnswer.TcpCutShort:
                    await stream.WriteAsync(prefixed.AsMemory(0, 2 + whole.Length / 2), stop.Token);
                    break;
                case BrokenAnswer.TcpHugeLengthThenClose:
                    await stream.WriteAsync(new byte[] { 0xFF, 0xFF }, stop.Token);
                    break;
                case BrokenAnswer.TcpHugeLengthThenStall:
                    await stream.WriteAsync(new byte[] { 0xFF, 0xFF }, stop.Token);
                    await Task.Delay(Timeout.Infinite, stop.Token);
                    break;
                case BrokenAnswer.TcpTrickle:
                    foreach (var b in prefixed)
                    {
                        await stream.WriteAsync(new[] { b }, stop.Token);
                        await Task.Delay(200, stop.Token);
                    }
                    break;
                case BrokenAnswer.TcpEndlessAnswers:
                    while (true)
                        await stream.WriteAsync(prefixed, stop.Token);
                case BrokenAnswer.TcpSilence:
                    await Task.Delay(Timeout.Infinite, stop.Token);
                    break;
            }
        }

        /// <summary>The question back with the TC flag and no records: "ask again over TCP".</summary>
        private static byte[] Truncated(byte[] query)
        {
            var reply = Question(query);
            reply[2] = 0x83; // QR, TC, RD
            return reply.ToArray();
        }

        /// <summary>A well-formed answer of count A records (16 bytes each).</summary>
        private static byte[] Answers(byte[] query, int count)
        {
            var reply = Question(query);
            reply[6] = (byte)(count >> 8);
            reply[7] = (byte)count;
            for (var i = 0; i < count; i++)
                reply.AddRange(new byte[] { 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 1, (byte)(i >> 8), (byte)i });
            return reply.ToArray();
        }

        /// <summary>The query's header and question as the start of a reply: QR, RD, RA, NOERROR, no records.</summary>
        private static List<byte> Question(byte[] query)
        {
            var questionEnd = 12;
            while (query[questionEnd] != 0)
                questionEnd += query[questionEnd] + 1;
            questionEnd += 5; // root label, type, class
            var reply = new List<byte>(query[..questionEnd]);
            reply[2] = 0x81; // QR, RD
            reply[3] = 0x80; // RA, NOERROR
            reply[10] = 0; reply[11] = 0; // no additional (drop the query's OPT)
            return reply;
        }

        private byte[]? Reply(byte[] query)
        {
            var reply = Question(query);
            switch (Answer)
            {
                case BrokenAnswer.Silence:
                    return null;
                case BrokenAnswer.Garbage:
                    return new byte[] { 0x13, 0x37, 0xFF };
                case BrokenAnswer.WrongId:
                    reply[0] ^= 0xFF;
                    reply[1] ^= 0xFF;
                    reply[7] = 1;
                    reply.AddRange(new byte[] { 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 99 });
                    return reply.ToArray();
                case BrokenAnswer.TruncatedPacket:
                    reply[7] = 1; // claims one answer
                    reply.AddRange(new byte[] { 0xC0, 12, 0, 1, 0, 1, 0, 0 }); // and stops in the middle of it
                    return reply.ToArray();
                case BrokenAnswer.CompressionLoop:
                    reply[7] = 1;
                    var self = reply.Count;
                    reply.AddRange(new byte[] { (byte)(0xC0 | (self >> 8)), (byte)self, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 99 });
                    return reply.ToArray();
                case BrokenAnswer.CnameLoop:
                    // a.broken. CNAME b.broken. and b.broken. CNAME a.broken., whatever was asked
                    reply[7] = 2;
                    reply.AddRange(Cname("a", "b"));
                    reply.AddRange(Cname("b", "a"));
                    return reply.ToArray();
                case BrokenAnswer.Oversized:
                    return Answers(query, 300);
                case BrokenAnswer.SlowCnameChain:
                    reply[7] = 1;
                    reply.AddRange(new byte[] { 0xC0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 4, 1, (byte)'x', 0xC0, 12 });
                    return reply.ToArray();
                case BrokenAnswer.CountsBeyondData:
                    var counted = Answers(query, 1);
                    for (var i = 6; i < 12; i++)
                        counted[i] = 0xFF;
                    return counted;
                case BrokenAnswer.OtherQuestion:
                    var other = new List<byte>(query[..12]) { 5, (byte)'o', (byte)'t', (byte)'h', (byte)'e', (byte)'r', 4, (byte)'t', (byte)'e', (byte)'s', (byte)'t', 0, 0, 1, 0, 1 };
                    other[2] = 0x81;
                    other[3] = 0x80;
                    other[7] = 1;
                    other[10] = 0; other[11] = 0;
                    other.AddRange(new byte[] { 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 99 });
                    return other.ToArray();
                default:
                    return null;
            }
        }

        private static byte[] Cname(string from, string to)
        {
            var record = new List<byte>();
            record.AddRange(Name(from));
            record.AddRange(new byte[] { 0, 5, 0, 1, 0, 0, 0, 60 });
            var data = Name(to);
            record.Add(0);
            record.Add((byte)data.Length);
            record.AddRange(data);
            return record.ToArray();
        }

        private static byte[] Name(string label) =>
            new byte[] { (byte)label.Length, (byte)label[0], 6, (byte)'b', (byte)'r', (byte)'o', (byte)'k', (byte)'e', (byte)'n', 0 };

        public void Dispose()
        {
            stop.Cancel();
            try { Task.WaitAll(new[] { udpLoop, tcpLoop }, 2000); } catch (AggregateException) { }
            stop.Dispose();
        }
    }
}
