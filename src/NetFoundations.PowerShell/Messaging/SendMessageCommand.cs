using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;
using System.Text;
using NetFoundations.Core.Messaging;

namespace NetFoundations.PowerShell.Messaging
{
    /// <summary>
    /// Sends messages on a ZeroMQ socket: each piped object is one message (text as UTF-8, bytes as they are, anything
    /// else as JSON), optionally after a topic frame. Each input goes out before the next is read, so a Rep socket can
    /// answer inside a pipeline that receives from it.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "Message", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "Send-Message.md")]
    [OutputType(typeof(MessageSendResult))]
    public sealed class SendMessageCommand : MessagingCmdlet
    {
        private long sent, dropped, bytes;
        private bool skipped;
        private readonly Stopwatch elapsed = new Stopwatch();

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
            var transcript = OptionalTranscript();
            elapsed.Start();
            var outcome = Await(ct => MessagingRuntime.SendAsync(Socket, messages, Seconds(TimeoutSeconds), transcript, ct),
                Seconds(TimeoutSeconds) + Grace, Socket, out var ok);
            elapsed.Stop();
            if (!ok)
                return;
            sent += outcome.Sent;
            dropped += outcome.Dropped;
            bytes += outcome.Bytes;
        }

        protected override void EndProcessing()
        {
            if (PassThru)
                WriteObject(new MessageSendResult(Socket.Type, Socket.Endpoint, sent, dropped, bytes, elapsed.Elapsed.TotalMilliseconds, skipped && sent == 0));
        }
    }
}
