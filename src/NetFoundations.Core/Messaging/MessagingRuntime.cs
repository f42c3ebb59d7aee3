using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using NetMQ;

namespace NetFoundations.Core.Messaging
{
    /// <summary>
    /// Opens ZeroMQ sockets and ends NetMQ: its context (I/O threads) is shared by the process, started with the first
    /// socket and cleaned up without waiting (Cleanup(false)) when the module is removed or the process exits, so
    /// neither hangs on a socket someone forgot, nor on messages still lingering.
    /// </summary>
    public static class MessagingRuntime
    {
        private static readonly Regex EndpointPattern = new Regex(@"^(tcp://[^/\s]+:(\d{1,5}|\*)|inproc://\S+)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
        private static int exitHooked;

        public static MessageSocket Open(MessageSocketOptions options)
        {
            if (options.Bind.Count + options.Connect.Count == 0)
                throw new ArgumentException("Give at least one endpoint to bind or connect (tcp://address:port or inproc://name).");
            foreach (var endpoint in options.Bind.Concat(options.Connect))
                if (!EndpointPattern.IsMatch(endpoint))
                    throw new ArgumentException($"'{endpoint}' is not an endpoint: use tcp://address:port (port 0 or * to bind one the system chooses) or inproc://name.");
            if (options.Subscribe.Count > 0 && options.Type != MessageSocketType.Sub)
                throw new ArgumentException($"Only a Sub socket subscribes to topics; this is a {options.Type} socket.");
            if (options.MaxMessageBytes < 1 || options.MaxMessageBytes > MessageSocketOptions.MaxMaxMessageBytes)
                throw new ArgumentException($"The message size bound must be between 1 and {MessageSocketOptions.MaxMaxMessageBytes} bytes.");
            if (Interlocked.Exchange(ref exitHooked, 1) == 0)
                AppDomain.CurrentDomain.ProcessExit += (_, __) => Shutdown();
            return MessageSocketActor.Open(options);
        }

        /// <summary>Sends a batch of messages; Push and Req wait for a peer until timeout, Pub counts what no subscriber matched.</summary>
        public static Task<SendOutcome> SendAsync(MessageSocket socket, IReadOnlyList<OutgoingMessage> messages, DateTime? deadline, Transcript? transcript, CancellationToken cancel) =>
            Actor(socket).SendAsync(messages, deadline, transcript, cancel);

        /// <summary>Waits (until the token is cancelled) for a message, then takes up to max that have arrived.</summary>
        public static Task<IReadOnlyList<MessageItem>> ReceiveAsync(MessageSocket socket, int max, Transcript? transcript, CancellationToken cancel) =>
            Actor(socket).ReceiveAsync(max, transcript, cancel);

        /// <summary>Pub: waits until the topics have subscribers and count subscriptions were seen.</summary>
        public static Task<int> WaitForSubscribersAsync(MessageSocket socket, IReadOnlyList<string> topics, int count, TimeSpan timeout, CancellationToken cancel) =>
            Actor(socket).WaitForSubscribersAsync(topics, count, timeout, cancel);

        /// <summary>
        /// Closes every socket still open and ends NetMQ's context without waiting for lingering messages. The
        /// context comes back by itself with the next socket.
        /// </summary>
        public static void Shutdown()
        {
            foreach (var socket in MessageSocket.GetOpen())
                socket.Dispose();
            try
            {
                NetMQConfig.Cleanup(block: false);
            }
            catch (Exception)
            {
                // Cleanup at exit or removal must not fail the exit or the removal.
            }
        }

        private static MessageSocketActor Actor(MessageSocket socket) =>
            socket.Handle is MessageSocketActor actor && !actor.IsClosed
                ? actor
                : throw new ConnectionLostException($"The {socket.Type} socket {socket.Endpoint} is closed.", socket.Endpoint);
    }
}
