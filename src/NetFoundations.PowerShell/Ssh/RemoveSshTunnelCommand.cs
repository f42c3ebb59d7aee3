using System;
using System.Management.Automation;
using System.Threading.Tasks;
using NetFoundations.Core.Ssh;

namespace NetFoundations.PowerShell.Ssh
{
    /// <summary>Stops tunnels: the port is no longer listened on and the tunnel's connections close.</summary>
    [Cmdlet(VerbsCommon.Remove, "SshTunnel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpLinks.Base + "Remove-SshTunnel.md")]
    [OutputType(typeof(void))]
    public sealed class RemoveSshTunnelCommand : NetworkCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ValidateNotNull]
        public SshTunnel[] Tunnel { get; set; } = Array.Empty<SshTunnel>();

        /// <summary>Seconds each removal may take; the tunnel's connections are closed at once whatever the server does.</summary>
        [Parameter]
        [ValidateRange(0.1, 3600.0)]
        public double TimeoutSeconds { get; set; } = 10;

        protected override void ProcessRecord()
        {
            foreach (var tunnel in Tunnel)
            {
                if (!ShouldProcess(tunnel.ToString(), "Remove tunnel"))
                    continue;
                var transcript = NewTranscript();
                Run(_ =>
                    {
                        tunnel.Stop(transcript);
                        return Task.CompletedTask;
                    },
                    TimeSpan.FromSeconds(TimeoutSeconds), tunnel);
            }
        }
    }
}
