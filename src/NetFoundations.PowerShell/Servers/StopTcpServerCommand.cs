using System;
using System.Linq;
using System.Management.Automation;
using NetFoundations.Core.Servers;

namespace NetFoundations.PowerShell.Servers
{
    /// <summary>Stops TCP servers: the port is no longer listened on and every connection is closed.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "TcpServer", DefaultParameterSetName = ServerSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        HelpUri = HelpLinks.Base + "Stop-TcpServer.md")]
    [OutputType(typeof(TcpServer))]
    public sealed class StopTcpServerCommand : PipelineCmdlet
    {
        private const string ServerSet = "Server";
        private const string PortSet = "Port";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ServerSet)]
        [ValidateNotNull]
        public TcpServer[] Server { get; set; } = Array.Empty<TcpServer>();

        [Parameter(Mandatory = true, ParameterSetName = PortSet)]
        [ValidateRange(1, 65535)]
        public int[] Port { get; set; } = Array.Empty<int>();

        /// <summary>Output each server once stopped, with its final counters.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var servers = ParameterSetName == PortSet
                ? TcpServerHost.Servers.Where(s => Port.Contains(s.LocalPort)).ToArray()
                : Server;
            if (ParameterSetName == PortSet)
            {
                foreach (var port in Port.Where(p => servers.All(s => s.LocalPort != p)))
                    WriteError(new ErrorRecord(new ItemNotFoundException($"No TCP server of this session listens on port {port}."),
                        "TcpServerNotFound", ErrorCategory.ObjectNotFound, port));
            }
            foreach (var server in servers)
            {
                if (!ShouldProcess(server.ToString(), "Stop server"))
                    continue;
                // Stopping is bounded by Core (connections get StopBound to close); Run's limit is only a backstop.
                if (Run(_ => TcpServerHost.StopAsync(server), TcpServerHost.StopBound + Grace, server) && PassThru)
                    WriteObject(server);
            }
        }
    }
}
