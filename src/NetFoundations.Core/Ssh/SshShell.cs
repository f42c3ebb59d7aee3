using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Expect;

namespace NetFoundations.Core.Ssh
{
    /// <summary>The pseudo-terminal of an interactive shell, and the default bound of each step.</summary>
    public sealed class SshShellOptions
    {
        private string terminalType = "dumb";
        private int columns = 200;
        private int rows = 48;

        /// <summary>The TERM the shell sees: dumb by default, so shells send no colours or cursor moves that patterns would have to allow for.</summary>
        public string TerminalType
        {
            get => terminalType;
            set => terminalType = string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("A terminal type is needed.", nameof(value)) : value;
        }

        /// <summary>Wide by default, so the echo of a long command does not wrap.</summary>
        public int Columns
        {
            get => columns;
            set => columns = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "At least one column.");
        }

        public int Rows
        {
            get => rows;
            set => rows = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "At least one row.");
        }

        /// <summary>Bounds each send, and each Expect step that has no timeout of its own.</summary>
        public TimeSpan StepTimeout { get; set; } = TimeSpan.FromSeconds(20);
    }

    /// <summary>Runs expect steps in an interactive shell, on an open session or on a connection made for them.</summary>
    public static class SshShell
    {
        /// <summary>
        /// The longest RunAsync can take when every bound inside it holds: connecting, opening the shell (SSH.NET waits
        /// for the server as long as the session's connect timeout), then each step within its own timeout.
        /// </summary>
        public static TimeSpan Deadline(SshCommandTarget target, IReadOnlyList<ExpectStep> steps, SshShellOptions shellOptions)
        {
            var total = target.ConnectBound + target.ReplyBound;
            foreach (var step in steps)
                total += step.Timeout ?? shellOptions.StepTimeout;
            return total;
        }

        public static async Task<IReadOnlyList<ExpectResult>> RunAsync(SshCommandTarget target, IReadOnlyList<ExpectStep> steps, SshShellOptions shellOptions,
            Action<ExpectResult>? onResult, Transcript transcript, CancellationToken cancellationToken)
        {
            var session = target.Session ?? await SshConnection.ConnectAsync(target.Options!, transcript, cancellationToken).ConfigureAwait(false);
            try
            {
                using var shell = await session.Connection().OpenShellAsync(shellOptions, transcript, cancellationToken).ConfigureAwait(false);
                return await shell.RunAsync(steps, shellOptions.StepTimeout, onResult, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (target.Session == null)
                    session.Dispose();
            }
        }
    }
}
