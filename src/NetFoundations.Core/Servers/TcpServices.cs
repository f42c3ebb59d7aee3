using System;
using System.Collections.Generic;
using System.Text;
using NetFoundations.Core.Tcp;

namespace NetFoundations.Core.Servers
{
    /// <summary>One answer to one request: the bytes to send (null for none) and how long to wait before sending them.</summary>
    internal readonly struct ServiceAnswer
    {
        public ServiceAnswer(byte[]? bytes, TimeSpan delay)
        {
            Bytes = bytes;
            Delay = delay;
        }

        public byte[]? Bytes { get; }
        public TimeSpan Delay { get; }
    }

    /// <summary>
    /// A built-in service: turns one request into its reply. Pure and thread-safe, so every architecture can call it
    /// from whatever thread serves the connection, and waits (the simulated delay) the way that architecture waits.
    /// </summary>
    internal abstract class TcpService
    {
        /// <summary>The framing the service's protocol fixes, or null when requests are framed as the server is told.</summary>
        public virtual TcpFraming? Framing => null;

        /// <summary>The reply's payload, framed by the server as requests are (null for no reply).</summary>
        public abstract byte[]? Reply(byte[] request);

        /// <summary>True when Reply is already the bytes for the wire (the protocol ends its own replies).</summary>
        public virtual bool FramesItsReplies => false;

        public static TcpService For(TcpServiceKind kind) => kind switch
        {
            TcpServiceKind.Echo => new EchoService(),
            TcpServiceKind.Discard => new DiscardService(),
            TcpServiceKind.UpperCaseEcho => new UpperCaseEchoService(),
            TcpServiceKind.Zen => new ZenService(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "No such service."),
        };

        private sealed class EchoService : TcpService
        {
            public override byte[]? Reply(byte[] request) => request;
        }

        private sealed class DiscardService : TcpService
        {
            public override byte[]? Reply(byte[] request) => null;
        }

        /// <summary>Upper-cases ASCII letters only, byte by byte, so any encoding and binary data pass through unharmed.</summary>
        private sealed class UpperCaseEchoService : TcpService
        {
            public override byte[]? Reply(byte[] request)
            {
                var reply = new byte[request.Length];
                for (var i = 0; i < request.Length; i++)
                {
                    var b = request[i];
                    reply[i] = b >= (byte)'a' && b <= (byte)'z' ? (byte)(b - 32) : b;
                }
                return reply;
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

        public override byte[]? Reply(byte[] request)
        {
            // Whitespace around a question (a client that ends its lines, or starts the next one) does not change it.
            var question = Encoding.UTF8.GetString(request).Trim();
            return Encoding.UTF8.GetBytes(Answers.TryGetValue(question, out var answer) ? answer : UnknownQuestionReply);
        }
    }
}
