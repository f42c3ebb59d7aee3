using System;
using System.Management.Automation;
using NetFoundations.Core.Messaging;

namespace NetFoundations.PowerShell.Messaging
{
    /// <summary>
    /// Waits until a Pub socket's subscribers have subscribed (to the given topics, or count subscriptions): the ready
    /// handshake against ZeroMQ's slow joiner, whose first messages are lost while its subscription is on its way.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Wait, "MessageSubscriber", HelpUri = HelpLinks.Base + "Wait-MessageSubscriber.md")]
    [OutputType(typeof(MessageSocket))]
    public sealed class WaitMessageSubscriberCommand : MessagingCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ValidateNotNull]
        public MessageSocket Socket { get; set; } = null!;

        [Parameter(Position = 1)]
        [AllowEmptyString]
        public string[] Topic { get; set; } = Array.Empty<string>();

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int Count { get; set; } = 1;

        [Parameter]
        [ValidateRange(0.0, 86400.0)]
        public double TimeoutSeconds { get; set; } = 10;

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var timeout = Seconds(TimeoutSeconds);
            var transcript = OptionalTranscript();
            Await(ct => MessagingRuntime.WaitForSubscribersAsync(Socket, Topic, Count, timeout, ct), timeout + Grace, Socket, out var ok);
            transcript?.Note($"{Socket}: {Socket.SubscriptionCount} subscriptions heard, topics: '{string.Join("', '", Socket.SubscriberTopics)}'");
            FlushVerbose();
            if (ok && PassThru)
                WriteObject(Socket);
        }
    }
}
