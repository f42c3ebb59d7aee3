using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Tcp;

namespace NetFoundations.Core.Servers
{
    /// <summary>
    /// One answer to one request: the bytes to send (null for none) and how long to wait before sending them — or the
    /// failure that ends the connection once the answers before it are sent.
    /// </summary>
    internal readonly struct ServiceAnswer
    {
        public ServiceAnswer(byte[]? bytes, TimeSpan delay)
        {
            Bytes = bytes;
            Delay = delay;
            Failure = null;
        }

        private ServiceAnswer(Exception failure)
        {
            Bytes = null;
            Delay = TimeSpan.Zero;
            Failure = failure;
        }

        public byte[]? Bytes { get; }
        public TimeSpan Delay { get; }
        public Exception? Failure { get; }

        public static ServiceAnswer Failed(Exception failure) => new ServiceAnswer(failure);
    }

    /// <summary>
    /// What a server answers with: turns one request into its replies. The built-in ones are pure and thread-safe, so
    /// every architecture can call them from whatever thread serves the connection, and waits (the simulated delay) the
    /// way that architecture waits. The caller's handler may take its time: Awaits says so, and asynchronous
    /// architectures then await ReplyAsync instead of blocking on Reply.
    /// </summary>
    internal abstract class TcpService
    {
        private static readonly byte[][] NoReply = Array.Empty<byte[]>();

        /// <summary>The framing the service's protocol fixes, or null when requests are framed as the server is told.</summary>
        public virtual TcpFraming? Framing => null;

        /// <summary>The replies' payloads, each framed by the server as requests are (none for no reply).</summary>
        public abstract IReadOnlyList<byte[]> Reply(byte[] request, TcpServerPeer client, CancellationToken cancel);

        /// <summary>As Reply, for a service whose replies take their time.</summary>
        public virtual Task<IReadOnlyList<byte[]>> ReplyAsync(byte[] request, TcpServerPeer client, CancellationToken cancel) =>
            Task.FromResult(Reply(request, client, cancel));

        /// <summary>True when replies should be awaited (ReplyAsync) rather than waited for on the serving thread.</summary>
        public virtual bool Awaits => false;

        /// <summary>True when Reply is already the bytes for the wire (the protocol ends its own replies).</summary>
        public virtual bool FramesItsReplies => false;

        public static TcpService For(TcpServiceKind kind, TcpRequestHandler? handler) => kind switch
        {
            TcpServiceKind.Echo => new EchoService(),
            TcpServiceKind.Discard => new DiscardService(),
            TcpServiceKind.UpperCaseEcho => new UpperCaseEchoService(),
            TcpServiceKind.Zen => new ZenService(),
            TcpServiceKind.Handler => new HandlerService(handler ?? throw new InvalidNetworkRequestException("The Handler service needs a handler.", null)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "No such service."),
        };

        protected static IReadOnlyList<byte[]> One(byte[] reply) => new[] { reply };

        protected static IReadOnlyList<byte[]> None => NoReply;

        private sealed class EchoService : TcpService
        {
            public override IReadOnlyList<byte[]> Reply(byte[] request, TcpServerPeer client, CancellationToken cancel) => One(request);
        }

        private sealed class DiscardService : TcpService
        {
            public override IReadOnlyList<byte[]> Reply(byte[] request, TcpServerPeer client, CancellationToken cancel) => None;
        }

        /// <summary>Upper-cases ASCII letters only, byte by byte, so any encoding and binary data pass through unharmed.</summary>
        private sealed class UpperCaseEchoService : TcpService
        {
            public override IReadOnlyList<byte[]> Reply(byte[] request, TcpServerPeer client, CancellationToken cancel)
            {
                var reply = new byte[request.Length];
                for (var i = 0; i < request.Length; i++)
                {
                    var b = request[i];
                    reply[i] = b >= (byte)'a' && b <= (byte)'z' ? (byte)(b - 32) : b;
                }
                return One(reply);
            }
        }
    }

    /// <summary>
    /// The book's Zen protocol: a question is text that ends with '?', the answer text that ends with '.', so both sides
    /// frame by their own last character. The pairs are lines of PEP 20, "The Zen of Python"; any other question gets an
    /// error reply that ends with '.' as well, so a client reading up to '.' is never left waiting.
    /// </summary>
    internal sealed class ZenService : TcpService
    {
        public const string UnknownQuestionReply = "Error: unknown question.";

        private static readonly TcpFraming QuestionFraming = TcpFraming.Delimited(new[] { (byte)'?' });

        private static readonly Dictionary<string, string> Answers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Beautiful is better than"] = "Ugly.",
            ["Explicit is better than"] = "Implicit.",
            ["Simple is better than"] = "Complex.",
            ["Complex is better than"] = "Complicated.",
            ["Flat is better than"] = "Nested.",
            ["Sparse is better than"] = "Dense.",
            ["Now is better than"] = "Never.",
        };

        /// <summary>The questions the service knows, each with its '?'.</summary>
        public static IEnumerable<string> Questions
        {
            get
            {
                foreach (var question in Answers.Keys)
                    yield return question + "?";
            }
        }

        public override TcpFraming? Framing => QuestionFraming;

        public override bool FramesItsReplies => true;

        public override IReadOnlyList<byte[]> Reply(byte[] request, TcpServerPeer client, CancellationToken cancel)
        {
            // Whitespace around a question (a client that ends its lines, or starts the next one) does not change it.
            var question = Encoding.UTF8.GetString(request).Trim();
            return One(Encoding.UTF8.GetBytes(Answers.TryGetValue(question, out var answer) ? answer : UnknownQuestionReply));
        }
    }
}

namespace NetFoundations.Core.Servers
{
    /// <summary>The caller's handler as a service: its failures become the connection's, named as the handler's.</summary>
    internal sealed class HandlerService : TcpService
    {
        private readonly TcpRequestHandler handler;

        public HandlerService(TcpRequestHandler handler) => this.handler = handler;

        public override bool Awaits => true;

        public override IReadOnlyList<byte[]> Reply(byte[] request, TcpServerPeer client, CancellationToken cancel) =>
            ReplyAsync(request, client, cancel).GetAwaiter().GetResult();

        public override async Task<IReadOnlyList<byte[]>> ReplyAsync(byte[] request, TcpServerPeer client, CancellationToken cancel)
        {
            try
            {
                return await handler.ReplyAsync(request, client, cancel).ConfigureAwait(false) ?? None;
            }
            catch (Exception e) when (!(e is NetworkException) && !(e is OperationCanceledException && cancel.IsCancellationRequested))
            {
                throw new InvalidNetworkRequestException($"The handler failed on a request from {client}: {e.Message}", client.ToString(), e);
            }
        }
    }
}
