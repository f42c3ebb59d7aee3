using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Servers
{
    /// <summary>An inetd-style service: where it listens, the command it runs, how, and the bounds on every connection.</summary>
    public sealed class InetdServiceOptions
    {
        /// <summary>A process per connection is heavier than a task: fewer run at once by default than a built-in service's connections.</summary>
        public const int DefaultMaxConnections = 64;
        public const int DefaultMaxLineBytes = 64 * 1024;

        /// <summary>IPAddress.IPv6Any listens on every address, IPv4 ones too (dual mode).</summary>
        public IPAddress LocalAddress { get; set; } = IPAddress.Loopback;

        /// <summary>0 picks a free port; the server reports the one bound.</summary>
        public int Port { get; set; }

        public InetdMode Mode { get; set; } = InetdMode.Nowait;

        /// <summary>The program: a path, or a name looked up on PATH. Null when a text handler is the command.</summary>
        public string? FilePath { get; set; }

        /// <summary>The program's arguments, each one argument as it is (no shell parses them).</summary>
        public IList<string> Arguments { get; set; } = new List<string>();

        /// <summary>Where the program runs; null for the current directory.</summary>
        public string? WorkingDirectory { get; set; }

        /// <summary>The command when it is not a program (a scriptblock in the shell).</summary>
        public IInetdTextHandler? TextHandler { get; set; }

        /// <summary>How a connection may go without a byte moving either way before it is closed (and its program killed).</summary>
        public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Connections served at once (nowait); more wait in the listen queue.</summary>
        public int MaxConnections { get; set; } = DefaultMaxConnections;

        /// <summary>The longest line a text handler is given, its end included; a longer one closes the connection.</summary>
        public int MaxLineBytes { get; set; } = DefaultMaxLineBytes;

        internal void Validate()
        {
            if (LocalAddress == null)
                throw new InvalidNetworkRequestException("A local address is needed.", null);
            if (Port < 0 || Port > 65535)
                throw new InvalidNetworkRequestException($"The port {Port} is not between 0 and 65535.", null);
            if ((FilePath == null) == (TextHandler == null))
                throw new InvalidNetworkRequestException("An inetd-style service runs either a program or a text handler (a scriptblock).", null);
            if (IdleTimeout <= TimeSpan.Zero)
                throw new InvalidNetworkRequestException("The idle timeout must be positive.", null);
            if (MaxConnections < 1)
                throw new InvalidNetworkRequestException("A service serves at least one connection at a time.", null);
            if (MaxLineBytes < 1)
                throw new InvalidNetworkRequestException("The line limit must be at least 1 byte.", null);
        }
    }

    /// <summary>
    /// A command that works on text rather than a program's standard streams: the shell's scriptblocks. Core cuts the
    /// connection into lines and writes back the lines the command gives; the command runs however its host runs it.
    /// </summary>
    public interface IInetdTextHandler
    {
        /// <summary>How the command is shown in the server's record ("{ ... }"; shortened there).</summary>
        string Description { get; }

        /// <summary>Nowait: starts the command for one connection. Lines come in with AddAsync, then Complete at the client's half-close.</summary>
        IInetdTextRun Start(InetdTextConnection connection, CancellationToken cancel);

        /// <summary>Wait: the command serves the listening socket (a client is waiting on it) and accepts clients itself; the service watches the listener again when it ends.</summary>
        Task ServeListenerAsync(Socket listener, CancellationToken cancel);
    }

    /// <summary>One connection's run of a text command.</summary>
    public interface IInetdTextRun
    {
        /// <summary>Gives the command a line the client sent (without its end); waits while the command has too many not yet taken.</summary>
        Task AddAsync(string line, CancellationToken cancel);

        /// <summary>The client sent its last line (it half-closed).</summary>
        void Complete();

        /// <summary>Ends when the command has ended; faults with its error.</summary>
        Task Completion { get; }
    }
}
