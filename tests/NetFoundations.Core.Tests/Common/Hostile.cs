using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Tests
{
    /// <summary>
    /// The hostile-server tests of every protocol: they measure the whole process's memory, so they run alone, never
    /// beside another test class.
    /// </summary>
    [CollectionDefinition(nameof(HostileCollection), DisableParallelization = true)]
    public sealed class HostileCollection
    {
    }

    /// <summary>What a call against a hostile server did: its error, how long it took, and the memory it left and peaked at.</summary>
    public sealed record HostileOutcome(Exception? Error, TimeSpan Elapsed, long Growth, long Peak);

    /// <summary>
    /// The rule every hostile case checks (docs/architecture.md, "Deadlines, bounds and credentials"): a typed error
    /// within the deadline plus 2 s of grace, and less than 64 MiB of memory kept.
    /// </summary>
    public static class Hostile
    {
        public const long MaxGrowth = 64L << 20;
        public static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

        /// <summary>Runs the call and measures it, sampling the heap while it runs to report the peak; asserts nothing.</summary>
        public static async Task<HostileOutcome> MeasureAsync(Func<Task> call)
        {
            var before = GC.GetTotalMemory(true);
            long peak = 0;
            using var done = new CancellationTokenSource();
            var sampling = Task.Run(async () =>
            {
                while (!done.IsCancellationRequested)
                {
                    peak = Math.Max(peak, GC.GetTotalMemory(false) - before);
                    await Task.Delay(10);
                }
            });
            var watch = Stopwatch.StartNew();
            var error = await Record.ExceptionAsync(call);
            var elapsed = watch.Elapsed;
            done.Cancel();
            await sampling;
            var growth = GC.GetTotalMemory(true) - before;
            GC.KeepAlive(call); // what the call's closure holds (a transcript) counts as kept
            return new HostileOutcome(error, elapsed, growth, peak);
        }

        /// <summary>Runs the call and asserts the rule: it failed, within the deadline plus the grace, keeping less than 64 MiB.</summary>
        public static async Task<HostileOutcome> FailsInTimeAsync(Func<Task> call, TimeSpan deadline)
        {
            var outcome = await MeasureAsync(call);
            Assert.True(outcome.Error != null, $"the call succeeded after {outcome.Elapsed}");
            Assert.True(outcome.Elapsed < deadline + Grace, $"took {outcome.Elapsed}: {outcome.Error}");
            Assert.True(outcome.Growth < MaxGrowth, $"memory grew by {outcome.Growth >> 20} MiB");
            return outcome;
        }
    }
}
