using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Tcp;

namespace NetFoundations.Core.Servers
{
    /// <summary>
    /// inetd-style services: a command serves a TCP port. Nowait runs the command once per connection, the connection
    /// as its standard input and output (a program's bytes pass through untouched; a text handler gets and gives lines);
    /// wait starts one run when a client is waiting and hands it the listening socket, to accept clients itself. The
    /// server is a TcpServer like the built-in ones, listed and stopped by TcpServerHost.
    /// </summary>
    public static class InetdService
    {
        /// <summary>How long a program that has closed its output may take to exit before it is killed.</summary>
        private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(2);

        /// <summary>A run of the wait form that failed this fast is not restarted sooner, so a broken program cannot spin.</summary>
        private static readonly TimeSpan RestartPause = TimeSpan.FromSeconds(1);

        private const int ChunkSize = 64 * 1024;

        public static TcpServer Start(InetdServiceOptions options)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            options.Validate();
            var program = options.FilePath != null
                ? InetdProgram.Resolve(options.FilePath, options.Arguments ?? Array.Empty<string>(), options.WorkingDirectory)
                : null;
            if (options.Mode == InetdMode.Wait && program != null && RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                throw new InvalidNetworkRequestException(
                    "The wait form gives a program the listening socket as its standard input, which Windows cannot do; use the nowait form or a scriptblock.", program.Path);

            var listener = TcpServerHost.Listen(options.LocalAddress, options.Port);
            var bound = (IPEndPoint)listener.LocalEndPoint;
            var text = program == null;
            var record = new TcpServer(bound.Address.ToString(), bound.Port,
                options.Mode == InetdMode.Wait ? ServerArchitecture.Iterative : ServerArchitecture.AsyncAwait,
                TcpServiceKind.Command, text ? "Lines" : "Stream", options.IdleTimeout.TotalSeconds,
                text ? options.MaxLineBytes : 0, options.Mode == InetdMode.Wait ? 1 : options.MaxConnections)
            {
                Mode = options.Mode,
                Command = program?.Describe() ?? InetdProgram.Shorten(options.TextHandler!.Description),
            };
            var service = new Serving(listener, record, options, program, new ConnectionTracker(options.IdleTimeout));
            var stop = new CancellationTokenSource();
            TcpServerHost.Host(record, listener, service.Tracker, stop,
                Task.Run(() => options.Mode == InetdMode.Wait ? service.WaitAsync(stop.Token) : service.NowaitAsync(stop.Token)),
                options.TextHandler as IDisposable);
            return record;
        }

        private sealed class Serving
        {
            private readonly Socket listener;
            private readonly TcpServer record;
            private readonly InetdServiceOptions options;
            private readonly InetdProgram? program;

            public Serving(Socket listener, TcpServer record, InetdServiceOptions options, InetdProgram? program, ConnectionTracker tracker)
            {
                this.listener = listener;
                this.record = record;
                this.options = options;
                this.program = program;
                Tracker = tracker;
            }

            public ConnectionTracker Tracker { get; }

            /// <summary>Nowait: accepts while fewer than MaxConnections runs are going; each connection gets a run of its own.</summary>
            public Task NowaitAsync(CancellationToken stop) =>
                AsyncAccept.RunAsync(listener, options.MaxConnections, client => ServeAsync(client, stop), stop);

            private async Task ServeAsync(Socket client, CancellationToken stop)
            {
                var peer = ServerContext.NewPeer(client).Name;
                var tracked = Tracker.Add(client);
                record.Opened();
                Exception? failure = null;
                using var ended = CancellationTokenSource.CreateLinkedTokenSource(stop);
                try
                {
                    // Closed by a stop that came while it was being accepted.
                    if (stop.IsCancellationRequested)
                        return;
                    client.NoDelay = true;
                    failure = program != null
                        ? await RunProgramAsync(client, peer, tracked, ended).ConfigureAwait(false)
                        : await RunTextAsync(client, peer, tracked, ended).ConfigureAwait(false);
                    client.Shutdown(SocketShutdown.Both);
                }
                catch (Exception e)
                {
                    failure = Failure(e, tracked, peer, stop.IsCancellationRequested);
                }
                finally
                {
                    ended.Cancel();
                    Tracker.Remove(tracked);
                    client.Dispose();
                    record.Closed(failure);
                }
            }

            /// <summary>
            /// One run of the program for one connection: the client's bytes to its standard input (closed when the client
            /// half-closes), its standard output to the client, both at once; the connection ends when the output ends and
            /// the program has exited. Any fault on the connection kills the run with its children.
            /// </summary>
            private async Task<Exception?> RunProgramAsync(Socket client, string peer, ConnectionTracker.Tracked tracked, CancellationTokenSource ended)
            {
                var exited = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                using var process = program!.Start(client.RemoteEndPoint as IPEndPoint, client.LocalEndPoint as IPEndPoint, () => exited.TrySetResult(true));
                try
                {
                    var errors = InetdProgram.DrainErrors(process.StandardError.BaseStream, peer, record);
                    var outbound = PumpOutAsync(process.StandardOutput.BaseStream, client, tracked);
                    var inbound = PumpInAsync(client, process.StandardInput.BaseStream, tracked, ended.Token);
                    // The output ends when the program exits (or closes it); a fault on the connection ends the run first.
                    while (!outbound.IsCompleted)
                    {
                        if (await Task.WhenAny(outbound, inbound).ConfigureAwait(false) == inbound && !outbound.IsCompleted)
                        {
                            await inbound.ConfigureAwait(false);
                            // The client half-closed: the program reads to its end of input and answers.
                            await outbound.ConfigureAwait(false);
                        }
                    }
                    await outbound.ConfigureAwait(false);
                    // A program that closed its output but runs on gets its grace, then the idle timeout's fate.
                    await WithinAsync(exited.Task, ExitGrace, tracked, ended.Token).ConfigureAwait(false);
                    if (!exited.Task.IsCompleted)
                        return new NetworkTimeoutException($"{peer}: '{program.Path}' closed its output but did not exit; it was killed.", peer);
                    process.WaitForExit();
                    var lastError = await errors.ConfigureAwait(false);
                    return process.ExitCode == 0 ? null : new RemoteErrorException(
                        $"{peer}: '{program.Path}' exited with code {process.ExitCode}{(lastError == null ? "" : ": " + lastError)}.", peer,
                        process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
                finally
                {
                    ended.Cancel();
                    InetdProgram.Kill(process);
                }
            }

            /// <summary>Waits for the task for at most the grace, or until the connection is closed by its idle timeout or a stop.</summary>
            private static async Task WithinAsync(Task task, TimeSpan grace, ConnectionTracker.Tracked tracked, CancellationToken cancel)
            {
                var clock = Stopwatch.StartNew();
                while (!task.IsCompleted && clock.Elapsed < grace && !tracked.Expired && !cancel.IsCancellationRequested)
                    await Task.WhenAny(task, Task.Delay(50)).ConfigureAwait(false);
            }

            private async Task PumpOutAsync(Stream output, Socket client, ConnectionTracker.Tracked tracked)
            {
                var buffer = new byte[ChunkSize];
                int count;
                while ((count = await output.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false)) > 0)
                {
                    for (var offset = 0; offset < count;)
                    {
                        var sent = await client.SendAsync(new ArraySegment<byte>(buffer, offset, count - offset), SocketFlags.None).ConfigureAwait(false);
                        offset += sent;
                        record.CountSent(sent);
                        tracked.Progressed();
                    }
                }
            }

            /// <summary>The client's bytes to the program; its half-close closes the program's input. A program that stopped reading ends the pump quietly.</summary>
            private async Task PumpInAsync(Socket client, Stream input, ConnectionTracker.Tracked tracked, CancellationToken ended)
            {
                var buffer = new byte[ChunkSize];
                var open = true;
                try
                {
                    while (true)
                    {
                        var count = await client.ReceiveAsync(new ArraySegment<byte>(buffer), SocketFlags.None).ConfigureAwait(false);
                        // A close by the idle timeout or a stop can end the read as if the client had closed.
                        if (tracked.Expired || ended.IsCancellationRequested)
                            throw new OperationCanceledException();
                        if (count == 0)
                            break;
                        record.CountReceived(count);
                        if (!open)
                            continue;
                        try
                        {
                            await input.WriteAsync(buffer, 0, count).ConfigureAwait(false);
                            await input.FlushAsync().ConfigureAwait(false);
                            tracked.Progressed();
                        }
                        catch (IOException)
                        {
                            // The program closed its input (or exited): what the client sends now goes nowhere, as with inetd.
                            open = false;
                        }
                    }
                }
                finally
                {
                    try
                    {
                        input.Dispose();
                    }
                    catch (IOException)
                    {
                    }
                }
            }

            /// <summary>One run of a text handler: the client's lines in, the handler's lines out (it sends them itself, through the connection).</summary>
            private async Task<Exception?> RunTextAsync(Socket client, string peer, ConnectionTracker.Tracked tracked, CancellationTokenSource ended)
            {
                var connection = new InetdTextConnection(client, ServerContext.NewPeer(client), tracked, record);
                var run = options.TextHandler!.Start(connection, ended.Token);
                var inbound = LinesInAsync(client, peer, run, tracked, ended.Token);
                try
                {
                    if (await Task.WhenAny(run.Completion, inbound).ConfigureAwait(false) == inbound)
                        await inbound.ConfigureAwait(false);
                    await run.Completion.ConfigureAwait(false);
                    return null;
                }
                catch (Exception e) when (!(e is NetworkException) && !(e is OperationCanceledException) && !connection.Broken && !tracked.Expired && !ended.IsCancellationRequested)
                {
                    return new RemoteErrorException($"{peer}: the command failed: {e.Message}", peer, null, e);
                }
                finally
                {
                    ended.Cancel();
                    // The run ends once cancelled (its host stops it); it is not left behind the connection.
                    await Task.WhenAny(run.Completion, Task.Delay(ExitGrace)).ConfigureAwait(false);
                }
            }

            private async Task LinesInAsync(Socket client, string peer, IInetdTextRun run, ConnectionTracker.Tracked tracked, CancellationToken ended)
            {
                var reader = TcpFraming.Lines(1).NewRequestReader();
                var buffer = new byte[4096];
                var length = 0;
                while (true)
                {
                    var want = Math.Min(options.MaxLineBytes + 1 - length, ChunkSize);
                    if (buffer.Length - length < want)
                        Array.Resize(ref buffer, Math.Min(Math.Max(buffer.Length * 2, length + want), options.MaxLineBytes + 1));
                    var count = await client.ReceiveAsync(new ArraySegment<byte>(buffer, length, want), SocketFlags.None).ConfigureAwait(false);
                    if (tracked.Expired || ended.IsCancellationRequested)
                        throw new OperationCanceledException();
                    if (count == 0)
                    {
                        // A last line without its end is still a line.
                        if (length > 0)
                        {
                            record.RequestReceived();
                            await run.AddAsync(Encoding.UTF8.GetString(buffer, 0, length).TrimEnd('\r'), ended).ConfigureAwait(false);
                        }
                        run.Complete();
                        return;
                    }
                    record.CountReceived(count);
                    length += count;
                    reader.Advance(buffer, length, options.MaxLineBytes);
                    foreach (var line in reader.Frames)
                    {
                        record.RequestReceived();
                        await run.AddAsync(Encoding.UTF8.GetString(line), ended).ConfigureAwait(false);
                        tracked.Progressed();
                    }
                    var consumed = reader.Consumed;
                    Buffer.BlockCopy(buffer, consumed, buffer, 0, length - consumed);
                    length -= consumed;
                    reader.Drop();
                    if (length > options.MaxLineBytes)
                        throw new ProtocolViolationException($"{peer} sent a line longer than the {options.MaxLineBytes} bytes allowed (MaxLineBytes).", peer);
                }
            }

            /// <summary>
            /// Wait: when a client is waiting on the listener, one run is started with the listener itself (a program gets it
            /// as its standard input; a text handler as an object) and accepts clients until it ends; then the listener is
            /// watched again. The record counts runs: open while one runs, served when it exited with 0.
            /// </summary>
            public Task WaitAsync(CancellationToken stop)
            {
                var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                // The run shares the listener's open file: a non-blocking one would make its accept() fail with EAGAIN.
                listener.Blocking = true;
                var thread = new Thread(() =>
                {
                    try
                    {
                        while (ClientWaiting(stop))
                        {
                            var started = Stopwatch.StartNew();
                            var failure = program != null ? RunListenerProgram(stop) : RunListenerText(stop);
                            if (failure != null && started.Elapsed < RestartPause && stop.WaitHandle.WaitOne(RestartPause - started.Elapsed))
                                break;
                        }
                        done.SetResult(true);
                    }
                    catch (Exception e)
                    {
                        done.SetException(e);
                    }
                }) { IsBackground = true, Name = "inetd wait " + record.LocalPort };
                thread.Start();
                return done.Task;
            }

            /// <summary>Blocks until a client waits in the listen queue (true) or the server stops (false).</summary>
            private bool ClientWaiting(CancellationToken stop)
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        if (listener.Poll(100_000, SelectMode.SelectRead))
                            return !stop.IsCancellationRequested;
                    }
                    catch (Exception) when (stop.IsCancellationRequested)
                    {
                        return false;
                    }
                }
                return false;
            }

            private Exception? RunListenerProgram(CancellationToken stop)
            {
                var target = record.ToString();
                record.Opened();
                Exception? failure = null;
                UnixSpawn? run = null;
                try
                {
                    run = UnixSpawn.Start(program!, listener);
                    var output = InetdProgram.DrainErrors(run.Output, "wait", record);
                    using (stop.Register(run.Kill))
                        run.Exit.Wait();
                    output.Wait(ExitGrace);
                    var code = run.Exit.Result;
                    if (code != 0 && !stop.IsCancellationRequested)
                        failure = new RemoteErrorException($"'{program!.Path}' exited with code {code}{(output.IsCompleted && output.Result != null ? ": " + output.Result : "")}.",
                            target, code.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
                catch (Exception e)
                {
                    // posix_spawn refused, or this libc lacks a call (addchdir_np is recent): the run fails, the service goes on.
                    failure = e as NetworkException
                        ?? new InvalidNetworkRequestException($"The program '{program!.Path}' could not be started: {e.Message}", program.Path, e);
                }
                finally
                {
                    run?.Kill();
                    run?.Output.Dispose();
                    record.Closed(failure);
                }
                return failure;
            }

            private Exception? RunListenerText(CancellationToken stop)
            {
                record.Opened();
                Exception? failure = null;
                try
                {
                    options.TextHandler!.ServeListenerAsync(listener, stop).GetAwaiter().GetResult();
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    failure = e as NetworkException ?? new RemoteErrorException($"The command failed: {e.Message}", record.ToString(), null, e);
                }
                catch (Exception)
                {
                    // Stopped: the command was cancelled or lost its listener.
                }
                finally
                {
                    record.Closed(failure);
                }
                return failure;
            }

            /// <summary>Why a connection ended, as an error family; null when the server was stopping.</summary>
            private Exception? Failure(Exception error, ConnectionTracker.Tracked tracked, string peer, bool stopping)
            {
                if (tracked.Expired)
                    return new NetworkTimeoutException(
                        $"{peer}: no byte moved either way for {options.IdleTimeout.TotalSeconds:0.###} s; the connection was closed and its command stopped.", peer);
                if (stopping)
                    return null;
                return SocketErrors.OfConnection(error, peer);
            }
        }
    }

    /// <summary>A connection as a text handler sees it: who the client is, and a way to send it a line.</summary>
    public sealed class InetdTextConnection
    {
        private readonly Socket socket;
        private readonly ConnectionTracker.Tracked tracked;
        private readonly TcpServer record;
        private int broken;

        internal InetdTextConnection(Socket socket, TcpServerPeer client, ConnectionTracker.Tracked tracked, TcpServer record)
        {
            this.socket = socket;
            this.tracked = tracked;
            this.record = record;
            Client = client;
        }

        /// <summary>The client, as every handler sees it (the scriptblock's $Connection).</summary>
        public TcpServerPeer Client { get; }

        /// <summary>True once a send failed: the client is gone, or the connection was closed by its idle timeout or a stop.</summary>
        public bool Broken => Volatile.Read(ref broken) != 0;

        /// <summary>Sends the text and a line end, blocking until the socket took it all (a client that does not read holds it until the idle timeout).</summary>
        public void SendLine(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text + "\n");
            try
            {
                for (var offset = 0; offset < bytes.Length;)
                {
                    var sent = socket.Send(bytes, offset, bytes.Length - offset, SocketFlags.None);
                    offset += sent;
                    record.CountSent(sent);
                    tracked.Progressed();
                }
            }
            catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
            {
                Volatile.Write(ref broken, 1);
                throw new ConnectionLostException($"The connection with {Client} was closed; the line was not sent.", Client.Name, e);
            }
        }
    }
}
