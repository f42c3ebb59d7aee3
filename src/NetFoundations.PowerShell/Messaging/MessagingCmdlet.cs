using System;
using System.Management.Automation;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core;
using NetFoundations.Core.Messaging;

namespace NetFoundations.PowerShell.Messaging
{
    /// <summary>
    /// Parameters and helpers of the cmdlets that use a ZeroMQ socket. A send or receive is a few microseconds of work on
    /// the socket's own thread (Core), so these cmdlets wait for it on the pipeline thread (Await) instead of going
    /// through Run's pool thread and queue: one thread hand-off per message instead of three, with the same deadline,
    /// Ctrl+C and error mapping.
    /// </summary>
    public abstract class MessagingCmdlet : NetworkCmdlet
    {
        /// <summary>
        /// Waits for the socket's work on the pipeline thread: it ends by timeout (after which the work is cancelled and
        /// given Grace to stop) or Ctrl+C. A failure is written as a non-terminating error for target; then ok is false.
        /// </summary>
        protected T Await<T>(Func<CancellationToken, Task<T>> start, TimeSpan timeout, object target, out bool ok, bool quietTimeout = false)
        {
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
            if (timeout != System.Threading.Timeout.InfiniteTimeSpan)
                cancel.CancelAfter(timeout);
            var task = start(cancel.Token);
            ok = false;
            TimedOut = false;
            LastFailure = null;
            try
            {
                if (!task.IsCompleted)
                {
                    // Past the deadline the work is cancelled; Grace more covers work still queued behind another
                    // command's on the same socket, which sees the cancellation only when it starts.
                    var wait = timeout == System.Threading.Timeout.InfiniteTimeSpan ? -1 : (int)Math.Min(int.MaxValue, (timeout + Grace).TotalMilliseconds);
                    try
                    {
                        task.Wait(wait, Stopping);
                    }
                    catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
                    {
                        task.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                        task.Wait(Grace);
                        throw new PipelineStoppedException();
                    }
                    catch (AggregateException)
                    {
                    }
                    if (!task.IsCompleted)
                    {
                        task.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                        TimedOut = true;
                        if (!quietTimeout)
                            WriteError(ErrorMapping.ToErrorRecord(new NetworkTimeoutException(
                                $"{target} did not finish within {timeout.TotalSeconds:0.###} s: the socket is busy with another command's work.", target.ToString()), target));
                        return default!;
                    }
                }
                var result = task.GetAwaiter().GetResult();
                ok = true;
                return result;
            }
            catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (OperationCanceledException e)
            {
                TimedOut = true;
                if (!quietTimeout)
                    WriteError(ErrorMapping.ToErrorRecord(new NetworkTimeoutException(
                    $"{target} did not finish within {timeout.TotalSeconds:0.###} s.", target.ToString(), e), target));
            }
            catch (Exception e) when (!(e is PipelineStoppedException))
            {
                LastFailure = e;
                WriteError(ErrorMapping.ToErrorRecord(e, target));
            }
            return default!;
        }

        /// <summary>True when the last Await ended by its timeout (with quietTimeout, without an error).</summary>
        protected bool TimedOut { get; private set; }

        /// <summary>The error the last Await wrote, if any.</summary>
        protected Exception? LastFailure { get; private set; }

        /// <summary>A transcript only when one is asked for (-TranscriptPath, -Verbose): recording costs per message.</summary>
        /// Its -Verbose lines are written on the pipeline thread by FlushVerbose (these cmdlets do not go through Run's queue).
        protected Transcript? OptionalTranscript() =>
            TranscriptPath != null || VerboseWanted ? NewTranscript(post: action => verbose.Enqueue(action)) : null;

        /// <summary>Writes the transcript's -Verbose lines gathered so far. On the pipeline thread.</summary>
        protected void FlushVerbose()
        {
            while (verbose.TryDequeue(out var action))
                action();
        }

        private readonly System.Collections.Concurrent.ConcurrentQueue<Action> verbose = new System.Collections.Concurrent.ConcurrentQueue<Action>();

        /// <summary>
        /// The bytes of one message, by the module's convention (as memcached values): text as UTF-8, bytes as they are,
        /// anything else (or anything, with -AsJson) as JSON (ConvertTo-Json -Depth 10 -Compress). On the pipeline thread.
        /// </summary>
        protected byte[] Encode(object? value, bool asJson)
        {
            var bare = value is PSObject wrapped ? wrapped.BaseObject : value;
            if (!asJson && bare is string text)
                return Encoding.UTF8.GetBytes(text);
            if (!asJson && bare is byte[] bytes)
                return bytes;
            var json = InvokeCommand.InvokeScript(false, ScriptBlock.Create("param($o) ConvertTo-Json -InputObject $o -Depth 10 -Compress"), null, value);
            return Encoding.UTF8.GetBytes(json.Count > 0 ? json[0]?.ToString() ?? "null" : "null");
        }

        /// <summary>The object ConvertFrom-Json reads from the message's text; a message that is not JSON is a ProtocolViolation.</summary>
        protected object? ParseJson(MessageItem message)
        {
            try
            {
                var parsed = InvokeCommand.InvokeScript(false, ScriptBlock.Create("param($j) ConvertFrom-Json -InputObject $j"), null, message.Text);
                return parsed.Count == 1 ? parsed[0] : (object)parsed;
            }
            catch (RuntimeException e)
            {
                var shown = message.Text.Length > 80 ? message.Text.Substring(0, 80) + "…" : message.Text;
                throw new ProtocolViolationException($"A message received on {message.Endpoint} is not JSON: '{shown}'.", message.Endpoint, e);
            }
        }
    }
}
