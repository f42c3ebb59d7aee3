using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;
using System.Text;
using System.Threading.Tasks;
using NetFoundations.Core;
using NetFoundations.Core.Messaging;

namespace NetFoundations.PowerShell.Messaging
{
    /// <summary>
    /// Sends messages on a ZeroMQ socket: each piped object is one message (text as UTF-8, bytes as they are, anything
    /// else as JSON), optionally after a topic frame.
    /// Each input is handed to the socket's thread without waiting for it to leave: the socket's thread sends in the order
    /// given, and a thread hand-off per piped object would cost more than the send. The results are taken as they come
    /// and all of them by the end of the command. The order on the socket is kept with other commands too: a pipeline
    /// that receives a request from a Rep socket and answers it queues the answer before the next receive.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "Message", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "Send-Message.md")]
    [OutputType(typeof(MessageSendResult))]
    public sealed class SendMessageCommand : MessagingCmdlet
    {
        /// <summary>Inputs handed to the socket and not yet done: past this many, the command waits for the oldest.</summary>
        private const int MaxOutstanding = 10000;

        private readonly Queue<(Task<SendOutcome> Task, DateTime? Deadline, int Count)> outstanding = new Queue<(Task<SendOutcome>, DateTime?, int)>();
        private readonly Stopwatch elapsed = new Stopwatch();
        private long sent, dropped, bytes;
        private bool skipped, timeoutReported;
        private Transcript? transcript;
        private bool transcriptMade;

        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNull]
        public MessageSocket Socket { get; set; } = null!;

        [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
        [AllowEmptyString]
        [AllowNull]
        public object? InputObject { get; set; }

        [Parameter]
        [AllowEmptyString]
        public string? Topic { get; set; }

        [Parameter]
        public SwitchParameter AsJson { get; set; }

        [Parameter]
        [ValidateRange(0.0, 86400.0)]
        public double TimeoutSeconds { get; set; } = 10;

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var messages = new List<OutgoingMessage>();
            var topic = Topic == null ? null : Encoding.UTF8.GetBytes(Topic);
            var bare = InputObject is PSObject wrapped ? wrapped.BaseObject : InputObject;
            // An array given to -InputObject is one message per element, as if piped; with -AsJson it is one JSON message.
            if (!AsJson && bare is IEnumerable many && !(bare is string) && !(bare is byte[]) && !(bare is IDictionary))
                foreach (var item in many)
                    messages.Add(new OutgoingMessage(topic, Encode(item, false)));
            else
                messages.Add(new OutgoingMessage(topic, Encode(InputObject, AsJson)));
            var what = messages.Count == 1 ? "send 1 message" : $"send {messages.Count} messages";
            if (!ShouldProcess($"{Socket}", what + (Topic != null ? $" with topic '{Topic}'" : "")))
            {
                skipped = true;
                return;
            }
            if (!transcriptMade)
            {
                transcript = OptionalTranscript();
                transcriptMade = true;
            }
            elapsed.Start();
            DateTime? deadline = TimeoutSeconds > 0 ? DateTime.UtcNow.AddSeconds(TimeoutSeconds) : (DateTime?)null;
            Task<SendOutcome> task;
            try
            {
                task = MessagingRuntime.SendAsync(Socket, messages, deadline, transcript, Stopping);
            }
            catch (NetworkException e)
            {
                WriteError(ErrorMapping.ToErrorRecord(e, Socket));
                return;
            }
            outstanding.Enqueue((task, deadline, messages.Count));
            while (outstanding.Count > 0 && (outstanding.Peek().Task.IsCompleted || outstanding.Count > MaxOutstanding))
                Finish(outstanding.Dequeue());
            FlushVerbose();
        }

        protected override void EndProcessing()
        {
            while (outstanding.Count > 0)
                Finish(outstanding.Dequeue());
            elapsed.Stop();
            FlushVerbose();
            if (PassThru)
                WriteObject(new MessageSendResult(Socket.Type, Socket.Endpoint, sent, dropped, bytes, elapsed.Elapsed.TotalMilliseconds, skipped && sent == 0));
        }

        /// <summary>Waits (within its deadline and Grace, or until Ctrl+C) for one input's send and takes its result.</summary>
        private void Finish((Task<SendOutcome> Task, DateTime? Deadline, int Count) pending)
        {
            var task = pending.Task;
            if (!task.IsCompleted)
            {
                var wait = pending.Deadline.HasValue ? (int)Math.Max(0, Math.Min(int.MaxValue, (pending.Deadline.Value - DateTime.UtcNow + Grace).TotalMilliseconds)) : -1;
                try
                {
                    task.Wait(wait, Stopping);
                }
                catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
                {
                    throw new PipelineStoppedException();
                }
                catch (AggregateException)
                {
                }
                if (!task.IsCompleted)
                {
                    task.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                    dropped += pending.Count;
                    Fail(new NetworkTimeoutException($"{Socket} did not take the messages by their deadline: the socket is busy with another command's work.", Socket.Endpoint));
                    return;
                }
            }
            try
            {
                var outcome = task.GetAwaiter().GetResult();
                sent += outcome.Sent;
                dropped += outcome.Dropped;
                bytes += outcome.Bytes;
            }
            catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (NetworkTimeoutException e)
            {
                dropped += pending.Count;
                Fail(e);
            }
            catch (Exception e) when (!(e is PipelineStoppedException))
            {
                WriteError(ErrorMapping.ToErrorRecord(e, Socket));
            }
        }

        /// <summary>
        /// One error for the messages a Push or Req socket gave up at their deadline: those queued behind the first share
        /// its deadline and its cause, and count as dropped in the summary.
        /// </summary>
        private void Fail(NetworkTimeoutException e)
        {
            if (timeoutReported)
                return;
            timeoutReported = true;
            WriteError(ErrorMapping.ToErrorRecord(e, Socket));
        }
    }
}
