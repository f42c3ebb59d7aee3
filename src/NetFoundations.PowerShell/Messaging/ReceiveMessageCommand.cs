using System;
using System.Diagnostics;
using System.Management.Automation;
using NetFoundations.Core;
using NetFoundations.Core.Messaging;

namespace NetFoundations.PowerShell.Messaging
{
    /// <summary>
    /// Receives messages from a ZeroMQ socket as objects (topic, text, value, received time), until -Count have come or
    /// -TimeoutSeconds has passed. Each message is written before the next is taken from a Req or Rep socket, so the
    /// pipeline can answer it.
    /// </summary>
    [Cmdlet(VerbsCommunications.Receive, "Message", HelpUri = HelpLinks.Base + "Receive-Message.md")]
    [OutputType(typeof(MessageItem))]
    public sealed class ReceiveMessageCommand : MessagingCmdlet
    {
        /// <summary>How many messages one wait may take from the socket at most (those already arrived).</summary>
        private const int Batch = 1000;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ValidateNotNull]
        public MessageSocket Socket { get; set; } = null!;

        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int Count { get; set; } = 1;

        [Parameter]
        [ValidateRange(0.0, 86400.0)]
        public double TimeoutSeconds { get; set; } = 10;

        [Parameter]
        public SwitchParameter AsJson { get; set; }

        [Parameter]
        public SwitchParameter AsBytes { get; set; }

        protected override void ProcessRecord()
        {
            if (AsJson && AsBytes)
                ThrowTerminatingError(ErrorMapping.ToErrorRecord(new ArgumentException("Use -AsJson or -AsBytes, not both."), Socket));
            var timeout = Seconds(TimeoutSeconds);
            var clock = Stopwatch.StartNew();
            var transcript = OptionalTranscript();
            long received = 0;
            while (Count == 0 || received < Count)
            {
                var left = timeout == System.Threading.Timeout.InfiniteTimeSpan ? timeout : timeout - clock.Elapsed;
                if (left <= TimeSpan.Zero)
                    break;
                var wanted = Count == 0 ? Batch : (int)Math.Min(Batch, Count - received);
                var batch = Await(ct => MessagingRuntime.ReceiveAsync(Socket, wanted, transcript, ct), left, Socket, out var ok, quietTimeout: true);
                if (!ok)
                {
                    if (TimedOut)
                        break;
                    // A message out of bounds is that message's error: the socket goes on.
                    if (LastFailure is ProtocolViolationException)
                        continue;
                    return;
                }
                FlushVerbose();
                foreach (var message in batch)
                {
                    received++;
                    if (AsBytes)
                        WriteObject(message.WithBytes());
                    else if (AsJson)
                        WriteParsed(message);
                    else
                        WriteObject(message);
                }
            }
            FlushVerbose();
            if (Count > 0 && received < Count)
                WriteError(ErrorMapping.ToErrorRecord(new NetworkTimeoutException(
                    $"Received {received} of {Count} messages on {Socket} within {TimeoutSeconds:0.###} s.", Socket.Endpoint), Socket));
        }

        private void WriteParsed(MessageItem message)
        {
            object? value;
            try
            {
                value = ParseJson(message);
            }
            catch (ProtocolViolationException e)
            {
                WriteError(ErrorMapping.ToErrorRecord(e, Socket));
                return;
            }
            WriteObject(message.WithValue(value));
        }
    }
}
