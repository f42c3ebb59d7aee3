using System;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Udp;

namespace NetFoundations.Core.Tests.Udp
{
    public sealed class UdpDatagramClientTests
    {
        /// <summary>A label longer than 63 characters: the resolver fails before sending any query.</summary>
        internal static readonly string UnresolvableName = new string('a', 64) + ".invalid";

        private static UdpSendOptions Quick(bool broadcast = false) => new UdpSendOptions
        {
            InitialDelay = TimeSpan.FromSeconds(0.05),
            MaxDelay = TimeSpan.FromSeconds(0.4),
            Broadcast = broadcast,
        };

        /// <summary>Waits long enough that a reply from a loaded machine still counts as the first attempt's.</summary>
        private static UdpSendOptions Patient() => new UdpSendOptions
        {
            InitialDelay = TimeSpan.FromSeconds(0.5),
            MaxDelay = TimeSpan.FromSeconds(10),
        };

        private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

        [Fact]
        public async Task EchoRoundTrip()
        {
            using var peer = PythonPeer.Echo();
            var transcript = new Transcript();

            var reply = await UdpDatagramClient.RequestAsync("127.0.0.1", peer.Port, Utf8("héllo"), Patient(), transcript, CancellationToken.None);

            Assert.Equal("héllo", reply.Text);
            Assert.Equal(Utf8("héllo"), reply.GetData());
            Assert.Equal(IPAddress.Loopback.ToString(), reply.RemoteAddress);
            Assert.Equal(peer.Port, reply.RemotePort);
            Assert.Equal("127.0.0.1", reply.ComputerName);
            Assert.Equal(1, reply.Attempts);
            Assert.NotEqual(0, reply.LocalPort);
            Assert.True(reply.RoundTripMs > 0);
            Assert.Contains(transcript.Entries, e => e.Direction == TranscriptDirection.Sent && e.Text == "héllo");
            Assert.Contains(transcript.Entries, e => e.Direction == TranscriptDirection.Received && e.Text == "héllo");
        }

        [Fact]
        public async Task EchoOverIPv6ByName()
        {
            using var peer = PythonPeer.Echo("--host", "::1");

            var reply = await UdpDatagramClient.RequestAsync("[::1]", peer.Port, Utf8("six"), new UdpSendOptions(), new Transcript(), CancellationToken.None);

            Assert.Equal("six", reply.Text);
            Assert.Equal(IPAddress.IPv6Loopback.ToString(), reply.RemoteAddress);
        }

        [Fact]
        public async Task LargestIPv4DatagramMakesTheRoundTrip()
        {
            using var peer = PythonPeer.Echo();
            var data = Enumerable.Range(0, UdpLimits.MaxPayloadIPv4).Select(i => (byte)i).ToArray();

            var reply = await UdpDatagramClient.RequestAsync("127.0.0.1", peer.Port, data, new UdpSendOptions(), new Transcript(), CancellationToken.None);

            Assert.Equal(data, reply.GetData());
        }

        [Fact]
        public async Task RetransmitsUntilTheServerAnswers()
        {
            using var peer = PythonPeer.Echo("--drop", "2");
            var transcript = new Transcript();

            var reply = await UdpDatagramClient.RequestAsync("127.0.0.1", peer.Port, Utf8("again"), Patient(), transcript, CancellationToken.None);

            Assert.Equal("again", reply.Text);
            Assert.Equal(3, reply.Attempts);
            Assert.Equal(3, transcript.Entries.Count(e => e.Direction == TranscriptDirection.Sent));
        }

        [Fact]
        public async Task SilentPeerTimesOutAfterTheBackoffSchedule()
        {
            using var peer = PythonPeer.Echo("--mode", "silent");
            var transcript = new Transcript();

            // 0.05, 0.1, 0.2, 0.4 s; the next wait (0.8 s) would exceed 0.4 s.
            var options = Quick();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<NetworkTimeoutException>(() =>
                UdpDatagramClient.RequestAsync("127.0.0.1", peer.Port, Utf8("anyone?"), options, transcript, CancellationToken.None));

            // The cmdlet's overall deadline is built from the schedule: the waits together stay under twice the longest.
            Assert.True(watch.Elapsed < options.Deadline - options.ResolveTimeout, $"took {watch.Elapsed}");
            Assert.Contains("after 4 attempts", error.Message);
            Assert.Equal($"127.0.0.1:{peer.Port}", error.Target);
            Assert.Equal(4, transcript.Entries.Count(e => e.Direction == TranscriptDirection.Sent));
            Assert.Equal(TranscriptDirection.ClientError, transcript.Entries.Last().Direction);
        }

        [Fact]
        public async Task ReplyFromAnotherPortIsIgnored()
        {
            using var peer = PythonPeer.Echo("--mode", "stranger");
            var transcript = new Transcript();

            await Assert.ThrowsAsync<NetworkTimeoutException>(() =>
                UdpDatagramClient.RequestAsync("127.0.0.1", peer.Port, Utf8("who?"), Quick(), transcript, CancellationToken.None));

            Assert.Contains(transcript.Entries, e => e.Direction == TranscriptDirection.Info && e.Text.Contains("ignored"));
            Assert.Contains(transcript.Entries, e => e.Direction == TranscriptDirection.Received && e.Text == "stranger: who?");
        }

        [Fact]
        public async Task StrangerIsSkippedAndTheRealReplyAccepted()
        {
            using var peer = PythonPeer.Echo("--mode", "stranger-first");
            var transcript = new Transcript();

            var reply = await UdpDatagramClient.RequestAsync("127.0.0.1", peer.Port, Utf8("real"), new UdpSendOptions(), transcript, CancellationToken.None);

            Assert.Equal("real", reply.Text);
            Assert.Equal(peer.Port, reply.RemotePort);
            Assert.Contains(transcript.Entries, e => e.Text.Contains("ignored"));
        }

        [Fact]
        public async Task ReplyFromAnotherAddressIsIgnoredUnlessBroadcast()
        {
            using var peer = PythonPeer.Echo("--mode", "stranger", "--stranger-host", "127.0.0.2");

            await Assert.ThrowsAsync<NetworkTimeoutException>(() =>
                UdpDatagramClient.RequestAsync("127.0.0.1", peer.Port, Utf8("one"), Quick(), new Transcript(), CancellationToken.None));
            var reply = await UdpDatagramClient.RequestAsync("127.0.0.1", peer.Port, Utf8("two"), Quick(broadcast: true), new Transcript(), CancellationToken.None);

            Assert.Equal("stranger: two", reply.Text);
            Assert.Equal(IPAddress.Parse("127.0.0.2").ToString(), reply.RemoteAddress);
            Assert.Equal(peer.Port, reply.RemotePort);
        }

        [Fact]
        public async Task ClosedPortIsRefused()
        {
            var port = PythonPeer.ClosedPort();

            var error = await Assert.ThrowsAsync<ConnectionRefusedException>(() =>
                UdpDatagramClient.RequestAsync("127.0.0.1", port, Utf8("hello?"), Quick(), new Transcript(), CancellationToken.None));

            Assert.Equal($"127.0.0.1:{port}", error.Target);
        }

        [Fact]
        public async Task UnknownHostFailsResolution()
        {
            await Assert.ThrowsAsync<NameResolutionException>(() =>
                UdpDatagramClient.RequestAsync(UnresolvableName, 7, Utf8("x"), Quick(), new Transcript(), CancellationToken.None));
        }

        [Fact]
        public async Task OversizedDatagramIsRefusedBeforeSending()
        {
            using var peer = PythonPeer.Echo();
            var transcript = new Transcript();

            var error = await Assert.ThrowsAsync<InvalidNetworkRequestException>(() =>
                UdpDatagramClient.RequestAsync("127.0.0.1", peer.Port, new byte[UdpLimits.MaxPayloadIPv4 + 1], Quick(), transcript, CancellationToken.None));

            Assert.Contains("65508 bytes", error.Message);
            Assert.Empty(transcript.Entries);
        }

        [Fact]
        public async Task CancellationEndsTheWait()
        {
            using var peer = PythonPeer.Echo("--mode", "silent");
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(0.3));
            var slow = new UdpSendOptions { InitialDelay = TimeSpan.FromSeconds(30), MaxDelay = TimeSpan.FromSeconds(60) };

            var request = UdpDatagramClient.RequestAsync("127.0.0.1", peer.Port, Utf8("x"), slow, new Transcript(), cancel.Token);

            // The generous bound only keeps a broken cancellation from hanging the run.
            Assert.Same(request, await Task.WhenAny(request, Task.Delay(TimeSpan.FromSeconds(10))));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        }

        [Fact]
        public async Task SendWithoutReplyReachesAReceiver()
        {
            using var receiver = await UdpReceiver.BindAsync("127.0.0.1", 0, new Transcript(), CancellationToken.None);
            var transcript = new Transcript();

            var sent = await UdpDatagramClient.SendAsync("localhost", receiver.LocalEndPoint.Port, Utf8("fire"), new UdpSendOptions(), transcript, CancellationToken.None);
            UdpDatagram? got = null;
            var count = await receiver.ReceiveAsync(new UdpReceiveOptions { Count = 1, Timeout = TimeSpan.FromSeconds(10) },
                (datagram, _) => { got = datagram; return Task.FromResult<byte[]?>(null); }, CancellationToken.None);

            Assert.Equal(4, sent.BytesSent);
            Assert.Equal(IPAddress.Loopback.ToString(), sent.RemoteAddress);
            Assert.Equal(1, count);
            Assert.Equal("fire", got!.Text);
            Assert.Equal(sent.LocalPort, got.RemotePort);
            Assert.Contains(transcript.Entries, e => e.Direction == TranscriptDirection.Sent && e.Text == "fire");
        }
    }
}
