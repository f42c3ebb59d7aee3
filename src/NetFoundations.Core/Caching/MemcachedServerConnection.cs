using System;
using System.Globalization;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Caching
{
    /// <summary>
    /// One server's connection, opened when first needed and again after it failed. One exchange at a time; each
    /// bounds what it reads: a reply line at MaxLineBytes, a value at the client's MaxValueBytes. A cancelled
    /// exchange closes the socket (that ends a blocked read), and any failure leaves the connection closed, as what
    /// is still in flight is unknown.
    /// </summary>
    internal sealed class MemcachedServerConnection : IDisposable
    {
        /// <summary>The longest reply line taken: a VALUE line is at most about 300 bytes, a STAT line far less.</summary>
        public const int MaxLineBytes = 4096;
        private readonly SemaphoreSlim gate = new SemaphoreSlim(1, 1);
        private readonly byte[] buffer = new byte[64 * 1024];
        private int start, end;
        private Socket? socket;
        private System.Net.IPAddress[]? addresses;
        private NetworkStream? stream;
        private Transcript? transcript;
        private volatile bool disposed;

        public MemcachedServerConnection(string name, string host, int port)
        {
            Name = name;
            Host = host;
            Port = port;
        }

        /// <summary>host:port as the user gave it: the server's name in the distribution and in results.</summary>
        public string Name { get; }
        public string Host { get; }
        public int Port { get; }
        public bool IsConnected => socket != null && !disposed;

        /// <summary>Runs one exchange (connecting first when needed) within the token; a failure closes the connection.</summary>
        public async Task<T> ExchangeAsync<T>(Func<MemcachedServerConnection, Task<T>> exchange, TimeSpan connectTimeout,
            Transcript transcript, CancellationToken cancellation)
        {
            await gate.WaitAsync(cancellation).ConfigureAwait(false);
            try
            {
                if (disposed)
                    throw new InvalidNetworkRequestException($"The memcached session is closed ({Name}).", Name);
                this.transcript = transcript;
                if (socket == null)
                    await OpenAsync(connectTimeout, cancellation).ConfigureAwait(false);
                var open = socket!;
                using (cancellation.Register(() => open.Dispose()))
                {
                    try
                    {
                        return await exchange(this).ConfigureAwait(false);
                    }
                    catch (Exception e) when (!(e is RemoteErrorException))
                    {
                        Close();
                        cancellation.ThrowIfCancellationRequested();
                        var failure = SocketErrors.OfConnection(e is ObjectDisposedException ? new IOException("the socket was closed", e) : e, Name);
                        TcpConnector.NoteFailure(transcript, Name, failure, TimeSpan.Zero);
                        throw failure;
                    }
                }
            }
            finally
            {
                gate.Release();
            }
        }

        private async Task OpenAsync(TimeSpan timeout, CancellationToken cancellation)
        {
            transcript?.Note($"Connecting to {Name}");
            // Resolved once: a reconnection goes to the same addresses, so a key's server stays the server it was.
            if (addresses == null)
            {
                try
                {
                    addresses = await Endpoints.AddressesAsync(Host, null, timeout, cancellation).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    TcpConnector.NoteFailure(transcript, $"Resolving {Host}", e, TimeSpan.Zero);
                    throw;
                }
            }
            socket = await TcpConnector.ConnectAsync(addresses, Port, Name, timeout, cancellation, transcript).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            start = end = 0;
        }

        public async Task SendAsync(byte[] data, int count)
        {
            transcript?.Sent(data, 0, count);
            await stream!.WriteAsync(data, 0, count).ConfigureAwait(false);
        }

        public Task SendLineAsync(string line)
        {
            var bytes = Encoding.UTF8.GetBytes(line + "\r\n");
            return SendAsync(bytes, bytes.Length);
        }

        /// <summary>One reply line without its CRLF, at most MaxLineBytes long.</summary>
        public async Task<string> ReadLineAsync()
        {
            // How many bytes from start have been searched already (counted from start, which a refill may move).
            var searched = 0;
            while (true)
            {
                for (var i = start + Math.Max(searched, 1); i < end; i++)
                {
                    if (buffer[i] == '\n' && buffer[i - 1] == '\r')
                    {
                        var length = i - 1 - start;
                        var line = Encoding.UTF8.GetString(buffer, start, length);
                        transcript?.Received(buffer, start, i + 1 - start);
                        start = i + 1;
                        return line;
                    }
                }
                searched = end - start;
                if (searched > MaxLineBytes)
                    throw new ProtocolViolationException(
                        $"{Name} sent a reply line longer than {MaxLineBytes} bytes (the bound on a memcached reply line).", Name);
                await FillAsync().ConfigureAwait(false);
            }
        }

        /// <summary>A value's data block: exactly count bytes, then CRLF.</summary>
        public async Task<byte[]> ReadBlockAsync(int count)
        {
            var data = new byte[count];
            var copied = 0;
            while (copied < count)
            {
                if (start == end)
                    await FillAsync().ConfigureAwait(false);
                var take = Math.Min(count - copied, end - start);
                Buffer.BlockCopy(buffer, start, data, copied, take);
                start += take;
                copied += take;
            }
            while (end - start < 2)
                await FillAsync().ConfigureAwait(false);
            if (buffer[start] != '\r' || buffer[start + 1] != '\n')
                throw new ProtocolViolationException($"{Name} sent a value whose {count} bytes are not followed by CRLF: its length field is wrong.", Name);
            start += 2;
            transcript?.Received(data, 0, count);
            return data;
        }

        private async Task FillAsync()
        {
            if (start > 0 && start == end)
                start = end = 0;
            if (end == buffer.Length)
            {
                if (start == 0)
                    throw new ProtocolViolationException($"{Name} sent a reply line longer than {MaxLineBytes} bytes.", Name);
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            var read = await stream!.ReadAsync(buffer, end, buffer.Length - end).ConfigureAwait(false);
            if (read == 0)
                throw new ConnectionLostException($"{Name} closed the connection before its reply was complete.", Name);
            end += read;
        }

        private void Close()
        {
            try { stream?.Dispose(); } catch (Exception) { }
            try { socket?.Dispose(); } catch (Exception) { }
            stream = null;
            socket = null;
            start = end = 0;
        }

        /// <summary>Closes the connection; a later exchange fails.</summary>
        public void Dispose()
        {
            disposed = true;
            var open = socket;
            try { open?.Dispose(); } catch (Exception) { }
        }

        internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
    }
}
