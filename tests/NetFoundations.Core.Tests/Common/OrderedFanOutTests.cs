using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Tests
{
    public sealed class OrderedFanOutTests
    {
        [Fact]
        public void Results_finished_out_of_order_are_handed_on_in_input_order_as_runs()
        {
            var runs = new List<int[]>();
            var fanOut = new OrderedFanOut<string>(4, run => runs.Add(run.Select(int.Parse).ToArray()));
            for (var i = 0; i < 4; i++)
                Assert.Equal(i, fanOut.TryStart());

            fanOut.Finish(2, "2");
            fanOut.Finish(1, "1");
            Assert.Empty(runs);
            fanOut.Finish(0, "0");
            fanOut.Finish(3, "3");

            Assert.Equal(new[] { new[] { 0, 1, 2 }, new[] { 3 } }, runs);
            Assert.Equal(4, fanOut.Finished);
            Assert.Equal(0, fanOut.Running);
        }

        [Fact]
        public void No_more_than_the_limit_start_until_one_finishes()
        {
            var fanOut = new OrderedFanOut<int>(2, _ => { });
            Assert.Equal(0, fanOut.TryStart());
            Assert.Equal(1, fanOut.TryStart());
            Assert.False(fanOut.HasRoom);
            Assert.Equal(-1, fanOut.TryStart());

            fanOut.Finish(1, 1);

            Assert.True(fanOut.HasRoom);
            Assert.Equal(2, fanOut.TryStart());
        }

        [Fact]
        public void A_known_count_of_inputs_ends_the_starts()
        {
            var fanOut = new OrderedFanOut<int>(10, _ => { }, count: 3);
            Assert.Equal(new[] { 0, 1, 2, -1, -1 }, Enumerable.Range(0, 5).Select(_ => fanOut.TryStart()));
            Assert.Equal(3, fanOut.Running);
        }

        [Fact]
        public void A_slow_first_input_holds_back_thousands_of_results_and_none_is_lost()
        {
            var handedOn = new List<int>();
            var fanOut = new OrderedFanOut<int>(5000, run => handedOn.AddRange(run));
            for (var i = 0; i < 5000; i++)
                fanOut.TryStart();
            for (var i = 4999; i >= 1; i--)
                fanOut.Finish(i, i);
            Assert.Empty(handedOn);

            fanOut.Finish(0, 0);

            Assert.Equal(Enumerable.Range(0, 5000), handedOn);
        }

        [Fact]
        public async Task Work_on_many_threads_stays_within_the_limit_and_comes_out_in_order()
        {
            const int inputs = 2000, limit = 8;
            var handedOn = new List<int>();
            var fanOut = new OrderedFanOut<int>(limit, run => handedOn.AddRange(run), inputs);
            var running = 0;
            var mostRunning = 0;
            var random = new Random(15);
            var delays = Enumerable.Range(0, inputs).Select(_ => random.Next(3)).ToArray();

            // Workers start inputs while the fan-out has room and finish them after a short, uneven wait.
            async Task Worker()
            {
                int index;
                while ((index = fanOut.TryStart()) >= 0)
                {
                    var now = Interlocked.Increment(ref running);
                    InterlockedMax(ref mostRunning, now);
                    await Task.Delay(delays[index]);
                    Interlocked.Decrement(ref running);
                    fanOut.Finish(index, index);
                }
            }

            await Task.WhenAll(Enumerable.Range(0, limit * 2).Select(_ => Task.Run(Worker))).WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(Enumerable.Range(0, inputs), handedOn);
            Assert.InRange(mostRunning, 1, limit);
            Assert.Equal(inputs, fanOut.Finished);
        }

        [Fact]
        public void Cancellation_stops_the_starts_and_what_runs_still_comes_out()
        {
            using var cancel = new CancellationTokenSource();
            var handedOn = new List<int>();
            var fanOut = new OrderedFanOut<int>(4, run => handedOn.AddRange(run), cancellationToken: cancel.Token);
            Assert.Equal(0, fanOut.TryStart());
            Assert.Equal(1, fanOut.TryStart());

            cancel.Cancel();

            Assert.True(fanOut.Stopped);
            Assert.Equal(-1, fanOut.TryStart());
            fanOut.Finish(1, 1);
            fanOut.Finish(0, 0);
            Assert.Equal(new[] { 0, 1 }, handedOn);
        }

        [Fact]
        public void Stop_ends_the_starts_as_cancellation_does()
        {
            var fanOut = new OrderedFanOut<int>(4, _ => { });
            fanOut.Stop();
            Assert.True(fanOut.Stopped);
            Assert.Equal(-1, fanOut.TryStart());
        }

        [Fact]
        public async Task Waiting_for_room_ends_when_an_input_finishes_or_after_the_wait()
        {
            var fanOut = new OrderedFanOut<int>(1, _ => { });
            Assert.True(fanOut.WaitForRoom(TimeSpan.Zero));
            var index = fanOut.TryStart();
            Assert.False(fanOut.WaitForRoom(TimeSpan.FromMilliseconds(50)));

            var finisher = Task.Run(async () =>
            {
                await Task.Delay(100);
                fanOut.Finish(index, 0);
            });
            var waited = await Task.Run(() => fanOut.WaitForRoom(TimeSpan.FromSeconds(30)));

            Assert.True(waited);
            await finisher;
        }

        [Fact]
        public void An_input_finished_twice_is_refused()
        {
            var fanOut = new OrderedFanOut<int>(4, _ => { });
            fanOut.TryStart();
            fanOut.TryStart();
            fanOut.Finish(1, 1);
            Assert.Throws<ArgumentException>(() => fanOut.Finish(1, 1));
            fanOut.Finish(0, 0);
            Assert.Throws<ArgumentException>(() => fanOut.Finish(0, 0));
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }
}
