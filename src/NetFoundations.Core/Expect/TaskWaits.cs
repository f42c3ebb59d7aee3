using System;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Expect
{
    /// <summary>
    /// Waits that give up when a token fires, for calls that do not watch a token themselves. The task goes on;
    /// the caller may wait for it again or clean up after it. A token that has fired wins even over a task that
    /// has completed: a loop whose every wait completes at once (a peer flooding data) still ends on time.
    /// </summary>
    internal static class TaskWaits
    {
        public static async Task<T> WithCancellation<T>(this Task<T> task, CancellationToken cancellationToken)
        {
            await Completion(task, cancellationToken).ConfigureAwait(false);
            return await task.ConfigureAwait(false);
        }

        public static async Task WithCancellation(this Task task, CancellationToken cancellationToken)
        {
            await Completion(task, cancellationToken).ConfigureAwait(false);
            await task.ConfigureAwait(false);
        }

        private static async Task Completion(Task task, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (task.IsCompleted)
                return;
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(() => cancelled.TrySetResult(true)))
                if (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false) != task)
                    throw new OperationCanceledException(cancellationToken);
        }
    }
}
