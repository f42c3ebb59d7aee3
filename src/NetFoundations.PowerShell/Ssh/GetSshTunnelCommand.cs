using System;
using System.Management.Automation;
using NetFoundations.Core.Ssh;

namespace NetFoundations.PowerShell.Ssh
{
    /// <summary>Lists the tunnels (port forwards) of sessions.</summary>
    [Cmdlet(VerbsCommon.Get, "SshTunnel", HelpUri = HelpLinks.Base + "Get-SshTunnel.md")]
    [OutputType(typeof(SshTunnel))]
    public sealed class GetSshTunnelCommand : PipelineCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public SshSession[] Session { get; set; } = Array.Empty<SshSession>();

        protected override void ProcessRecord()
        {
            foreach (var session in Session)
                WriteObject(session.GetTunnels(), enumerateCollection: true);
        }
    }
}
