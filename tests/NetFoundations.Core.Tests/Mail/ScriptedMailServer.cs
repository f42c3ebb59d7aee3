using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Tests.Mail
{
    /// <summary>
    /// A line-based server on 127.0.0.1 for the old servers no Debian package plays: it sends a greeting,
    /// then answers each line the client sends with reply(line) (null: no answer). Between an SMTP "354"
    /// and the "." line it takes the message without answering. Keeps every line it got; serves connections
    /// one after another until disposed.
    /// </summary>
    public sealed class ScriptedMailServer : IDisposable
    {
        private readonly TcpListener listener = new TcpListener(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stop = new CancellationTokenSource();
        private readonly string greeting;
        private readonly Func<string, string?> reply;

        public ScriptedMailServer(string greeting, Func<string, string?> reply)
        {
            this.greeting = greeting;
            this.reply = reply;
            listener.Start();
            Task.Run(ServeAsync);
        }

        public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

        /// <summary>The lines clients sent, message text included.</summary>
        public ConcurrentQueue<string> Received { get; } = new ConcurrentQueue<string>();

        public void Dispose()
        {
            stop.Cancel();
            listener.Stop();
        }

        private async Task ServeAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var client = await listener.AcceptTcpClientAsync(stop.Token);
                    using var stream = client.GetStream();
                    using var reader = new StreamReader(stream, Encoding.UTF8);
                    var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
                    await writer.WriteLineAsync(greeting);
                    var inData = false;
                    for (var line = await reader.ReadLineAsync(stop.Token); line != null; line = await reader.ReadLineAsync(stop.Token))
                    {
                        Received.Enqueue(line);
                        if (inData && line != ".")
                            continue;
                        inData = false;
                        var answer = reply(line);
                        if (answer == null)
                            continue;
                        await writer.WriteAsync(answer.Replace("\n", "\r\n") + "\r\n");
                        inData = answer.StartsWith("354");
                        if (answer.StartsWith("221") || answer.StartsWith("+OK bye"))
                            break;
                    }
                }
                catch (Exception e) when (e is IOException || e is SocketException || e is OperationCanceledException || e is ObjectDisposedException)
                {
                }
            }
        }
    }
}
