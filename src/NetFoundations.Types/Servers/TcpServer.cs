using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using NetFoundations.Core.Http;
using NetFoundations.Core.Tls;

namespace NetFoundations.Core.Servers
{
    /// <summary>
    /// How a server runs its connections: the book's chapter 7 compares them. Each is its own implementation in Core
    /// (Core/Servers/Architectures) over the same protocol code, so they differ in how they wait, never in what they say.
    /// </summary>
    public enum ServerArchitecture : long
    {
        /// <summary>
        /// The default. One accept loop and one asynchronous task per connection on .NET's thread pool: a waiting
        /// connection holds no thread, so thousands of idle clients cost only their buffers, and a busy one uses every
        /// core. Of the five it is the only one with both: EventLoop waits as cheaply but on one core, and a service
        /// that blocks stalls all its clients (here it holds one pool thread, and the pool adds threads, if slowly);
        /// the blocking ones spend a thread per client served (ThreadPerConnection, WorkerPool, which also caps the
        /// clients at its size) or serve one at a time (Iterative). Its cost: the compiler's state machines and the
        /// pool's scheduling, a little more work per read than a blocked thread's.
        /// </summary>
        AsyncAwait,
        /// <summary>
        /// The book's first server: one thread accepts a client and serves it to the end before it accepts the next,
        /// which waits in the listen queue meanwhile. Costs one thread; one slow client stops every other.
        /// </summary>
        Iterative,
        /// <summary>
        /// A dedicated thread per connection, blocking on its reads and writes; MaxConnections bounds the threads. Clients
        /// no longer wait for each other, but each one, busy or idle, costs a thread (its stack, a scheduler entry) and
        /// a thread is created and ended per connection.
        /// </summary>
        ThreadPerConnection,
        /// <summary>
        /// A fixed pool of WorkerCount threads, started with the server and all blocking in accept on the one listening
        /// socket; each serves the client it accepted to the end with blocking calls. No thread is created per
        /// connection, but the pool's threads cost their stacks whether clients come or not, and WorkerCount clients
        /// (at most MaxConnections) are served at once: the next waits in the listen queue until a worker is free, so
        /// idle clients can starve the others.
        /// </summary>
        WorkerPool,
        /// <summary>
        /// One thread and non-blocking sockets: Socket.Select says which connections can be read or written, replies wait
        /// in a per-connection buffer until the socket takes them (a connection is not read while too much is unsent),
        /// and reply delays are timers inside the loop. Thousands of clients cost one thread and their buffers, but use
        /// one core, and each select pass looks at every connection. The service runs inline on that thread, as Node's
        /// and asyncio's handlers do: one that blocks (a slow script, say) stalls every client until it returns.
        /// </summary>
        EventLoop,
    }

    /// <summary>The built-in services a server answers with.</summary>
    public enum TcpServiceKind : long
    {
        /// <summary>Each request comes back as it was, framed as it came.</summary>
        Echo,
        /// <summary>Requests are read and dropped; nothing is sent.</summary>
        Discard,
        /// <summary>Each request comes back with ASCII letters upper-cased (the book's deadlock example).</summary>
        UpperCaseEcho,
        /// <summary>The book's question-and-answer protocol: questions end with '?', answers with '.'.</summary>
        Zen,
        /// <summary>The caller's handler answers each request (a scriptblock given to Start-TcpServer).</summary>
        Handler,
        /// <summary>A program or scriptblock answers, inetd-style (Start-InetdService): the server's Mode and Command say how and which.</summary>
        Command,
        /// <summary>An HTTP/1.1 server (Start-HttpServer): its routes answer; GetRoutes and GetRequestLog say what it has served.</summary>
        Http,
    }

    /// <summary>How an inetd-style service runs its command (inetd.conf's wait/nowait field).</summary>
    public enum InetdMode : long
    {
        /// <summary>One run of the command per connection, the connection as its standard input and output.</summary>
        Nowait,
        /// <summary>One run of the command serves the listener: started when a client waits, it accepts clients itself.</summary>
        Wait,
    }

    /// <summary>Whether a TLS server asks its clients for a certificate, and whether a client without one is served.</summary>
    public enum ClientCertificateMode : long
    {
        /// <summary>No client certificate is asked for.</summary>
        None,
        /// <summary>One is asked for; a client without one is served, a client with one that fails verification is not.</summary>
        Optional,
        /// <summary>A client without a certificate that verifies against the trusted CAs is not served.</summary>
        Required,
    }

    public enum TcpServerState : long
    {
        Running,
        Stopped,
    }

    /// <summary>
    /// A TCP server running in the background (Start-TcpServer): where it listens, how, and what it has done so far. The
    /// counters are live. Stop-TcpServer closes its listening socket and every connection.
    /// </summary>
    public sealed class TcpServer
    {
        private const int MaxErrors = 20;
        private const int MaxErrorLines = 100;

        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly List<Exception> errors = new List<Exception>();
        private readonly Queue<string> errorLines = new Queue<string>();
        private int open;
        private long served;
        private long failed;
        private long requests;
        private long bytesReceived;
        private long bytesSent;
        private double stoppedAtMs = -1;
        private X509Certificate2? certificate;

        internal TcpServer(string localAddress, int localPort, ServerArchitecture architecture, TcpServiceKind service, string framing,
            double timeoutSeconds, int maxRequestBytes, int maxConnections)
        {
            LocalAddress = localAddress;
            LocalPort = localPort;
            Architecture = architecture;
            Service = service;
            Framing = framing;
            TimeoutSeconds = timeoutSeconds;
            MaxRequestBytes = maxRequestBytes;
            MaxConnections = maxConnections;
            StartedAt = DateTime.Now;
        }

        /// <summary>The address listened on ("::" with IPv4 mapped in, or one address).</summary>
        public string LocalAddress { get; }
        /// <summary>The port actually bound (the one picked when 0 was asked for).</summary>
        public int LocalPort { get; }
        public ServerArchitecture Architecture { get; }
        public TcpServiceKind Service { get; }
        /// <summary>How requests are cut from the stream, in Invoke-TcpConversation's terms ("Lines", "Delimiter '?'" …).</summary>
        public string Framing { get; }
        /// <summary>How long a connection may go without completing a request or taking a reply before it is closed.</summary>
        public double TimeoutSeconds { get; }
        /// <summary>The largest request, framing included; a larger one closes its connection. An inetd-style service: its longest line, 0 for a program (it reads the stream itself).</summary>
        public int MaxRequestBytes { get; }
        /// <summary>Connections served at once; more wait in the listen queue.</summary>
        public int MaxConnections { get; }
        /// <summary>The threads of a WorkerPool server (WorkerCount, at most MaxConnections); 0 for the other architectures.</summary>
        public int WorkerCount { get; internal set; }
        public DateTime StartedAt { get; }
        public TcpServerState State => Volatile.Read(ref stoppedAtMs) >= 0 ? TcpServerState.Stopped : TcpServerState.Running;
        /// <summary>Time since the start, or from the start to the stop.</summary>
        public double UptimeMs => Volatile.Read(ref stoppedAtMs) is var stopped && stopped >= 0 ? stopped : clock.Elapsed.TotalMilliseconds;
        public int ConnectionsOpen => Volatile.Read(ref open);
        /// <summary>Connections that ended well: the client closed between requests.</summary>
        public long ConnectionsServed => Interlocked.Read(ref served);
        /// <summary>Connections closed for a fault: idle too long, a request too large or cut off, a reset (GetErrors says which).</summary>
        public long ConnectionsFailed => Interlocked.Read(ref failed);
        /// <summary>Whole requests received (each is answered, or dropped by the Discard service).</summary>
        public long Requests => Interlocked.Read(ref requests);
        public long BytesReceived => Interlocked.Read(ref bytesReceived);
        public long BytesSent => Interlocked.Read(ref bytesSent);
        /// <summary>Clients speak TLS to this server (it has a certificate).</summary>
        public bool Tls => certificate != null;
        /// <summary>The subject of the server's certificate; null without TLS.</summary>
        public string? CertificateSubject => certificate?.Subject;
        /// <summary>SHA-256 of the server's certificate, hexadecimal; null without TLS.</summary>
        public string? CertificateThumbprint { get; private set; }
        /// <summary>The TLS versions accepted; empty means the system's defaults (TLS 1.2 and 1.3 on current systems).</summary>
        public IReadOnlyList<TlsVersion> TlsProtocol { get; private set; } = Array.Empty<TlsVersion>();
        public ClientCertificateMode ClientCertificateMode { get; private set; }

        /// <summary>The certificate the server presents (with its private key); null without TLS.</summary>
        public X509Certificate2? GetCertificate() => certificate;
        /// <summary>An inetd-style service's mode (Start-InetdService); null for a built-in service.</summary>
        public InetdMode? Mode { get; internal set; }
        /// <summary>An inetd-style service's command: the program and its arguments, or "{ scriptblock }"; null for a built-in service.</summary>
        public string? Command { get; internal set; }

        /// <summary>An HTTP server's per-route counters (requests, errors, p50/p99 latency), busiest first; empty for other services.</summary>
        public IReadOnlyList<HttpServerRouteStatistics> GetRoutes() => RouteSource?.Invoke() ?? Array.Empty<HttpServerRouteStatistics>();

        /// <summary>An HTTP server's last requests (the newest 1000 at most), oldest first; empty for other services.</summary>
        public IReadOnlyList<HttpServerLogEntry> GetRequestLog() => LogSource?.Invoke() ?? Array.Empty<HttpServerLogEntry>();

        internal Func<IReadOnlyList<HttpServerRouteStatistics>>? RouteSource { get; set; }
        internal Func<IReadOnlyList<HttpServerLogEntry>>? LogSource { get; set; }

        /// <summary>Why the last 20 failed connections failed, oldest first, as the error families.</summary>
        public IReadOnlyList<Exception> GetErrors()
        {
            lock (errors)
            {
                return errors.ToArray();
            }
        }

        /// <summary>
        /// The last 100 lines an inetd-style service's programs wrote to their standard error, oldest first, each after
        /// the client it served ("127.0.0.1:50000: ...").
        /// </summary>
        public IReadOnlyList<string> GetStandardError()
        {
            lock (errorLines)
            {
                return errorLines.ToArray();
            }
        }

        public override string ToString() => Command != null
            ? $"{Mode} '{Command}' on {Endpoints.Format(LocalAddress, LocalPort)} ({State})"
            : $"{Service} on {Endpoints.Format(LocalAddress, LocalPort)} ({Architecture}{(Tls ? ", TLS" : "")}, {State})";

        internal void UseTls(X509Certificate2 serverCertificate, IReadOnlyList<TlsVersion>? protocols, ClientCertificateMode mode)
        {
            certificate = serverCertificate;
            CertificateThumbprint = NetFoundations.Core.Tls.CertificateThumbprint.Sha256(serverCertificate);
            TlsProtocol = protocols ?? Array.Empty<TlsVersion>();
            ClientCertificateMode = mode;
        }

        internal void Opened() => Interlocked.Increment(ref open);

        internal void Closed(Exception? failure)
        {
            if (failure == null)
            {
                Interlocked.Increment(ref served);
            }
            else
            {
                Interlocked.Increment(ref failed);
                KeepError(failure);
            }
            Interlocked.Decrement(ref open);
        }

        /// <summary>A failure that did not end its connection (an HTTP handler that threw, answered with 500): kept with the others.</summary>
        internal void KeepError(Exception failure)
        {
            lock (errors)
            {
                if (errors.Count == MaxErrors)
                    errors.RemoveAt(0);
                errors.Add(failure);
            }
        }

        internal void StandardErrorLine(string line)
        {
            lock (errorLines)
            {
                if (errorLines.Count == MaxErrorLines)
                    errorLines.Dequeue();
                errorLines.Enqueue(line);
            }
        }

        internal void RequestReceived() => Interlocked.Increment(ref requests);

        internal void CountReceived(int count) => Interlocked.Add(ref bytesReceived, count);

        internal void CountSent(int count) => Interlocked.Add(ref bytesSent, count);

        internal void MarkStopped() => Volatile.Write(ref stoppedAtMs, clock.Elapsed.TotalMilliseconds);
    }
}
