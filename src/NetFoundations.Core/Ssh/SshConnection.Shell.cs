using System;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Expect;
using Renci.SshNet;

namespace NetFoundations.Core.Ssh
{
    public sealed partial class SshConnection
    {
        /// <summary>
        /// Opens an interactive shell on a pseudo-terminal (for devices with no exec channel) and returns the
        /// expect session that drives it; disposing that closes the shell, not this session.
        /// </summary>
        public async Task<ExpectSession> OpenShellAsync(SshShellOptions shellOptions, Transcript transcript, CancellationToken cancellationToken)
        {
            if (shellOptions == null)
                throw new ArgumentNullException(nameof(shellOptions));
            // CreateShellStream waits for the server's replies without a token (bounded by the connect timeout):
            // on Ctrl+C we stop waiting and close the shell if it opens later.
            var opening = Task.Run(() => client.CreateShellStream(shellOptions.TerminalType, (uint)shellOptions.Columns, (uint)shellOptions.Rows, 0, 0, 64 * 1024));
            ShellStream stream;
            try
            {
                stream = await opening.WithCancellation(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _ = opening.ContinueWith(t => t.Result.Dispose(), TaskContinuationOptions.OnlyOnRanToCompletion);
                throw;
            }
            catch (Exception e)
            {
                throw SshErrors.Translate(e, options.Target);
            }
            transcript.Note($"shell opened on a {shellOptions.TerminalType} terminal of {shellOptions.Columns}x{shellOptions.Rows}");
            return new ExpectSession(new SshShellChannel(stream, ComputerName, Port, transcript), transcript);
        }
    }
}
