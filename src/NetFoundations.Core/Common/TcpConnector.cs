using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core
{
    /// <summary>
    /// Opens a TCP connection to a host the way every client here does: resolve once, then try each
    /// address in order until one connects, all attempts within one deadline that Ctrl+C (the token)
    /// also ends. A host with several addresses (IPv4 and IPv6, or a name with a dead first address)
    /// is still reached while one of them answers.
    /// </summary>
    internal static class TcpConnector
    {
        /// <summary>
        /// Connects to the addresses given with host, or else resolves host (an address literal is taken as is)
        /// within timeout (Endpoints.AddressesAsync); then connects to them within another timeout. Returns the connected socket, Nagle off: the clients here
        /// write whole messages and wait for the answer. A failure (unresolved, refused, out of time,
        /// cancelled) is noted in transcript when one is given.
        /// </summary>
        public static async Task<Socket> ConnectAsync(string host, IReadOnlyList<IPAddress>? addresses, int port, TimeSpan timeout,
            CancellationToken cancellationToken, Transcript? transcript = null)
        {
            Endpoints.ValidatePort(port);
            var target = Endpoints.Format(host, port);
            var clock = Stopwatch.StartNew();
            try
            {
                var resolved = await Endpoints.AddressesAsync(host, addresses, timeout, cancellationToken).ConfigureAwait(false);
                return await ConnectAddressesAsync(resolved, port, target, timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                NoteFailure(transcript, $"Connecting to {target}", e, clock.Elapsed);
                throw;
            }
        }

        /// <summary>
        /// Connects to the first of addresses that accepts, in order. Each attempt gets the time left of
        /// timeout; when one fails (refused, unreachable) the next is tried, and when none connects the
        /// last failure is thrown as the project's error family (a timeout once the time is spent).
        /// target names the connection in errors. Cancellation throws OperationCanceledException. A failure is noted
        /// in transcript when one is given.
        /// </summary>
        public static async Task<Socket> ConnectAsync(IReadOnlyList<IPAddress> addresses, int port, string target, TimeSpan timeout,
            CancellationToken cancellationToken, Transcript? transcript = null)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                return await ConnectAddressesAsync(addresses, port, target, timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                NoteFailure(transcript, $"Connecting to {target}", e, clock.Elapsed);
                throw;
            }
        }

        private static async Task<Socket> ConnectAddressesAsync(IReadOnlyList<IPAddress> addresses, int port, string target, TimeSpan timeout,
            CancellationToken cancellationToken)
        {
            if (addresses == null || addresses.Count == 0)
                throw new ArgumentException("At least one address is needed.", nameof(addresses));
            Endpoints.ValidatePort(port);
            var bounded = timeout > TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan;
            var clock = Stopwatch.StartNew();
            NetworkException? failure = null;
            foreach (var address in addresses)
            {
                var remaining = bounded ? timeout - clock.Elapsed : Timeout.InfiniteTimeSpan;
                if (bounded && remaining <= TimeSpan.Zero)
                    break;
                Socket? socket = null;
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                if (bounded)
                    attempt.CancelAfter(remaining);
                try
                {
                    socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    // netstandard2.0's connect takes no token: closing the socket is what ends it.
                    using (attempt.Token.Register(socket.Dispose))
                        await socket.ConnectAsync(new IPEndPoint(address, port)).ConfigureAwait(false);
                    // The deadline may have closed the socket just as the connect finished.
                    attempt.Token.ThrowIfCancellationRequested();
                    return socket;
                }
                catch (Exception e)
                {
                    socket?.Dispose();
                    cancellationToken.ThrowIfCancellationRequested();
                    // The attempt's timer is the deadline itself: once it fired, no time is left for another address.
                    if (attempt.IsCancellationRequested)
                        throw TimedOut(target, timeout, e);
                    if (e is SocketException error)
                        failure = SocketErrors.Translate(error, target);
                    else
                        throw;
                }
            }
            throw failure ?? TimedOut(target, timeout, null);
        }

        /// <summary>
        /// Notes in transcript (when there is one) why a stage of a connection did not complete, so that a transcript
        /// never ends without saying so: the error's own words, or, when the caller's token ended it (the command's
        /// deadline or Ctrl+C), how long the stage had run.
        /// </summary>
        internal static void NoteFailure(Transcript? transcript, string stage, Exception error, TimeSpan elapsed)
        {
            if (transcript == null)
                return;
            transcript.ClientError(error switch
            {
                NetworkException network => network.Message,
                OperationCanceledException _ => $"{stage} did not complete: stopped after {elapsed.TotalSeconds:0.###} s (the command's deadline or Ctrl+C).",
                _ => $"{stage} failed: {error.Message}",
            });
        }

        private static NetworkTimeoutException TimedOut(string target, TimeSpan timeout, Exception? inner) =>
            new NetworkTimeoutException($"Connecting to {target} took longer than {timeout.TotalSeconds:0.###} s.", target, inner);
    }
}
