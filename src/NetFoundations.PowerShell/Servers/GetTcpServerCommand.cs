using System;
using System.Linq;
using System.Management.Automation;
using NetFoundations.Core.Servers;

namespace NetFoundations.PowerShell.Servers
{
    /// <summary>Lists the TCP servers running in this process (started by Start-TcpServer), oldest first.</summary>
    [Cmdlet(VerbsCommon.Get, "TcpServer", HelpUri = HelpLinks.Base + "Get-TcpServer.md")]
    [OutputType(typeof(TcpServer))]
    public sealed class GetTcpServerCommand : PipelineCmdlet
    {
        /// <summary>Only the servers bound to these ports.</summary>
        [Parameter(Position = 0)]
        [ValidateRange(1, 65535)]
        public int[]? Port { get; set; }

        protected override void ProcessRecord()
        {
            var servers = TcpServerHost.Servers.Where(s => Port == null || Port.Contains(s.LocalPort));
            WriteObject(servers.ToArray(), enumerateCollection: true);
        }
    }
}
