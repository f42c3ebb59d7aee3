using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Udp
{
    /// <summary>
    /// The UDP server of the book's chapter 2: a socket bound to a local address and port that
    /// hands each datagram to a handler, one at a time, and sends back the reply the handler returns.
    /// </summary>
    public sealed class UdpReceiver : IDisposable
    {
        private readonly Socket socket;
        private readonly Transcript transcript;

        private UdpReceiver(Socket socket, Transcript transcript)
        {
            this.socket = socket;
            this.transcript = transcript;
            LocalEndPoint = (IPEndPoint)socket.LocalEndPoint;
        }

        public IPEndPoint LocalEndPoint { get; }

        /// <summary>Binds, receives until options say stop, and closes; returns how many datagrams came.</summary>
        public static async Task<int> ListenAsync(string localAddress, int port, UdpReceiveOptions options,
            Func<UdpDatagram, CancellationToken, Task<byte[]?>> handler, Transcript transcript, CancellationToken cancellationToken)
        {
            using var receiver = await BindAsync(localAddress, port, transcript, cancellationToken).ConfigureAwait(false);
            return await receiver.ReceiveAsync(options, handler, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Binds a UDP socket to localAddress (a literal or a name) and port; port 0 picks a free port.</summary>
        public static async Task<UdpReceiver> BindAsync(string localAddress, int port, Transcript transcript, CancellationToken cancellationToken)
        {
            if (port != 0)
                Endpoints.ValidatePort(port);
            var target = Endpoints.Format(localAddress, port);
            var address = (await Endpoints.ResolveAsync(localAddress, null, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false))[0];
            var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                // "::" takes IPv4 datagrams too, as the TCP servers do; their senders are shown as IPv4 addresses.
                if (address.Equals(IPAddress.IPv6Any))
                    socket.DualMode = true;
                socket.Bind(new IPEndPoint(address, port));
            }
            catch (SocketException e)
            {
                socket.Dispose();
                throw e.SocketErrorCode switch
                {
                    SocketError.AddressAlreadyInUse => new InvalidNetworkRequestException($"UDP port {port} on {address} is already in use by another socket.", target, e),
                    SocketError.AccessDenied => new UnauthorizedAccessException($"Binding UDP port {port} on {address} was denied: ports below 1024 need privileges.", e),
                    SocketError.AddressNotAvailable => new InvalidNetworkRequestException($"{address} is not an address of this machine.", target, e),
                    _ => SocketErrors.Translate(e, target),
                };
            }
            var receiver = new UdpReceiver(socket, transcript);
            transcript.Note($"listening on UDP {receiver.LocalEndPoint}");
            return receiver;
        }

        /// <summary>
        /// Receives datagrams and passes each to handler; a non-null result is sent back to the
        /// datagram's sender. Stops after options.Count datagrams or when options.Timeout has
        /// passed; returns how many came.
        /// </summary>
        public async Task<int> ReceiveAsync(UdpReceiveOptions options, Func<UdpDatagram, CancellationToken, Task<byte[]?>> handler,
            CancellationToken cancellationToken)
        {
            using var cancel = cancellationToken.Register(socket.Dispose);
            var buffer = new byte[65536];
            // One timer for the whole listen; with no timeout, cancellation ends the receive itself.
            var expired = options.Timeout == Timeout.InfiniteTimeSpan ? null : Task.Delay(options.Timeout, cancellationToken);
            var received = 0;
            try
            {
                while (options.Count == 0 || received < options.Count)
                {
                    var receive = socket.ReceiveFromAsync(new ArraySegment<byte>(buffer), SocketFlags.None, UdpDatagramClient.AnyEndPoint(socket.AddressFamily));
                    // WhenAny prefers the receive when both are complete.
                    if (expired != null && await Task.WhenAny(receive, expired).ConfigureAwait(false) != receive)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        UdpDatagramClient.Observe(receive);
                        transcript.Note($"stopped listening after {options.Timeout.TotalSeconds:0.###} s with {received} datagram{(received == 1 ? "" : "s")}");
                        break;
                    }

                    SocketReceiveFromResult result;
                    try
                    {
                        result = await receive.ConfigureAwait(false);
                    }
                    catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset || e.SocketErrorCode == SocketError.ConnectionRefused)
                    {
                        // Windows reports an ICMP port unreachable for an earlier reply on the next receive.
                        transcript.Note("a peer we replied to was gone (ICMP port unreachable)");
                        continue;
                    }

                    var from = (IPEndPoint)result.RemoteEndPoint;
                    var data = new byte[result.ReceivedBytes];
                    Buffer.BlockCopy(buffer, 0, data, 0, data.Length);
                    transcript.Note($"from {from}");
                    transcript.Received(data, 0, data.Length);
                    received++;

                    var sender = from.Address.IsIPv4MappedToIPv6 ? from.Address.MapToIPv4() : from.Address;
                    var reply = await handler(new UdpDatagram(sender, from.Port, LocalEndPoint, data, options.Encoding.GetString(data), DateTimeOffset.Now),
                        cancellationToken).ConfigureAwait(false);
                    if (reply != null)
                    {
                        UdpLimits.CheckPayload(reply.Length, socket.AddressFamily, from.ToString());
                        await socket.SendToAsync(new ArraySegment<byte>(reply), SocketFlags.None, from).ConfigureAwait(false);
                        transcript.Note($"to {from}");
                        transcript.Sent(reply, 0, reply.Length);
                    }
                }
            }
            catch (Exception e) when (cancellationToken.IsCancellationRequested && (e is SocketException || e is ObjectDisposedException))
            {
                throw new OperationCanceledException(cancellationToken);
            }
            catch (SocketException e)
            {
                throw SocketErrors.Translate(e, LocalEndPoint.ToString());
            }
            return received;
        }

        public void Dispose() => socket.Dispose();
    }
}
