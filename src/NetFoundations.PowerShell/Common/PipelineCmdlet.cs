using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core;
using NetFoundations.Core.Tls;

namespace NetFoundations.PowerShell
{
    /// <summary>
    /// Base of every cmdlet that runs Core's work. Runs Core's async calls off the pipeline thread while
    /// every Write* happens on it; Ctrl+C (StopProcessing) cancels the call; a timeout bounds it;
    /// Core's exceptions become non-terminating ErrorRecords for the current input. Cmdlets that talk to a peer
    /// derive from NetworkCmdlet, which records the conversation; those whose work is local (files, the system's
    /// resolver, a session's own state) from this, and offer no -TranscriptPath.
    /// </summary>
    public abstract class PipelineCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource stopping = new CancellationTokenSource();
        private BlockingCollection<Action>? pending;
        private readonly ConcurrentQueue<object> gathered = new ConcurrentQueue<object>();
        private int drainPosted;

        /// <summary>True when -Verbose is in force, so transcripts are worth building live.</summary>
        protected bool VerboseWanted =>
            MyInvocation.BoundParameters.TryGetValue("Verbose", out var verbose) && ((SwitchParameter)verbose).IsPresent
            || string.Equals(SessionState?.PSVariable.GetValue("VerbosePreference")?.ToString(), "Continue", StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// How long work may take to end once its deadline has passed or Ctrl+C came: Core closes its connections when
        /// the token is cancelled, so this is only reached by work that ignores it (a library's blocking call).
        /// </summary>
        internal static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

        /// <summary>
        /// Runs work and pumps what it posts onto the pipeline thread until it ends. A failure becomes a non-terminating
        /// error for target; returns false when the work failed. The cmdlet owns the deadline: once timeout has passed
        /// (or Ctrl+C came) the work is cancelled, and if it has not ended within Grace it is left behind, cancelled,
        /// and the command goes on with OperationTimedOut (or stops, for Ctrl+C).
        /// </summary>
        protected bool Run(Func<CancellationToken, Task> work, TimeSpan timeout, object? target)
        {
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
            if (timeout > TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
                cancel.CancelAfter(timeout);
            var queue = new BlockingCollection<Action>();
            pending = queue;
            var task = Task.Run(() => work(cancel.Token), cancel.Token);
            task.ContinueWith(_ => queue.CompleteAdding(), TaskScheduler.Default);
            try
            {
                Pump(queue, cancel.Token);
            }
            finally
            {
                pending = null;
            }

            var what = target?.ToString() ?? MyInvocation.MyCommand.Name;
            if (!task.IsCompleted)
            {
                // Observed, so that its eventual failure is not an unobserved exception.
                task.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
                if (stopping.IsCancellationRequested)
                    throw new PipelineStoppedException();
                WriteFailure(ErrorMapping.ToErrorRecord(new NetworkTimeoutException(
                    $"{what} did not finish within {timeout.TotalSeconds:0.###} s, and its work did not end when cancelled; it was abandoned.", what), target));
                return false;
            }
            try
            {
                task.GetAwaiter().GetResult();
                return true;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (OperationCanceledException e)
            {
                WriteFailure(ErrorMapping.ToErrorRecord(
                    new NetworkTimeoutException($"{what} did not finish within {timeout.TotalSeconds:0.###} s.", what, e), target));
                return false;
            }
            catch (Exception e) when (!(e is PipelineStoppedException))
            {
                WriteFailure(ErrorMapping.ToErrorRecord(e, target));
                return false;
            }
        }

        /// <summary>
        /// How Run reports an input whose work failed: as an error. A cmdlet whose -Quiet answers only yes or no
        /// (Test-TlsCertificate) says why under -Verbose instead, as Test-TcpPort -Quiet does.
        /// </summary>
        protected virtual void WriteFailure(ErrorRecord error) => WriteError(error);

        /// <summary>
        /// Runs what the work posts until it ends; once cancelled, for at most Grace more: what a timed-out work posted
        /// still reaches the pipeline, what comes after Ctrl+C does not (the pipeline is stopping).
        /// </summary>
        private void Pump(BlockingCollection<Action> queue, CancellationToken cancelled)
        {
            try
            {
                while (queue.TryTake(out var action, Timeout.Infinite, cancelled))
                    action();
                return;
            }
            catch (OperationCanceledException)
            {
            }
            catch (InvalidOperationException) when (queue.IsCompleted)
            {
                return;
            }
            var giveUp = DateTime.UtcNow + Grace;
            try
            {
                for (var left = Grace; left > TimeSpan.Zero; left = giveUp - DateTime.UtcNow)
                {
                    if (!queue.TryTake(out var action, left))
                        return;
                    if (!stopping.IsCancellationRequested)
                        action();
                }
            }
            catch (InvalidOperationException) when (queue.IsCompleted)
            {
            }
        }

        /// <summary>
        /// Opens or reads a local file a parameter names (a CA bundle, a key, a transcript); a failure ends the command with
        /// PathNotFound, PermissionDenied or InvalidArgument and the path as its target.
        /// </summary>
        protected T LoadFile<T>(Func<T> load, string path)
        {
            try
            {
                return load();
            }
            catch (Exception e) when (e is NetworkException || e is IOException || e is UnauthorizedAccessException || e is ArgumentException)
            {
                ThrowTerminatingError(ErrorMapping.ToErrorRecord(e, path));
                throw;
            }
        }

        /// <summary>
        /// Writes a local file the command wrote as the FileSystem provider gives it (with PSPath, PSParentPath …), so the
        /// default view shows its folder, size and name as Get-Item's does. On the pipeline thread.
        /// </summary>
        protected void WriteFileItem(string path)
        {
            foreach (var item in InvokeProvider.Item.Get(new[] { path }, false, true))
                WriteObject(item);
        }

        /// <summary>Queues an action (WriteObject, WriteProgress …) to run on the pipeline thread.</summary>
        protected void Post(Action action) => TryPost(action);

        /// <summary>As Post; false when no work is running to take the action.</summary>
        private bool TryPost(Action action)
        {
            var queue = pending;
            if (queue == null)
                return false;
            try
            {
                queue.Add(action);
                return true;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        protected void PostObject(object value) => Post(() => WriteObject(value));

        /// <summary>
        /// Queues an object for the pipeline thread, which writes whatever has gathered each time it
        /// wakes: for work that finds thousands of results, where a wake-up per result would cost more
        /// than finding it. Objects keep their order; callable from any thread.
        /// </summary>
        protected void PostGathered(object value)
        {
            gathered.Enqueue(value);
            if (Interlocked.Exchange(ref drainPosted, 1) == 0 && !TryPost(DrainGathered))
                Volatile.Write(ref drainPosted, 0);
        }

        private void DrainGathered()
        {
            Volatile.Write(ref drainPosted, 0);
            while (gathered.TryDequeue(out var item))
                WriteObject(item);
        }

        protected void PostProgress(ProgressRecord progress) => Post(() => WriteProgress(progress));

        /// <summary>
        /// Progress of work over many items ("12 of 300 hosts"), throttled by ProgressTicker and sent through post (Post
        /// when none is given); total is negative while unknown. End it with CompleteProgress.
        /// </summary>
        protected ProgressTicker CountedProgress(string activity, string items, Func<long> done, Func<long> total, Action<Action>? post = null) =>
            new ProgressTicker(() =>
            {
                long finished = done(), all = total();
                var record = new ProgressRecord(1, activity, all >= 0 ? $"{finished} of {all} {items}" : $"{finished} {items}")
                {
                    PercentComplete = all > 0 ? (int)Math.Min(100, finished * 100 / all) : -1,
                };
                (post ?? Post)(() => WriteProgress(record));
            });

        /// <summary>Stops a CountedProgress and, if it showed anything, ends its bar. On the pipeline thread.</summary>
        protected void CompleteProgress(ProgressTicker progress, string activity)
        {
            progress.Dispose();
            if (progress.Reported)
                WriteProgress(new ProgressRecord(1, activity, "done") { RecordType = ProgressRecordType.Completed });
        }

        /// <summary>
        /// Reads a -CertificateAuthorityPath bundle (a PEM file of trusted roots) when the command starts, so that a
        /// missing or unreadable bundle ends it with its path before any connection; returns the resolved path too.
        /// </summary>
        protected internal X509Certificate2Collection ReadAuthorityBundle(string psPath, out string path)
        {
            var resolved = GetUnresolvedProviderPathFromPSPath(psPath);
            path = resolved;
            return LoadFile(() => TlsPem.ReadCertificates(resolved), resolved);
        }

        /// <summary>
        /// Loads a -ClientCertificate (PFX, or PEM with its key in the same file or in -ClientCertificateKey; a PFX's
        /// password as -ClientCertificateCredential's) when the command starts, so that a file that cannot serve ends it
        /// with its path before any connection. Null when no certificate is named; a key or password without one is an error.
        /// </summary>
        protected internal X509Certificate2? LoadClientCertificate(string? psPath, string? keyPsPath, PSCredential? credential)
        {
            if (psPath == null)
            {
                if (keyPsPath != null || credential != null)
                    ThrowTerminatingError(new ErrorRecord(new ArgumentException("-ClientCertificateKey and -ClientCertificateCredential go with -ClientCertificate."),
                        "ClientCertificateMissing", ErrorCategory.InvalidArgument, null));
                return null;
            }
            var path = GetUnresolvedProviderPathFromPSPath(psPath);
            var keyPath = keyPsPath == null ? null : GetUnresolvedProviderPathFromPSPath(keyPsPath);
            return LoadFile(() => TlsPem.LoadClientCertificate(path, keyPath, credential?.Password), keyPath ?? path);
        }

        /// <summary>The warning of -SkipCertificateCheck; what names the exchange at risk ("this conversation").</summary>
        protected internal void WarnCertificateNotVerified(string what, bool credentialIncluded) =>
            WriteWarning($"-SkipCertificateCheck: the server's certificate is not verified; anyone in the path can read and change {what}" +
                (credentialIncluded ? ", credential included." : "."));

        /// <summary>The warning of an opt-out that lets a credential cross the network in clear, named by optOut.</summary>
        protected internal void WarnCredentialInClear(string optOut) =>
            WriteWarning($"{optOut}: without TLS the credential crosses the network in clear; anyone in the path can read it.");

        protected void PostWarning(string text) => Post(() => WriteWarning(text));

        protected override void StopProcessing() => stopping.Cancel();

        /// <summary>Cancelled by Ctrl+C (StopProcessing), for work that runs beside the pipeline rather than inside Run.</summary>
        protected CancellationToken Stopping => stopping.Token;

        protected static TimeSpan Seconds(double seconds) =>
            seconds <= 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(seconds);

        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        protected virtual void Dispose(bool disposing)
        {
            if (!disposing)
                return;
            stopping.Dispose();
        }
    }
}
