using System;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core
{
    /// <summary>Bounds one stage of a connection by a timeout: when it runs out, the connection is closed under the stage.</summary>
    internal static class Stages
    {
        public static async Task<T> RunAsync<T>(Func<Task<T>> work, IDisposable connection, TimeSpan timeout, string stage, string target,
            CancellationToken cancellationToken)
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (timeout > TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
                bounded.CancelAfter(timeout);
            using (bounded.Token.Register(connection.Dispose))
            {
                try
                {
                    return await work().ConfigureAwait(false);
                }
                catch (Exception e) when (bounded.IsCancellationRequested)
                {
                    // Whatever closing the connection made the work throw, the cause is the cancellation.
                    cancellationToken.ThrowIfCancellationRequested();
                    throw new NetworkTimeoutException($"{stage} with {target} did not finish within {timeout.TotalSeconds:0.###} s.", target, e);
                }
            }
        }

        public static Task RunAsync(Func<Task> work, IDisposable connection, TimeSpan timeout, string stage, string target,
            CancellationToken cancellationToken) =>
            RunAsync(async () => { await work().ConfigureAwait(false); return true; }, connection, timeout, stage, target, cancellationToken);
    }
}
