using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Udp;

namespace NetFoundations.Core.Tests.Udp
{
    public sealed class PathMtuTests
    {
        [Fact]
        public async Task LoopbackMtuIsTheLargestPacket()
        {
            using var peer = PythonPeer.Echo("--mode", "silent");
            var transcript = new Transcript();

            var result = await PathMtu.MeasureAsync("127.0.0.1", null, peer.Port, TimeSpan.FromSeconds(5), transcript, CancellationToken.None);

            // lo's MTU is 65536; Linux reports at most 65535 (IPv4's largest packet) for IPv4 routes.
            Assert.InRange(result.Mtu, 65535, 65536);
            Assert.Equal(UdpLimits.MaxPayloadIPv4, result.MaxPayload);
            Assert.Equal(IPAddress.Loopback.ToString(), result.Address);
            Assert.Equal(1, result.Probes);
            Assert.Contains(transcript.Entries, e => e.Direction == TranscriptDirection.Sent && e.ByteCount == UdpLimits.MaxPayloadIPv4);
        }

        [Fact]
        public async Task IPv6PayloadAllowsForTheLongerHeader()
        {
            var result = await PathMtu.MeasureAsync("::1", null, PythonPeer.ClosedPort(), TimeSpan.FromSeconds(5), new Transcript(), CancellationToken.None);

            Assert.Equal(65536, result.Mtu);
            Assert.Equal(65536 - 40 - 8, result.MaxPayload);
        }

        [Fact]
        public async Task UnknownHostFailsResolution()
        {
            await Assert.ThrowsAsync<NameResolutionException>(() =>
                PathMtu.MeasureAsync(UdpDatagramClientTests.UnresolvableName, null, 9, TimeSpan.FromSeconds(5), new Transcript(), CancellationToken.None));
        }
    }
}
