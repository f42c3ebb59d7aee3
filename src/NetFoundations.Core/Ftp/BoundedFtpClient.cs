using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using FluentFTP;
using FluentFTP.Client.BaseClient;
using FluentFTP.Helpers;

namespace NetFoundations.Core.Ftp
{
    /// <summary>
    /// FluentFTP's client with what Core needs beneath it: the control connection's socket (to end any wait at a
    /// deadline), the greeting, a raw data connection for a listing that Core reads itself (bounded), and the parser.
    /// </summary>
    internal sealed class BoundedFtpClient : AsyncFtpClient
    {
        private readonly string address;
        private readonly long maxReplyBytes;
        private BoundedControlStream? control;

        /// <param name="host">The server's name: TLS sends it (SNI), and the TLS session is reused on the data connections by it.</param>
        /// <param name="address">Where every connection goes, control and data (Endpoints.AddressesAsync resolved it once).</param>
        /// <param name="maxReplyBytes">What the server may send on the control connection in answer to one command.</param>
        public BoundedFtpClient(string host, string address, NetworkCredential credential, int port, FtpConfig config, IFtpLogger logger, long maxReplyBytes)
            : base(host, credential, port, config, logger)
        {
            this.address = address;
            this.maxReplyBytes = maxReplyBytes;
        }

        /// <summary>The bound the server broke on the control connection, if it broke one (FluentFTP may report it otherwise).</summary>
        public ProtocolViolationException? Violation => control?.Violation;

        /// <summary>
        /// Connects and logs in, on a control connection whose replies are bounded (BoundedControlStream): FluentFTP
        /// reads a reply line by line without a limit. validate checks the certificate of the control connection; the
        /// data connections' certificates reach the client's ValidateCertificate event, as FluentFTP makes them.
        /// </summary>
        public Task ConnectBoundedAsync(Action<FtpSslValidationEventArgs> validate, CancellationToken token)
        {
            control = new BoundedControlStream(this, maxReplyBytes, Host);
            control.ValidateCertificate += (_, e) => validate(e);
            // FluentFTP makes its own control stream only when it has none.
            m_stream = control;
            return Connect(token);
        }

        /// <summary>The control connection goes to the address resolved once, not to the name (FluentFTP would resolve it again).</summary>
        protected override Task ConnectAsync(FtpSocketStream stream, CancellationToken token) =>
            stream.ConnectAsync(address, Port, Config.InternetProtocolVersions, token);

        /// <summary>
        /// Connects the control connection and every data connection to the address the session connected to: the name is
        /// never resolved again, and the address in a PASV reply is not followed (as curl does by default), so a reply
        /// cannot send the data connection elsewhere.
        /// </summary>
        protected override Task ConnectAsync(FtpSocketStream stream, string host, int port, FtpIpVersion ipVersions, CancellationToken token) =>
            base.ConnectAsync(stream, address, port, ipVersions, token);

        /// <summary>The server's greeting (the 220 reply), without its code.</summary>
        public string Banner
        {
            get
            {
                var reply = HandshakeReply;
                var info = reply.InfoMessages?.Trim();
                return string.IsNullOrEmpty(info) ? reply.Message ?? string.Empty : info + "\n" + reply.Message;
            }
        }

        /// <summary>The parser FluentFTP chose for this server's listings (set up once connected).</summary>
        public FtpListParser Parser => CurrentListParser;

        /// <summary>Opens the data connection for a listing command (MLSD, LIST) and returns it once the server said 150.</summary>
        public async Task<Stream> OpenListingAsync(string command, CancellationToken token) =>
            await OpenDataStreamAsync(command, 0, token).ConfigureAwait(false);

        /// <summary>
        /// Runs after the greeting and TLS, before USER/PASS (Test-FtpServer reads FEAT there, and ends Connect by
        /// throwing when it stops before the login: FluentFTP's Connect goes on with commands a server refuses before it).
        /// </summary>
        public Func<CancellationToken, Task>? BeforeLogin { get; set; }

        protected override async Task Authenticate(CancellationToken token)
        {
            if (BeforeLogin != null)
                await BeforeLogin(token).ConfigureAwait(false);
            try
            {
                await base.Authenticate(token).ConfigureAwait(false);
            }
            finally
            {
                LoginReply = LastReply;
            }
        }

        /// <summary>The server's last reply to the login (230 …, 530 …).</summary>
        public FtpReply LoginReply { get; private set; }

        /// <summary>Shuts the control connection's socket down both ways, so that every wait on it ends at once; never throws.</summary>
        public void ShutdownControl() => FtpNetSocket.Shutdown(m_stream);
    }

    /// <summary>
    /// The control connection's stream: it counts what the server sends between two commands, and past the bound the
    /// connection is shut down and the read fails with a ProtocolViolation that names it. FluentFTP reads replies a byte
    /// at a time through ReadAsync/Read, and writes each command through WriteAsync/Write, which start the count again.
    /// A byte at a time from the socket cost a receive call, a timer and a linked token each (FluentFTP's ReadAsync), some
    /// 170 per file of a tree: so the stream reads what the socket holds (up to ReadAhead bytes) at once and hands
    /// FluentFTP its bytes from there. Replies come only after commands, so nothing is held when a command goes out,
    /// nor when AUTH TLS's 234 hands the socket to TLS (the server then waits for the client's hello).
    /// </summary>
    internal sealed class BoundedControlStream : FtpSocketStream
    {
        private const int ReadAhead = 4096;
        private readonly long limit;
        private readonly string target;
        private readonly byte[] ahead = new byte[ReadAhead];
        private int aheadStart;
        private int aheadEnd;
        private long received;

        public BoundedControlStream(BaseFtpClient client, long limit, string target) : base(client)
        {
            this.limit = limit;
            this.target = target;
        }

        public ProtocolViolationException? Violation { get; private set; }

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken token)
        {
            if (aheadStart == aheadEnd && count > 0)
            {
                aheadStart = 0;
                aheadEnd = 0;
                aheadEnd = await base.ReadAsync(ahead, 0, ReadAhead, token).ConfigureAwait(false);
            }
            return Take(buffer, offset, count);
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (aheadStart == aheadEnd && count > 0)
            {
                aheadStart = 0;
                aheadEnd = 0;
                aheadEnd = base.Read(ahead, 0, ReadAhead);
            }
            return Take(buffer, offset, count);
        }

#if NET5_0_OR_GREATER
        // FluentFTP reads replies through the overloads above; these keep any other read in the same order.
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken token)
        {
            var bytes = new byte[buffer.Length];
            var read = await ReadAsync(bytes, 0, bytes.Length, token).ConfigureAwait(false);
            bytes.AsMemory(0, read).CopyTo(buffer);
            return read;
        }

        public override int Read(Span<byte> buffer)
        {
            var bytes = new byte[buffer.Length];
            var read = Read(bytes, 0, bytes.Length);
            bytes.AsSpan(0, read).CopyTo(buffer);
            return read;
        }
#endif

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken token)
        {
            NewCommand();
            return base.WriteAsync(buffer, offset, count, token);
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            NewCommand();
            base.Write(buffer, offset, count);
        }

        /// <summary>
        /// A command goes out: its reply's count starts. Bytes still held were sent before it and answer nothing asked
        /// (FluentFTP drops such stale data from the socket before a command the same way).
        /// </summary>
        private void NewCommand()
        {
            received = 0;
            aheadStart = aheadEnd = 0;
        }

        private int Take(byte[] buffer, int offset, int count)
        {
            var read = Math.Min(count, aheadEnd - aheadStart);
            if (read <= 0)
                return 0;
            Buffer.BlockCopy(ahead, aheadStart, buffer, offset, read);
            aheadStart += read;
            return Count(read);
        }

        private int Count(int read)
        {
            received += read;
            if (received > limit)
            {
                Violation ??= new ProtocolViolationException($"{target} sent more than {limit:N0} bytes on the control connection in answer to one command.", target);
                FtpNetSocket.Shutdown(this);
                throw Violation;
            }
            return read;
        }
    }

    /// <summary>
    /// Reaches the socket beneath a FluentFTP stream, which FluentFTP 54.2.0 keeps internal (FtpSocketStream.Socket),
    /// by its name: a shutdown needs no lock, so it ends a read or a send that a frozen server holds, whether or not
    /// FluentFTP watches its token there. FtpNetSocketTests pins the name, so an upgrade that changes it fails a test.
    /// </summary>
    internal static class FtpNetSocket
    {
        private static readonly PropertyInfo? SocketProperty =
            typeof(FtpSocketStream).GetProperty("Socket", BindingFlags.NonPublic | BindingFlags.Instance);

        internal static bool Reachable => SocketProperty != null;

        internal static Socket? Of(Stream? stream) =>
            stream is FtpSocketStream ftp ? SocketProperty?.GetValue(ftp) as Socket : null;

        public static void Shutdown(Stream? stream)
        {
            try
            {
                Of(stream)?.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException || e is ObjectDisposedException || e is TargetInvocationException)
            {
            }
        }
    }
}
