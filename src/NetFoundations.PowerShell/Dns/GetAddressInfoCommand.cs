using System;
using System.Management.Automation;
using System.Net.Sockets;
using NetFoundations.Core.Dns;

namespace NetFoundations.PowerShell.Dns
{
    /// <summary>The system resolver's answer for a name (getaddrinfo): one entry per address and socket type.</summary>
    [Cmdlet(VerbsCommon.Get, "AddressInfo", HelpUri = HelpLinks.Base + "Get-AddressInfo.md")]
    [OutputType(typeof(AddressInfo))]
    public sealed class GetAddressInfoCommand : PipelineCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("HostName")]
        public string[] ComputerName { get; set; } = Array.Empty<string>();

        /// <summary>A port number or a service name (http, smtp, domain …).</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("Port")]
        public string? Service { get; set; }

        [Parameter]
        [ValidateSet("IPv4", "IPv6")]
        public string? Family { get; set; }

        [Parameter]
        [ValidateSet(nameof(System.Net.Sockets.SocketType.Stream), nameof(System.Net.Sockets.SocketType.Dgram))]
        public SocketType? SocketType { get; set; }

        /// <summary>Seconds the lookup of one name may take (getaddrinfo ignores cancellation: the cmdlet stops waiting for it).</summary>
        [Parameter]
        [ValidateRange(0.1, 300)]
        public double TimeoutSeconds { get; set; } = 10;

        protected override void ProcessRecord()
        {
            var family = Family == null ? (AddressFamily?)null : Family == "IPv6" ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
            foreach (var name in ComputerName)
            {
                Run(async ct =>
                {
                    foreach (var entry in await AddressInfoLookup.GetAsync(name, Service, family, SocketType, Seconds(TimeoutSeconds), ct).ConfigureAwait(false))
                        PostObject(entry);
                }, Seconds(TimeoutSeconds), name);
            }
        }
    }
}
