using System;
using System.Linq;
using System.Management.Automation;
using NetFoundations.Core;
using NetFoundations.Core.Udp;

namespace NetFoundations.PowerShell.Udp
{
    /// <summary>Sends a datagram and, unless -NoReply, waits for the reply with the book's backoff.</summary>
    [Cmdlet(VerbsCommunications.Send, "UdpDatagram", DefaultParameterSetName = TextSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, HelpUri = HelpLinks.Base + "Send-UdpDatagram.md")]
    [OutputType(typeof(UdpReply), typeof(UdpSendResult))]
    public sealed class SendUdpDatagramCommand : ConnectingCmdlet
    {
        private const string TextSet = "Text";
        private const string BytesSet = "Bytes";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("RemoteAddress", "HostName", "CN")]
        [ValidateNotNullOrEmpty]
        public string[] ComputerName { get; set; } = Array.Empty<string>();

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("RemotePort")]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        [Parameter(Mandatory = true, Position = 2, ParameterSetName = TextSet, ValueFromPipeline = true)]
        [AllowEmptyString]
        public string[] Message { get; set; } = Array.Empty<string>();

        [Parameter(Mandatory = true, ParameterSetName = BytesSet)]
        [AllowEmptyCollection]
        public byte[] Bytes { get; set; } = Array.Empty<byte>();

        /// <summary>Encodes -Message and decodes the reply's Text.</summary>
        [Parameter]
        [ValidateSet("UTF8", "ASCII", "Unicode", "BigEndianUnicode", "UTF32", "Latin1", IgnoreCase = true)]
        public string Encoding { get; set; } = TextEncodings.Default;

        [Parameter]
        public SwitchParameter NoReply { get; set; }

        [Parameter]
        public SwitchParameter Broadcast { get; set; }

        [Parameter]
        [ValidateRange(0.001, 60.0)]
        public double InitialDelay { get; set; } = 0.1;

        [Parameter]
        [ValidateRange(0.001, 3600.0)]
        public double MaxDelay { get; set; } = 2;

        protected override void ProcessRecord()
        {
            var addresses = AddressesFor(ComputerName, out var valid);
            if (!valid)
                return;
            var options = new UdpSendOptions
            {
                Addresses = addresses,
                InitialDelay = TimeSpan.FromSeconds(InitialDelay),
                MaxDelay = TimeSpan.FromSeconds(MaxDelay),
                Broadcast = Broadcast,
                Encoding = TextEncodings.Get(Encoding),
            };
            var payloads = ParameterSetName == BytesSet ? new[] { Bytes } : Message.Select(options.Encoding.GetBytes).ToArray();
            foreach (var host in ComputerName)
            {
                var target = Endpoints.Format(host, Port);
                foreach (var data in payloads)
                {
                    if (!ShouldProcess(target, $"Send a datagram of {data.Length} bytes"))
                        continue;
                    var transcript = NewTranscript();
                    Run(async cancel => PostObject(NoReply
                            ? (object)await UdpDatagramClient.SendAsync(host, Port, data, options, transcript, cancel)
                            : await UdpDatagramClient.RequestAsync(host, Port, data, options, transcript, cancel)),
                        options.Deadline, target);
                }
            }
        }
    }
}
