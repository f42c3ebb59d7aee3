using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Tcp;

namespace NetFoundations.Core.Tests.Tcp
{
    public sealed class TcpPortScannerTests
    {
        private static async Task<List<TcpPortResult>> Scan(IEnumerable<TcpPortTarget> targets, int throttle = 64, Transcript? transcript = null)
        {
            var results = new List<TcpPortResult>();
            await TcpPortScanner.ScanAsync(targets.ToList(), throttle, TimeSpan.FromSeconds(2), transcript ?? new Transcript(),
                results.Add, null, CancellationToken.None);
            return results;
        }

        [Fact]
        public async Task Open_and_closed_ports_are_data_in_input_order()
        {
            using var peer = new TcpPeer("tcp_echo.py");
            var closed = TcpPeer.ClosedPort();
            var transcript = new Transcript();
            var results = await Scan(new[] { new TcpPortTarget("127.0.0.1", closed), new TcpPortTarget("127.0.0.1", peer.Port) }, transcript: transcript);

            Assert.Equal(new[] { closed, peer.Port }, results.Select(r => r.Port));
            Assert.False(results[0].Open);
            Assert.Equal(TcpPortFailure.Refused, results[0].FailureKind);
            Assert.True(results[1].Open);
            Assert.Equal(TcpPortFailure.None, results[1].FailureKind);
            Assert.NotNull(results[1].LatencyMs);
            Assert.Equal("127.0.0.1", results[1].Address!.ToString());
            Assert.Equal(2, transcript.Entries.Count);
            Assert.Contains("open", transcript.Entries[1].Text);
        }

        [Fact]
        public async Task Many_ports_come_back_in_order_with_the_one_open_port_found()
        {
            using var peer = new TcpPeer("tcp_echo.py");
            var ports = Enumerable.Range(Math.Max(1, peer.Port - 1500), 3000).Where(p => p <= 65535).ToList();
            var results = await Scan(ports.Select(p => new TcpPortTarget("127.0.0.1", p)), throttle: 256);

            Assert.Equal(ports, results.Select(r => r.Port));
            Assert.Contains(results, r => r.Port == peer.Port && r.Open);
            Assert.All(results.Where(r => !r.Open), r => Assert.NotEqual(TcpPortFailure.None, r.FailureKind));
        }

        [Fact]
        public async Task Unresolvable_name_is_data_with_name_resolution()
        {
            var results = await Scan(new[] { new TcpPortTarget("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.invalid", 80), new TcpPortTarget("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.invalid", 443) });

            Assert.All(results, r =>
            {
                Assert.False(r.Open);
                Assert.Equal(TcpPortFailure.NameResolution, r.FailureKind);
                Assert.Null(r.Address);
                Assert.NotNull(r.Message);
            });
            Assert.Equal(new[] { 80, 443 }, results.Select(r => r.Port));
        }

        [Fact]
        public async Task Hosts_then_ports_order_with_names()
        {
            using var peer = new TcpPeer("tcp_echo.py");
            var closed = TcpPeer.ClosedPort();
            var targets = new[] { "localhost", "127.0.0.1" }.SelectMany(h => new[] { peer.Port, closed }.Select(p => new TcpPortTarget(h, p)));
            var results = await Scan(targets);

            Assert.Equal(new[] { "localhost", "localhost", "127.0.0.1", "127.0.0.1" }, results.Select(r => r.ComputerName));
            Assert.Equal(new[] { true, false, true, false }, results.Select(r => r.Open));
        }

        [Fact]
        public async Task Port_that_never_answers_times_out()
        {
            using var silent = new SilentPort();
            var results = new List<TcpPortResult>();
            await TcpPortScanner.ScanAsync(new[] { new TcpPortTarget("127.0.0.1", silent.Port) }, 1, TimeSpan.FromMilliseconds(300), null,
                results.Add, null, CancellationToken.None);

            var result = Assert.Single(results);
            Assert.Equal(TcpPortFailure.Timeout, result.FailureKind);
            Assert.Null(result.LatencyMs);
        }

        [Fact]
        public async Task Cancellation_ends_a_scan_that_waits_for_answers()
        {
            using var silent = new SilentPort();
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            var scan = TcpPortScanner.ScanAsync(new[] { new TcpPortTarget("127.0.0.1", silent.Port) }, 1, TimeSpan.FromMinutes(10), null,
                _ => { }, null, cancel.Token);

            Assert.Same(scan, await Task.WhenAny(scan, Task.Delay(TimeSpan.FromSeconds(30))));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scan);
        }

        [Fact]
        public async Task Cancellation_stops_the_scan()
        {
            using var cancel = new CancellationTokenSource();
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TcpPortScanner.ScanAsync(
                Enumerable.Range(1, 1000).Select(p => new TcpPortTarget("127.0.0.1", p)).ToList(), 16, TimeSpan.FromSeconds(1),
                new Transcript(), _ => { }, null, cancel.Token));
        }

        [Fact]
        public async Task A_sweep_of_silent_ports_in_waves_ends_within_its_deadline()
        {
            using var silent = new SilentPort();
            var targets = Enumerable.Range(0, 6).Select(_ => new TcpPortTarget("127.0.0.1", silent.Port)).ToList();
            var timeout = TimeSpan.FromMilliseconds(300);
            var deadline = TcpPortScanner.Deadline(targets.Count, 2, timeout);
            var results = new List<TcpPortResult>();

            var watch = System.Diagnostics.Stopwatch.StartNew();
            await TcpPortScanner.ScanAsync(targets, 2, timeout, null, results.Add, null, CancellationToken.None);
            watch.Stop();

            Assert.All(results, r => Assert.Equal(TcpPortFailure.Timeout, r.FailureKind));
            Assert.Equal(6, results.Count);
            Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(3 * 300 - 50), $"three waves of 300 ms took only {watch.Elapsed}");
            Assert.True(watch.Elapsed < deadline, $"took {watch.Elapsed}, deadline {deadline}");
        }

        [Fact]
        public void The_deadline_grows_with_the_waves_and_is_always_finite()
        {
            var oneWave = TcpPortScanner.Deadline(256, 256, TimeSpan.FromSeconds(1));
            var allPorts = TcpPortScanner.Deadline(65535, 256, TimeSpan.FromSeconds(1));
            Assert.True(allPorts >= TimeSpan.FromSeconds(256), $"{allPorts} is less than 256 waves of 1 s");
            Assert.True(allPorts - oneWave >= TimeSpan.FromSeconds(255));
            Assert.True(oneWave < TimeSpan.FromSeconds(30), $"one wave of 1 s may take {oneWave}");
            Assert.Equal(TimeSpan.Zero, TcpPortScanner.Deadline(0, 256, TimeSpan.FromSeconds(1)));
            Assert.Throws<ArgumentOutOfRangeException>(() => TcpPortScanner.Deadline(1, 1, Timeout.InfiniteTimeSpan));
        }

        [Fact]
        public void Bad_targets_are_rejected()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new TcpPortTarget("127.0.0.1", 0));
            Assert.Throws<ArgumentException>(() => new TcpPortTarget(" ", 80));
        }
    }
}
