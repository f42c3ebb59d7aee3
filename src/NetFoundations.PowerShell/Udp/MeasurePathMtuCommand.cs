using System;
using System.Management.Automation;
using NetFoundations.Core;
using NetFoundations.Core.Udp;

namespace NetFoundations.PowerShell.Udp
{
    /// <summary>The path MTU to a host, as the book's big_sender finds it (Linux).</summary>
    [Cmdlet(VerbsDiagnostic.Measure, "PathMtu", HelpUri = HelpLinks.Base + "Measure-PathMtu.md")]
    [OutputType(typeof(PathMtuResult))]
    public sealed class MeasurePathMtuCommand : ConnectingCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("RemoteAddress", "HostName", "CN")]
        [ValidateNotNullOrEmpty]
        public string[] ComputerName { get; set; } = Array.Empty<string>();

        /// <summary>The UDP port the probes go to; nothing needs to listen there.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("RemotePort")]
        [ValidateRange(1, 65535)]
        public int Port { get; set; } = 33434;

        [Parameter]
        [ValidateRange(0.5, 600.0)]
        public double TimeoutSeconds { get; set; } = 10;

        protected override void ProcessRecord()
        {
            var timeout = TimeSpan.FromSeconds(TimeoutSeconds);
            var addresses = AddressesFor(ComputerName, out var valid);
            if (!valid)
                return;
            foreach (var host in ComputerName)
            {
                var transcript = NewTranscript();
                Run(async cancel => PostObject(await PathMtu.MeasureAsync(host, addresses, Port, timeout, transcript, cancel)), timeout, host);
            }
        }
    }
}
