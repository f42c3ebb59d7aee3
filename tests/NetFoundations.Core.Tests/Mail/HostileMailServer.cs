using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Tests.Mail
{
    /// <summary>
    /// A raw server on 127.0.0.1 that plays one hostile behaviour on the first connection: what no line-by-line script
    /// can say (endless bytes, a line that never ends, a trickle). Every behaviour stops after a minute at most.
    /// </summary>
    internal sealed class HostileMailServer : IDisposable
    {
        private static readonly TimeSpan Longest = TimeSpan.FromSeconds(60);
        private readonly TcpListener listener = new TcpListener(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stop = new CancellationTokenSource(Longest);

        public HostileMailServer(Func<Conversation, Task> behave)
        {
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            Task.Run(async () =>
            {
                // Every connection gets the same behaviour, at once: an IMAP session opens a second one for its summaries.
                try
                {
                    while (true)
                    {
                        var client = await listener.AcceptTcpClientAsync(stop.Token);
                        _ = Task.Run(async () =>
                        {
                            using (client)
                            {
                                try
                                {
                                    await behave(new Conversation(client.GetStream(), stop.Token));
                                }
                                catch (Exception e) when (e is IOException || e is SocketException || e is OperationCanceledException || e is ObjectDisposedException)
                                {
                                }
                            }
                        });
                    }
                }
                catch (Exception e) when (e is SocketException || e is OperationCanceledException || e is ObjectDisposedException)
                {
                }
                finally
                {
                    listener.Stop();
                }
            });
        }

        public int Port { get; }

        public void Dispose()
        {
            stop.Cancel();
            listener.Stop();
        }

        /// <summary>The server's side of the connection.</summary>
        internal sealed class Conversation
        {
            private readonly NetworkStream stream;
            private readonly CancellationToken stop;

            public Conversation(NetworkStream stream, CancellationToken stop)
            {
                this.stream = stream;
                this.stop = stop;
            }

            /// <summary>The client's next line without its end; null when the client closed.</summary>
            public async Task<string?> ReadLineAsync()
            {
                var line = new StringBuilder();
                var one = new byte[1];
                while (line.Length < 4096)
                {
                    if (await stream.ReadAsync(one, stop) == 0)
                        return null;
                    if (one[0] == '\n')
                        return line.ToString().TrimEnd('\r');
                    line.Append((char)one[0]);
                }
                return line.ToString();
            }

            /// <summary>Text with "\n" sent as CRLF.</summary>
            public Task SendAsync(string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text.Replace("\n", "\r\n")), stop).AsTask();

            /// <summary>The same bytes again and again, until the client goes (or a minute has passed).</summary>
            public async Task FloodAsync(byte[] bytes)
            {
                while (true)
                    await stream.WriteAsync(bytes, stop);
            }

            /// <summary>The bytes one at a time with a pause between them, again and again.</summary>
            public async Task TrickleAsync(byte[] bytes, TimeSpan pause)
            {
                while (true)
                {
                    foreach (var b in bytes)
                    {
                        await stream.WriteAsync(new[] { b }, stop);
                        await Task.Delay(pause, stop);
                    }
                }
            }

            /// <summary>Says nothing more, but keeps the connection open.</summary>
            public Task StallAsync() => Task.Delay(Longest, stop);

            public static byte[] Repeat(string text, int times)
            {
                var one = Encoding.ASCII.GetBytes(text.Replace("\n", "\r\n"));
                var all = new byte[one.Length * times];
                for (var i = 0; i < times; i++)
                    Buffer.BlockCopy(one, 0, all, i * one.Length, one.Length);
                return all;
            }
        }
    }
}
