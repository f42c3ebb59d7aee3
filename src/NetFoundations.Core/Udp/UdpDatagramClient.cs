using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Udp
{
    /// <summary>
    /// The UDP client of the book's chapter 2: send a datagram, wait for the reply with exponential
    /// backoff, and accept the reply only from the address and port it was sent to.
    /// </summary>
    public static class UdpDatagramClient
    {
        /// <summary>
        /// Sends data and waits for a reply, retransmitting after InitialDelay, then after twice that,
        /// and so on; gives up (NetworkTimeoutException) when the next wait would exceed MaxDelay.
        /// Datagrams from any other address or port are recorded in the transcript and ignored.
        /// </summary>
        public static Task<UdpReply> RequestAsync(string computerName, int port, byte[] data, UdpSendOptions options,
            Transcript transcript, CancellationToken cancellationToken) =>
            WithSocketAsync(computerName, port, data, options, transcript, cancellationToken,
                (socket, remote, target) => ExchangeAsync(socket, remote, target, computerName, data, options, transcript, cancellationToken));

        /// <summary>Sends data once and returns without waiting for anything.</summary>
        public static Task<UdpSendResult> SendAsync(string computerName, int port, byte[] data, UdpSendOptions options,
            Transcript transcript, CancellationToken cancellationToken) =>
            WithSocketAsync(computerName, port, data, options, transcript, cancellationToken, async (socket, remote, target) =>
            {
                await SendOnceAsync(socket, remote, data, transcript, "").ConfigureAwait(false);
                return new UdpSendResult(computerName, remote.Address, remote.Port, (IPEndPoint)socket.LocalEndPoint, data.Length, DateTimeOffset.Now);
            });

        private static async Task<UdpReply> ExchangeAsync(Socket socket, IPEndPoint remote, string target, string computerName, byte[] data,
            UdpSendOptions options, Transcript transcript, CancellationToken cancellationToken)
        {
            var buffer = new byte[65536];
            var clock = Stopwatch.StartNew();
            var receive = ReceiveAsync(socket, buffer);
            try
            {
                var delay = options.InitialDelay;
                for (var attempt = 1; ; attempt++)
                {
                    await SendOnceAsync(socket, remote, data, transcript, $" (attempt {attempt}, then waiting {delay.TotalSeconds:0.###} s)").ConfigureAwait(false);
                    var sentAt = clock.Elapsed;
                    var waited = Task.Delay(delay, cancellationToken);
                    while (true)
                    {
                        var finished = await Task.WhenAny(receive, waited).ConfigureAwait(false);
                        cancellationToken.ThrowIfCancellationRequested();
                        if (finished != receive)
                            break;
                        var result = await receive.ConfigureAwait(false);
                        var from = (IPEndPoint)result.RemoteEndPoint;
                        var accepted = from.Port == remote.Port && (options.Broadcast || from.Address.Equals(remote.Address));
                        transcript.Note(accepted ? $"from {from}" : $"from {from}, which is not {remote}: ignored");
                        transcript.Received(buffer, 0, result.ReceivedBytes);
                        if (accepted)
                        {
                            var reply = new byte[result.ReceivedBytes];
                            Buffer.BlockCopy(buffer, 0, reply, 0, reply.Length);
                            return new UdpReply(computerName, from.Address, from.Port, (IPEndPoint)socket.LocalEndPoint, reply,
                                options.Encoding.GetString(reply), attempt, clock.Elapsed - sentAt);
                        }
                        receive = ReceiveAsync(socket, buffer);
                    }

                    var next = TimeSpan.FromTicks(delay.Ticks * 2);
                    if (next > options.MaxDelay)
                    {
                        var message = $"No reply from {target} after {attempt} attempt{(attempt == 1 ? "" : "s")} in {clock.Elapsed.TotalSeconds:0.#} s " +
                            $"(the next wait, {next.TotalSeconds:0.###} s, would exceed the maximum delay of {options.MaxDelay.TotalSeconds:0.###} s).";
                        transcript.ClientError(message);
                        throw new NetworkTimeoutException(message, target);
                    }
                    delay = next;
                }
            }
            finally
            {
                Observe(receive);
            }
        }

        private static async Task SendOnceAsync(Socket socket, IPEndPoint remote, byte[] data, Transcript transcript, string detail)
        {
            await socket.SendToAsync(new ArraySegment<byte>(data), SocketFlags.None, remote).ConfigureAwait(false);
            transcript.Note($"to {remote}{detail}");
            transcript.Sent(data, 0, data.Length);
        }

        private static Task<SocketReceiveFromResult> ReceiveAsync(Socket socket, byte[] buffer) =>
            socket.ReceiveFromAsync(new ArraySegment<byte>(buffer), SocketFlags.None, AnyEndPoint(socket.AddressFamily));

        private static async Task<T> WithSocketAsync<T>(string computerName, int port, byte[] data, UdpSendOptions options,
            Transcript transcript, CancellationToken cancellationToken, Func<Socket, IPEndPoint, string, Task<T>> body)
        {
            Endpoints.ValidatePort(port);
            var target = Endpoints.Format(computerName, port);
            UdpLimits.CheckPayload(data.Length, AddressFamily.InterNetworkV6, target);
            var address = (await Endpoints.AddressesAsync(computerName, options.Addresses, options.ResolveTimeout, cancellationToken).ConfigureAwait(false))[0];
            UdpLimits.CheckPayload(data.Length, address.AddressFamily, target);

            using var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            using var cancel = cancellationToken.Register(socket.Dispose);
            try
            {
                socket.EnableBroadcast = options.Broadcast;
                LinuxSockets.ReportIcmpErrors(socket);
                socket.Bind(AnyEndPoint(address.AddressFamily));
                return await body(socket, new IPEndPoint(address, port), target).ConfigureAwait(false);
            }
            catch (Exception e) when (cancellationToken.IsCancellationRequested && (e is SocketException || e is ObjectDisposedException))
            {
                throw new OperationCanceledException(cancellationToken);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused || e.SocketErrorCode == SocketError.ConnectionReset)
            {
                transcript.ClientError($"ICMP port unreachable: nothing listens on UDP port {port} at {address}.");
                throw new ConnectionRefusedException($"{target} ({address}) refused the datagram: nothing listens on UDP port {port} (ICMP port unreachable).", target, e);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AccessDenied && !options.Broadcast)
            {
                throw new InvalidNetworkRequestException($"Sending to {target} was denied; if {address} is a broadcast address, ask for broadcast.", target, e);
            }
            catch (SocketException e)
            {
                throw SocketErrors.Translate(e, target);
            }
        }

        internal static IPEndPoint AnyEndPoint(AddressFamily family) =>
            new IPEndPoint(family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);

        /// <summary>Keeps a receive abandoned at the end (it fails when the socket closes) from surfacing as an unobserved exception.</summary>
        internal static void Observe(Task task) =>
            task.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
    }
}
