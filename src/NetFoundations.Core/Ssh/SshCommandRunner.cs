using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Ssh
{
    /// <summary>Where commands run: an open session, or a host to connect to for these commands only.</summary>
    public sealed class SshCommandTarget
    {
        private SshCommandTarget(SshSession? session, SshConnectionOptions? options)
        {
            Session = session;
            Options = options;
        }

        public SshSession? Session { get; }
        public SshConnectionOptions? Options { get; }
        public string Name => Session?.ToString() ?? Options!.Target;

        /// <summary>The longest time reaching the target takes: its connect timeout, or nothing for an open session.</summary>
        internal TimeSpan ConnectBound => Session == null ? Options!.ConnectTimeout : TimeSpan.Zero;

        /// <summary>How long the session's own waits on the server (opening a channel or a shell) may take.</summary>
        internal TimeSpan ReplyBound => Session?.Connection().ConnectTimeout ?? Options!.ConnectTimeout;

        public static SshCommandTarget Of(SshSession session) => new SshCommandTarget(session ?? throw new ArgumentNullException(nameof(session)), null);

        public static SshCommandTarget Connect(SshConnectionOptions options) => new SshCommandTarget(null, options ?? throw new ArgumentNullException(nameof(options)));
    }

    /// <summary>Runs commands on many hosts at once, at most throttleLimit hosts at a time; the commands of one host run side by side on separate channels.</summary>
    public static class SshCommandRunner
    {
        /// <summary>
        /// The longest RunAsync can take when every bound inside it holds: the targets in waves of throttleLimit, each
        /// connecting, then running its commands side by side for at most commandTimeout and their output's drain.
        /// </summary>
        public static TimeSpan Deadline(IReadOnlyList<SshCommandTarget> targets, int throttleLimit, TimeSpan commandTimeout)
        {
            if (commandTimeout <= TimeSpan.Zero || commandTimeout == Timeout.InfiniteTimeSpan)
                throw new ArgumentOutOfRangeException(nameof(commandTimeout), commandTimeout, "A command's timeout is finite.");
            if (targets.Count == 0)
                return TimeSpan.Zero;
            var waves = (targets.Count + throttleLimit - 1) / Math.Max(1, throttleLimit);
            var longestTarget = targets.Max(t => t.ConnectBound) + commandTimeout + SshConnection.OutputDrainBound;
            return TimeSpan.FromTicks(longestTarget.Ticks * waves);
        }

        public static async Task RunAsync(IReadOnlyList<SshCommandTarget> targets, IReadOnlyList<string> commands, int throttleLimit, TimeSpan commandTimeout,
            Action<SshCommandResult> onResult, Action<SshOutputLine>? onLine, Action<SshCommandTarget, Exception> onError,
            Action<SshCommandTarget>? onTargetDone, Transcript transcript, CancellationToken cancellationToken)
        {
            if (throttleLimit < 1)
                throw new ArgumentOutOfRangeException(nameof(throttleLimit), throttleLimit, "The throttle limit is at least 1.");
            if (commands.Count == 0)
                throw new ArgumentException("A command is needed.", nameof(commands));
            using var slots = new SemaphoreSlim(throttleLimit);
            await Task.WhenAll(targets.Select(RunTargetAsync)).ConfigureAwait(false);

            async Task RunTargetAsync(SshCommandTarget target)
            {
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    var session = target.Session ?? await SshConnection.ConnectAsync(target.Options!, transcript, cancellationToken).ConfigureAwait(false);
                    try
                    {
                        await Task.WhenAll(commands.Select(async command =>
                        {
                            try
                            {
                                onResult(await session.Connection().RunCommandAsync(command, commandTimeout, onLine, transcript, cancellationToken).ConfigureAwait(false));
                            }
                            catch (Exception e) when (!(e is OperationCanceledException))
                            {
                                onError(target, e);
                            }
                        })).ConfigureAwait(false);
                    }
                    finally
                    {
                        if (target.Session == null)
                            session.Dispose();
                    }
                }
                catch (Exception e) when (!(e is OperationCanceledException))
                {
                    onError(target, e);
                }
                finally
                {
                    slots.Release();
                    onTargetDone?.Invoke(target);
                }
            }
        }
    }
}
