using System;
using System.Threading;

namespace NetFoundations.Core.Ssh
{
    /// <summary>
    /// A token cancelled when nothing has moved for Limit (each Moved() starts the wait again) or when the caller's
    /// token is cancelled: a transfer that keeps moving runs on, one that stalls ends after Limit.
    /// </summary>
    internal sealed class ProgressDeadline : IDisposable
    {
        private readonly CancellationToken outer;
        private readonly CancellationTokenSource source;

        public ProgressDeadline(TimeSpan limit, CancellationToken outer)
        {
            this.outer = outer;
            Limit = limit;
            source = CancellationTokenSource.CreateLinkedTokenSource(outer);
            Moved();
        }

        public TimeSpan Limit { get; }

        public CancellationToken Token => source.Token;

        /// <summary>True when this deadline (not the caller's token) ended the work.</summary>
        public bool Passed => source.IsCancellationRequested && !outer.IsCancellationRequested;

        /// <summary>Something moved: the wait starts again (no effect once passed).</summary>
        public void Moved()
        {
            if (Limit <= TimeSpan.Zero || Limit == Timeout.InfiniteTimeSpan)
                return;
            try
            {
                source.CancelAfter(Limit);
            }
            catch (ObjectDisposedException)
            {
                // a late progress report from work already abandoned
            }
        }

        public void Dispose() => source.Dispose();
    }
}
