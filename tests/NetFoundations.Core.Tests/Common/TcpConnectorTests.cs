using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Tests
{
    public sealed class TcpConnectorTests
    {
        private static readonly IPAddress Closed = IPAddress.Parse("127.0.0.2"); // loopback, where nothing listens

        private static Socket Listen()
        {
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(8);
            return listener;
        }

        private static int PortOf(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

        [Fact]
        public async Task The_next_address_is_tried_when_one_refuses()
        {
            using var listener = Listen();
            var port = PortOf(listener);

            using var socket = await TcpConnector.ConnectAsync(new[] { Closed, IPAddress.Loopback }, port, $"example:{port}",
                TimeSpan.FromSeconds(10), CancellationToken.None);

            Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), socket.RemoteEndPoint);
            Assert.True(socket.NoDelay);
            using var accepted = listener.Accept();
            Assert.Equal(socket.LocalEndPoint, accepted.RemoteEndPoint);
        }

        [Fact]
        public async Task When_every_address_refuses_the_refusal_names_the_target()
        {
            using var listener = Listen();
            var port = PortOf(listener);

            var error = await Assert.ThrowsAsync<ConnectionRefusedException>(() => TcpConnector.ConnectAsync(
                new[] { Closed, IPAddress.Parse("127.0.0.3") }, port, $"example:{port}", TimeSpan.FromSeconds(10), CancellationToken.None));

            Assert.Equal($"example:{port}", error.Target);
            Assert.IsType<SocketException>(error.InnerException);
        }

        [Fact]
        public async Task An_address_that_never_answers_ends_at_the_deadline()
        {
            using var silent = new SilentPort();
            var clock = Stopwatch.StartNew();

            var error = await Assert.ThrowsAsync<NetworkTimeoutException>(() => TcpConnector.ConnectAsync(
                new[] { IPAddress.Loopback }, silent.Port, "silent", TimeSpan.FromMilliseconds(500), CancellationToken.None));

            Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(5));
            Assert.Equal(NetworkErrorKind.Timeout, error.Kind);
            Assert.Equal("silent", error.Target);
        }

        [Fact]
        public async Task One_deadline_bounds_all_the_attempts_together()
        {
            // The silent address takes the whole time: the refusing one after it is not tried, and the
            // error is the timeout rather than its refusal.
            using var silent = new SilentPort();
            var clock = Stopwatch.StartNew();

            await Assert.ThrowsAsync<NetworkTimeoutException>(() => TcpConnector.ConnectAsync(
                new[] { IPAddress.Loopback, Closed }, silent.Port, "silent", TimeSpan.FromMilliseconds(500), CancellationToken.None));

            Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(5));
        }

        [Fact]
        public async Task An_address_that_refuses_leaves_the_rest_of_the_time_to_the_next()
        {
            // The timeout is long enough that the refusal cannot use it up even on a busy machine: the
            // silent address after it is still tried, and waited for until the deadline.
            using var silent = new SilentPort();
            var clock = Stopwatch.StartNew();

            await Assert.ThrowsAsync<NetworkTimeoutException>(() => TcpConnector.ConnectAsync(
                new[] { Closed, IPAddress.Loopback }, silent.Port, "silent", TimeSpan.FromSeconds(3), CancellationToken.None));

            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2.9), TimeSpan.FromSeconds(10));
        }

        [Fact]
        public async Task Cancellation_ends_a_connect_that_gets_no_answer()
        {
            using var silent = new SilentPort();
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            var clock = Stopwatch.StartNew();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TcpConnector.ConnectAsync(
                new[] { IPAddress.Loopback }, silent.Port, "silent", TimeSpan.FromMinutes(10), cancel.Token));

            Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
        }

        [Fact]
        public async Task A_host_name_is_resolved_and_connected_to()
        {
            using var listener = Listen();
            var port = PortOf(listener);

            using var socket = await TcpConnector.ConnectAsync("localhost", null, port, TimeSpan.FromSeconds(10), CancellationToken.None);

            Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), socket.RemoteEndPoint);
        }

        [Fact]
        public async Task A_refused_host_is_reported_as_host_and_port()
        {
            var port = Tcp.TcpPeer.ClosedPort();

            var error = await Assert.ThrowsAsync<ConnectionRefusedException>(
                () => TcpConnector.ConnectAsync("127.0.0.1", null, port, TimeSpan.FromSeconds(10), CancellationToken.None));

            Assert.Equal($"127.0.0.1:{port}", error.Target);
        }

        [Fact]
        public async Task An_unknown_name_is_a_name_resolution_error()
        {
            await Assert.ThrowsAsync<NameResolutionException>(() => TcpConnector.ConnectAsync(
                new string('x', 64) + ".invalid", null, 80, TimeSpan.FromSeconds(10), CancellationToken.None));
        }
    
        [Fact]
        public async Task Addresses_given_with_a_name_are_connected_to_without_resolving_it()
        {
            using var listener = Listen();
            var port = PortOf(listener);

            // The name does not resolve: only the given address can have been used.
            using var socket = await TcpConnector.ConnectAsync(new string('x', 64) + ".invalid", new[] { IPAddress.Loopback }, port,
                TimeSpan.FromSeconds(10), CancellationToken.None);

            Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), socket.RemoteEndPoint);
        }
    }
}
