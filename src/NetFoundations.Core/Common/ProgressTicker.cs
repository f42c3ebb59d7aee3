using System;
using System.Threading;

namespace NetFoundations.Core
{
    /// <summary>
    /// Calls report every Period while long work runs, for a progress bar: often enough that it moves, rarely enough
    /// that thousands of quick results do not become thousands of progress records. Work shorter than one Period shows
    /// none. After Dispose, report is not called again (the caller then writes the final state itself).
    /// </summary>
    public sealed class ProgressTicker : IDisposable
    {
        public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(250);

        private readonly object gate = new object();
        private readonly Action report;
        private readonly Timer timer;
        private bool stopped;

        public ProgressTicker(Action report)
        {
            this.report = report ?? throw new ArgumentNullException(nameof(report));
            timer = new Timer(_ => Tick(), null, Period, Period);
        }

        /// <summary>True once report has been called: the caller then owes the progress bar its Completed record.</summary>
        public bool Reported { get; private set; }

        private void Tick()
        {
            lock (gate)
            {
                if (stopped)
                    return;
                Reported = true;
                report();
            }
        }

        public void Dispose()
        {
            lock (gate)
                stopped = true;
            timer.Dispose();
        }
    }
}
