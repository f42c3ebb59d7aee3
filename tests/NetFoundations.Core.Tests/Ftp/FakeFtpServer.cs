using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Tests.Ftp
{
    /// <summary>
    /// An in-process FTP server on 127.0.0.1 for the hostile cases: it answers like a plain, anonymous UNIX server with
    /// one file (/file.bin), and Behave may take over any command to misbehave. Passive only (EPSV and PASV), one
    /// data listener. Connections are served one after another until Dispose.
    /// </summary>
    internal sealed class FakeFtpServer : IDisposable
    {
        private readonly TcpListener control = new TcpListener(IPAddress.Loopback, 0);
        private readonly TcpListener data = new TcpListener(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stop = new CancellationTokenSource();
        private readonly List<string> commands = new List<string>();

        public FakeFtpServer(byte[]? file = null)
        {
            File = file ?? new byte[100_000];
            control.Start();
            data.Start();
            Port = ((IPEndPoint)control.LocalEndpoint).Port;
            DataPort = ((IPEndPoint)data.LocalEndpoint).Port;
            _ = Task.Run(ServeAsync);
        }

        public int Port { get; }
        public int DataPort { get; }
        public byte[] File { get; }
        /// <summary>Takes over a command (its verb upper-cased, its argument): true when it answered.</summary>
        public Func<Connection, string, string, Task<bool>>? Behave { get; set; }
        /// <summary>More FEAT lines (" HASH SHA-256*;MD5", " XCRC" ...).</summary>
        public string[] Features { get; set; } = Array.Empty<string>();
        /// <summary>Runs instead of the greeting when Greet is false.</summary>
        public Func<Connection, Task>? OnConnect { get; set; }
        /// <summary>When false, the greeting is never sent (a server that accepts and then says nothing, unless OnConnect speaks).</summary>
        public bool Greet { get; set; } = true;
        public IReadOnlyList<string> Commands { get { lock (commands) return commands.ToArray(); } }

        private async Task ServeAsync()
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var client = await control.AcceptTcpClientAsync(stop.Token);
                    _ = Task.Run(() => ServeOneAsync(client));
                }
            }
            catch (Exception e) when (e is OperationCanceledException || e is SocketException || e is ObjectDisposedException)
            {
            }
        }

        private async Task ServeOneAsync(TcpClient client)
        {
            using (client)
            {
                var connection = new Connection(this, client.GetStream());
                try
                {
                    if (!Greet)
                    {
                        if (OnConnect != null)
                            await OnConnect(connection);
                        await Task.Delay(Timeout.Infinite, stop.Token);
                        return;
                    }
                    await connection.WriteAsync("220 fake FTP server ready");
                    var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
                    string? line;
                    while ((line = await reader.ReadLineAsync(stop.Token)) != null)
                    {
                        lock (commands) commands.Add(line);
                        var space = line.IndexOf(' ');
                        var verb = (space < 0 ? line : line.Substring(0, space)).ToUpperInvariant();
                        var argument = space < 0 ? string.Empty : line.Substring(space + 1);
                        if (Behave != null && await Behave(connection, verb, argument))
                            continue;
                        if (!await connection.AnswerAsync(verb, argument))
                            return;
                    }
                }
                catch (Exception e) when (e is IOException || e is SocketException || e is OperationCanceledException || e is ObjectDisposedException)
                {
                }
            }
        }

        public void Dispose()
        {
            stop.Cancel();
            control.Stop();
            data.Stop();
        }

        /// <summary>One control connection: what the well-behaved server says, and the means to misbehave.</summary>
        internal sealed class Connection
        {
            private readonly FakeFtpServer server;
            private readonly NetworkStream stream;

            public Connection(FakeFtpServer server, NetworkStream stream)
            {
                this.server = server;
                this.stream = stream;
            }

            /// <summary>The offset of the last REST.</summary>
            public long Restart { get; set; }

            public CancellationToken Stopping => server.stop.Token;

            public async Task WriteAsync(string reply) => await stream.WriteAsync(Encoding.ASCII.GetBytes(reply + "\r\n"), server.stop.Token);

            public async Task WriteRawAsync(byte[] bytes) => await stream.WriteAsync(bytes, server.stop.Token);

            /// <summary>Accepts the client's data connection (it connects after the EPSV/PASV reply).</summary>
            public async Task<TcpClient> AcceptDataAsync() => await server.data.AcceptTcpClientAsync(server.stop.Token);

            /// <summary>The well-behaved answer; false ends the connection.</summary>
            public async Task<bool> AnswerAsync(string verb, string argument)
            {
                switch (verb)
                {
                    case "USER": await WriteAsync("331 Password please."); break;
                    case "PASS": await WriteAsync("230 Logged in."); break;
                    case "FEAT":
                        await WriteAsync("211-Features:\r\n EPSV\r\n SIZE\r\n REST STREAM\r\n" + string.Concat(server.Features.Select(f => f + "\r\n")) + "211 End");
                        break;
                    case "SYST": await WriteAsync("215 UNIX Type: L8"); break;
                    case "PWD": await WriteAsync("257 \"/\" is the current directory"); break;
                    case "TYPE": await WriteAsync("200 Type set."); break;
                    case "SIZE":
                        await WriteAsync(argument == "/file.bin" ? $"213 {server.File.Length}" : "550 Could not get file size.");
                        break;
                    case "CWD": await WriteAsync(argument == "/" ? "250 Directory changed." : "550 Failed to change directory."); break;
                    case "EPSV": await WriteAsync($"229 Entering Extended Passive Mode (|||{server.DataPort}|)"); break;
                    case "PASV": await WriteAsync($"227 Entering Passive Mode (127,0,0,1,{server.DataPort >> 8},{server.DataPort & 255})"); break;
                    case "REST":
                        Restart = long.Parse(argument);
                        await WriteAsync($"350 Restart position accepted ({Restart}).");
                        break;
                    case "RETR":
                        using (var client = await AcceptDataAsync())
                        {
                            await WriteAsync("150 Opening BINARY mode data connection.");
                            var offset = (int)Restart;
                            Restart = 0;
                            await client.GetStream().WriteAsync(server.File.AsMemory(offset), server.stop.Token);
                        }
                        await WriteAsync("226 Transfer complete.");
                        break;
                    case "LIST":
                        using (var client = await AcceptDataAsync())
                        {
                            await WriteAsync("150 Here comes the directory listing.");
                            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(
                                $"-rw-r--r--    1 0        0          {server.File.Length} Jan 01 00:00 file.bin\r\n"), server.stop.Token);
                        }
                        await WriteAsync("226 Directory send OK.");
                        break;
                    case "QUIT":
                        await WriteAsync("221 Goodbye.");
                        return false;
                    default: await WriteAsync("502 Command not implemented."); break;
                }
                return true;
            }
        }
    }
}
