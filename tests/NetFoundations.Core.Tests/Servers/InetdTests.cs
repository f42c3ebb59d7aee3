using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using NetFoundations.Core.Servers;
using Xunit;

namespace NetFoundations.Core.Tests.Servers
{
    /// <summary>inetd-style services (InetdService) against ncat and socat as the clients, and raw sockets where a client must misbehave.</summary>
    public sealed class InetdTests
    {
        private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

        private static TcpServer Start(string program, params string[] arguments) => Start(new InetdServiceOptions { FilePath = program, Arguments = arguments });

        private static TcpServer Start(InetdServiceOptions options)
        {
            var server = InetdService.Start(options);
            Assert.Contains(server, TcpServerHost.Servers);
            return server;
        }

        /// <summary>Runs a client tool (ncat, socat) with the text as its standard input; returns what it printed.</summary>
        private static async Task<string> Client(string tool, string input, params string[] arguments)
        {
            var info = new ProcessStartInfo(tool)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments)
                info.ArgumentList.Add(argument);
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
            if (await Task.WhenAny(output, Task.Delay(Bound)) != output)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{tool} did not finish within {Bound.TotalSeconds} s.");
            }
            process.WaitForExit(5000);
            Assert.True(process.ExitCode == 0, $"{tool} failed ({process.ExitCode}): {await errors}");
            return await output;
        }

        private static Task<string> Ncat(TcpServer server, string input) => Client("ncat", input, "127.0.0.1", server.LocalPort.ToString());

        private static Task<string> Socat(TcpServer server, string input) => Client("socat", input, "-t", "10", "-", $"TCP:127.0.0.1:{server.LocalPort}");

        private static async Task<Socket> Connect(TcpServer server)
        {
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(IPAddress.Loopback, server.LocalPort);
            return client;
        }

        /// <summary>Reads until the server closes (or the bound passes); returns the text.</summary>
        private static async Task<string> ReadToEnd(Socket client)
        {
            var text = new StringBuilder();
            var buffer = new byte[4096];
            var receive = Task.Run(async () =>
            {
                int count;
                while ((count = await client.ReceiveAsync(new ArraySegment<byte>(buffer), SocketFlags.None)) > 0)
                    text.Append(Encoding.UTF8.GetString(buffer, 0, count));
            });
            Assert.True(await Task.WhenAny(receive, Task.Delay(Bound)) == receive, "The server did not close the connection.");
            await receive;
            return text.ToString();
        }

        /// <summary>Reads one chunk, or null when nothing came within the wait (no read is left pending to take later bytes).</summary>
        private static async Task<string?> ReadSome(Socket client, TimeSpan wait)
        {
            if (!await Task.Run(() => client.Poll((int)(wait.TotalMilliseconds * 1000), SelectMode.SelectRead)))
                return null;
            var buffer = new byte[4096];
            return Encoding.UTF8.GetString(buffer, 0, await client.ReceiveAsync(new ArraySegment<byte>(buffer), SocketFlags.None));
        }

        private static async Task Until(Func<bool> condition)
        {
            var clock = Stopwatch.StartNew();
            while (!condition() && clock.Elapsed < Bound)
                await Task.Delay(20);
            Assert.True(condition(), "The condition did not come true in time.");
        }

        /// <summary>The processes whose command line holds the marker (an argument no other process has).</summary>
        private static List<int> ProcessesWith(string marker)
        {
            var found = new List<int>();
            foreach (var folder in Directory.GetDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(folder), out var pid))
                    continue;
                try
                {
                    if (File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ').Contains(marker))
                        found.Add(pid);
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
            return found;
        }

        /// <summary>Sockets of this port still listening or connected, from /proc/net/tcp{,6}: TIME_WAIT is the kernel's, not a leak.</summary>
        private static int OpenSockets(int port)
        {
            var hex = ":" + port.ToString("X4") + " ";
            var count = 0;
            foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
            {
                foreach (var line in File.ReadLines(table).Skip(1))
                {
                    var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    var state = fields[3];
                    if ((fields[1] + " ").EndsWith(hex) || (fields[2] + " ").EndsWith(hex))
                    {
                        if (state == "0A" || state == "01")
                            count++;
                    }
                }
            }
            return count;
        }

        private static async Task AssertRefused(int port)
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            var e = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, port));
            Assert.Equal(SocketError.ConnectionRefused, e.SocketErrorCode);
        }

        [Fact]
        public async Task NowaitPassesTheConnectionThroughCat()
        {
            var server = Start("cat");
            try
            {
                Assert.Equal(TcpServiceKind.Command, server.Service);
                Assert.Equal(InetdMode.Nowait, server.Mode);
                Assert.Equal("/bin/cat", server.Command!.Replace("/usr/bin/", "/bin/"));
                Assert.Equal("one\ntwo\n", await Ncat(server, "one\ntwo\n"));
                Assert.Equal("three\n", await Socat(server, "three\n"));
                await Until(() => server.ConnectionsServed == 2);
                Assert.Equal(server.BytesReceived, server.BytesSent);
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Fact]
        public async Task NowaitRunsTrAndAPythonFilterWithTheirArguments()
        {
            var tr = Start("tr", "a-z", "A-Z");
            var python = Start("/usr/bin/python3", "-c", "import sys\nfor line in sys.stdin: print(line.strip()[::-1], '(from ' + __import__('os').environ['TCPREMOTEIP'] + ')', flush=True)");
            try
            {
                Assert.Equal("HELLO, WORLD\n", await Ncat(tr, "hello, world\n"));
                Assert.Equal("cba (from 127.0.0.1)\nfed (from 127.0.0.1)\n", await Socat(python, "abc\ndef\n"));
            }
            finally
            {
                await TcpServerHost.StopAsync(tr);
                await TcpServerHost.StopAsync(python);
            }
        }

        [Fact]
        public async Task ManyClientsAtOnceAreServedAtMostMaxConnectionsAtATime()
        {
            var server = Start(new InetdServiceOptions { FilePath = "cat", MaxConnections = 2 });
            var clients = new List<Socket>();
            try
            {
                for (var i = 0; i < 3; i++)
                {
                    var client = await Connect(server);
                    clients.Add(client);
                    await client.SendAsync(new ArraySegment<byte>(Encoding.ASCII.GetBytes($"client {i}\n")), SocketFlags.None);
                }
                Assert.Equal("client 0\n", await ReadSome(clients[0], Bound));
                Assert.Equal("client 1\n", await ReadSome(clients[1], Bound));
                // The third waits in the listen queue: no run of cat for it yet.
                Assert.Null(await ReadSome(clients[2], TimeSpan.FromMilliseconds(500)));
                Assert.Equal(2, server.ConnectionsOpen);

                clients[0].Shutdown(SocketShutdown.Send);
                Assert.Equal("", await ReadToEnd(clients[0]));
                Assert.Equal("client 2\n", await ReadSome(clients[2], Bound));
                foreach (var client in clients.Skip(1))
                {
                    client.Shutdown(SocketShutdown.Send);
                    Assert.Equal("", await ReadToEnd(client));
                }
                await Until(() => server.ConnectionsServed == 3);

                // Many at once through ncat: all answered, never more than two runs.
                var burst = Task.WhenAll(Enumerable.Range(0, 12).Select(i => Ncat(server, $"ncat {i}\n")));
                var most = 0;
                while (!burst.IsCompleted)
                {
                    most = Math.Max(most, server.ConnectionsOpen);
                    await Task.WhenAny(burst, Task.Delay(5));
                }
                Assert.Equal(Enumerable.Range(0, 12).Select(i => $"ncat {i}\n"), await burst);
                Assert.InRange(most, 1, 2);
            }
            finally
            {
                foreach (var client in clients)
                    client.Dispose();
                await TcpServerHost.StopAsync(server);
            }
        }

        [Fact]
        public async Task TheClientsHalfCloseIsTheEndOfTheProgramsInput()
        {
            var server = Start("wc", "-c");
            try
            {
                using var client = await Connect(server);
                await client.SendAsync(new ArraySegment<byte>(Encoding.ASCII.GetBytes("twelve bytes")), SocketFlags.None);
                // wc answers only at the end of its input.
                Assert.Null(await ReadSome(client, TimeSpan.FromMilliseconds(300)));
                client.Shutdown(SocketShutdown.Send);
                Assert.Equal("12", (await ReadToEnd(client)).Trim());
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Fact]
        public async Task TheProgramsExitClosesTheConnectionAfterItsOutput()
        {
            var server = Start("/usr/bin/python3", "-c", "print('x' * 300000); print('bye')");
            try
            {
                // The client sends nothing and keeps its side open: the close is the server's, after all the output.
                using var client = await Connect(server);
                var text = await ReadToEnd(client);
                Assert.Equal(new string('x', 300000) + "\nbye\n", text);
                await Until(() => server.ConnectionsServed == 1);
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Fact]
        public async Task AFailingProgramIsAFailedConnectionWithItsStandardError()
        {
            var server = Start("/usr/bin/python3", "-c", "import sys; print('out'); sys.stderr.write('something broke\\n'); sys.exit(3)");
            try
            {
                Assert.Equal("out\n", await Ncat(server, ""));
                await Until(() => server.ConnectionsFailed == 1);
                var error = Assert.IsType<RemoteErrorException>(server.GetErrors().Single());
                Assert.Equal("3", error.ReplyCode);
                Assert.Contains("something broke", error.Message);
                Assert.Matches("^127\\.0\\.0\\.1:\\d+: something broke$", server.GetStandardError().Single());
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Fact]
        public async Task TheWaitFormHandsTheListenerToOneProgramThatAcceptsClientsInTurn()
        {
            // The book's wait service in Python: the listening socket is its standard input.
            const string program = @"
import socket, sys
listener = socket.fromfd(0, socket.AF_INET, socket.SOCK_STREAM)
print('serving', flush=True)
for n in range(3):
    client, address = listener.accept()
    question = client.recv(100)
    client.sendall(b'%d: ' % n + question.upper())
    client.shutdown(socket.SHUT_WR)
    client.recv(100)
    client.close()
";
            var server = Start(new InetdServiceOptions { FilePath = "/usr/bin/python3", Arguments = new[] { "-c", program }, Mode = InetdMode.Wait });
            try
            {
                Assert.Equal(InetdMode.Wait, server.Mode);
                Assert.Equal("0: ONE\n", await Ncat(server, "one\n"));
                Assert.Equal("1: TWO\n", await Socat(server, "two\n"));
                Assert.Equal("2: THREE\n", await Ncat(server, "three\n"));
                // The first run served three clients and exited; the next client starts a second run.
                await Until(() => server.ConnectionsServed == 1);
                Assert.Equal("0: FOUR\n", await Ncat(server, "four\n"));
                Assert.Contains("wait: serving", server.GetStandardError());
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Fact]
        public async Task AProgramThatNeverExitsIsKilledAtStopWithNothingLeft()
        {
            var marker = "inetd-never-" + Guid.NewGuid().ToString("N");
            var nowait = Start("/bin/sh", "-c", "sleep 1000; : " + marker);
            var wait = Start(new InetdServiceOptions
            {
                FilePath = "/bin/sh",
                Arguments = new[] { "-c", "sleep 1000; : " + marker },
                Mode = InetdMode.Wait,
            });
            var clients = new List<Socket>();
            try
            {
                for (var i = 0; i < 3; i++)
                    clients.Add(await Connect(nowait));
                clients.Add(await Connect(wait));
                // Three runs of the nowait form and one of the wait form, each a shell with its sleep.
                await Until(() => ProcessesWith(marker).Count == 4);
                await Until(() => nowait.ConnectionsOpen == 3 && wait.ConnectionsOpen == 1);
            }
            finally
            {
                await TcpServerHost.StopAsync(nowait);
                await TcpServerHost.StopAsync(wait);
            }
            // A nowait client sees the end of the stream; the wait form's client, never accepted, is reset with the listener.
            foreach (var client in clients.Take(3))
                Assert.Equal("", await ReadToEnd(client));
            foreach (var client in clients)
                client.Dispose();
            await Until(() => ProcessesWith(marker).Count == 0);
            Assert.Empty(ProcessesWith("sleep 1000").Where(pid => File.ReadAllText($"/proc/{pid}/stat").Contains(" Z ")));
            await Until(() => OpenSockets(nowait.LocalPort) == 0 && OpenSockets(wait.LocalPort) == 0);
            await AssertRefused(nowait.LocalPort);
            await AssertRefused(wait.LocalPort);
            Assert.Equal(TcpServerState.Stopped, nowait.State);
            Assert.DoesNotContain(nowait, TcpServerHost.Servers);
        }

        [Fact]
        public async Task AProgramFloodingAClientThatDoesNotReadIsStoppedByTheIdleTimeout()
        {
            var marker = "inetd-flood-" + Guid.NewGuid().ToString("N");
            var server = Start(new InetdServiceOptions
            {
                FilePath = "/usr/bin/python3",
                Arguments = new[] { "-c", "import sys\nwhile True: sys.stdout.write('x' * 65536)", marker },
                // Long enough for python to start and fill the buffers on a loaded machine: a shorter one can end the
                // connection before the program has written a byte.
                IdleTimeout = TimeSpan.FromSeconds(3),
            });
            try
            {
                using var client = await Connect(server);
                client.ReceiveBufferSize = 4096;
                await Until(() => server.ConnectionsFailed == 1);
                Assert.IsType<NetworkTimeoutException>(server.GetErrors().Single());
                // Only what the socket buffers hold was sent, not an unbounded amount.
                Assert.InRange(server.BytesSent, 1, 64L * 1024 * 1024);
                await Until(() => ProcessesWith(marker).Count == 0);
            }
            finally
            {
                await TcpServerHost.StopAsync(server);
            }
        }

        [Fact]
        public async Task AMissingProgramIsAnErrorAtStartNotAtTheFirstConnection()
        {
            var missing = Assert.Throws<InvalidNetworkRequestException>(() => InetdService.Start(new InetdServiceOptions { FilePath = "no-such-program-" + Guid.NewGuid().ToString("N") }));
            Assert.Contains("was not found", missing.Message);
            var notExecutable = Path.GetTempFileName();
            try
            {
                Assert.Contains("is not executable", Assert.Throws<InvalidNetworkRequestException>(
                    () => InetdService.Start(new InetdServiceOptions { FilePath = notExecutable })).Message);
            }
            finally
            {
                File.Delete(notExecutable);
            }
            await Task.CompletedTask;
        }

        [Fact]
        public void ArgumentsPassOneByOneWhateverTheyHold()
        {
            var arguments = new[] { "plain", "two words", "", "quote\"d", "back\\slash\\", "\\\"mixed\\\\\"", "tab\there" };
            var line = InetdProgram.JoinArguments(arguments);
            // .NET splits a command line as the Windows C runtime does, on every OS: what it gives back is what went in.
            var info = new ProcessStartInfo("/usr/bin/python3", "-c \"import sys, json; print(json.dumps(sys.argv[1:]))\" " + line)
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.Equal(arguments, System.Text.Json.JsonSerializer.Deserialize<string[]>(output));
        }
    }
}
