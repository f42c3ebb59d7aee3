using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core;
using NetFoundations.Core.Udp;

namespace NetFoundations.PowerShell.Udp
{
    /// <summary>Listens on a UDP port and writes each datagram as it arrives; optionally replies, as the book's server.</summary>
    [Cmdlet(VerbsCommunications.Receive, "UdpDatagram", DefaultParameterSetName = ListenSet, HelpUri = HelpLinks.Base + "Receive-UdpDatagram.md")]
    [OutputType(typeof(UdpDatagram))]
    public sealed class ReceiveUdpDatagramCommand : NetworkCmdlet
    {
        private const string ListenSet = "Listen";
        private const string ReplySet = "Reply";
        private const string ReplyScriptSet = "ReplyScript";
        private Encoding encoding = new UTF8Encoding(false);

        [Parameter(Mandatory = true, Position = 0)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string LocalAddress { get; set; } = "0.0.0.0";

        /// <summary>Stop after this many datagrams (default: no limit).</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int Count { get; set; }

        /// <summary>Stop listening after this many seconds; 0 listens until -Count or Ctrl+C.</summary>
        [Parameter]
        [ValidateRange(0.0, 86400.0)]
        public double TimeoutSeconds { get; set; } = 30;

        [Parameter(Mandatory = true, ParameterSetName = ReplySet)]
        [AllowEmptyString]
        public string Reply { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ParameterSetName = ReplyScriptSet)]
        public ScriptBlock? ReplyScript { get; set; }

        /// <summary>Decodes each datagram's Text and encodes text replies.</summary>
        [Parameter]
        [ValidateSet("UTF8", "ASCII", "Unicode", "BigEndianUnicode", "UTF32", "Latin1", IgnoreCase = true)]
        public string Encoding { get; set; } = TextEncodings.Default;

        protected override void ProcessRecord()
        {
            encoding = TextEncodings.Get(Encoding);
            var options = new UdpReceiveOptions { Count = Count, Timeout = Seconds(TimeoutSeconds), Encoding = encoding };
            var transcript = NewTranscript();
            Run(cancel => UdpReceiver.ListenAsync(LocalAddress, Port, options, OnDatagramAsync, transcript, cancel),
                Timeout.InfiniteTimeSpan, Endpoints.Format(LocalAddress, Port));
        }

        /// <summary>Runs on the receiver's thread: writes the datagram and gets the reply from the pipeline thread.</summary>
        private async Task<byte[]?> OnDatagramAsync(UdpDatagram datagram, CancellationToken cancel)
        {
            PostObject(datagram);
            if (ParameterSetName == ReplySet)
                return encoding.GetBytes(Reply);
            if (ParameterSetName != ReplyScriptSet)
                return null;

            var answer = new TaskCompletionSource<byte[]?>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var stopped = cancel.Register(() => answer.TrySetCanceled());
            Post(() => answer.TrySetResult(InvokeReplyScript(datagram)));
            return await answer.Task.ConfigureAwait(false);
        }

        /// <summary>
        /// Runs -ReplyScript with the datagram as $_ and as its first argument. Its output is the
        /// reply: nothing for none, bytes as they are, anything else as text lines joined by "\n".
        /// A failing script is an error for that datagram; listening goes on.
        /// </summary>
        private byte[]? InvokeReplyScript(UdpDatagram datagram)
        {
            Collection<PSObject> output;
            try
            {
                output = ReplyScript!.InvokeWithContext(null, new List<PSVariable> { new PSVariable("_", datagram) }, datagram);
            }
            catch (RuntimeException e) when (!(e is PipelineStoppedException))
            {
                WriteError(new ErrorRecord(e, "ReplyScriptFailed", ErrorCategory.InvalidOperation, datagram));
                return null;
            }

            var items = output.Where(o => o != null).Select(o => o.BaseObject).ToList();
            if (items.Count == 0)
                return null;
            if (items.Count == 1 && items[0] is byte[] bytes)
                return bytes;
            if (items.All(i => i is byte))
                return items.Cast<byte>().ToArray();
            return encoding.GetBytes(string.Join("\n", items.Select(i => LanguagePrimitives.ConvertTo<string>(i))));
        }
    }
}
