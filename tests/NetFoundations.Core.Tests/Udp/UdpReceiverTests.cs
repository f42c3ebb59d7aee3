using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Udp;

namespace NetFoundations.Core.Tests.Udp
{
    public sealed class UdpReceiverTests
    {
        private static readonly Func<UdpDatagram, CancellationToken, Task<byte[]?>> NoReply = (_, _) => Task.FromResult<byte[]?>(null);

        [Fact]
        public async Task ReceivesWhatPythonSends()
        {
            var transcript = new Transcript();
            using var receiver = await UdpReceiver.BindAsync("127.0.0.1", 0, transcript, CancellationToken.None);
            using var sender = PythonPeer.Start("udp_sender.py", "127.0.0.1", receiver.LocalEndPoint.Port.ToString(), "one", "two", "three");
            var datagrams = new List<UdpDatagram>();

            var count = await receiver.ReceiveAsync(new UdpReceiveOptions { Count = 3, Timeout = TimeSpan.FromSeconds(20) },
                (datagram, _) => { datagrams.Add(datagram); return Task.FromResult<byte[]?>(null); }, CancellationToken.None);

            Assert.Equal(3, count);
            Assert.Equal(new[] { "one", "two", "three" }, datagrams.ConvertAll(d => d.Text));
            Assert.All(datagrams, d => Assert.Equal(IPAddress.Loopback.ToString(), d.RemoteAddress));
            Assert.Single(new HashSet<int>(datagrams.ConvertAll(d => d.RemotePort)));
            Assert.Equal(receiver.LocalEndPoint.Port, datagrams[0].LocalPort);
            Assert.Equal(Encoding.UTF8.GetBytes("two"), datagrams[1].GetData());
            Assert.Equal(3, transcript.Entries.Count(e => e.Direction == TranscriptDirection.Received));
        }

        [Fact]
        public async Task RepliesToTheSenderAsTheBooksServer()
        {
            using var receiver = await UdpReceiver.BindAsync("::1", 0, new Transcript(), CancellationToken.None);
            using var sender = PythonPeer.Start("udp_sender.py", "::1", receiver.LocalEndPoint.Port.ToString(), "abc", "hello", "--replies");

            await receiver.ReceiveAsync(new UdpReceiveOptions { Count = 2, Timeout = TimeSpan.FromSeconds(20) },
                (datagram, _) => Task.FromResult<byte[]?>(Encoding.UTF8.GetBytes($"Your data was {datagram.GetData().Length} bytes long")),
                CancellationToken.None);

            Assert.Equal(new[] { "REPLY Your data was 3 bytes long", "REPLY Your data was 5 bytes long", "DONE" }, sender.OutputLines());
        }

        [Fact]
        public async Task TimeoutEndsListeningWithoutError()
        {
            var transcript = new Transcript();
            using var receiver = await UdpReceiver.BindAsync("127.0.0.1", 0, transcript, CancellationToken.None);

            var count = await receiver.ReceiveAsync(new UdpReceiveOptions { Count = 5, Timeout = TimeSpan.FromSeconds(0.3) }, NoReply, CancellationToken.None);

            Assert.Equal(0, count);
            Assert.Contains(transcript.Entries, e => e.Text.StartsWith("stopped listening"));
        }

        [Fact]
        public async Task PortInUseIsAClearError()
        {
            using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)taken.LocalEndPoint!).Port;

            var error = await Assert.ThrowsAsync<InvalidNetworkRequestException>(() =>
                UdpReceiver.ListenAsync("127.0.0.1", port, new UdpReceiveOptions(), NoReply, new Transcript(), CancellationToken.None));

            Assert.Contains("already in use", error.Message);
        }

        [Fact]
        public async Task OversizedReplyIsRefused()
        {
            using var receiver = await UdpReceiver.BindAsync("127.0.0.1", 0, new Transcript(), CancellationToken.None);
            using var sender = PythonPeer.Start("udp_sender.py", "127.0.0.1", receiver.LocalEndPoint.Port.ToString(), "big?");

            await Assert.ThrowsAsync<InvalidNetworkRequestException>(() =>
                receiver.ReceiveAsync(new UdpReceiveOptions { Count = 1, Timeout = TimeSpan.FromSeconds(20) },
                    (_, _) => Task.FromResult<byte[]?>(new byte[UdpLimits.MaxPayloadIPv4 + 1]), CancellationToken.None));
        }

        [Fact]
        public async Task CancellationEndsListening()
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(0.3));

            var listen = UdpReceiver.ListenAsync("127.0.0.1", 0, new UdpReceiveOptions(), NoReply, new Transcript(), cancel.Token);

            Assert.Same(listen, await Task.WhenAny(listen, Task.Delay(TimeSpan.FromSeconds(10))));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listen);
        }
    }
}
