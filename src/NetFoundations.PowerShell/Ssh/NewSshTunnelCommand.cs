using System;
using System.Management.Automation;
using NetFoundations.Core;
using NetFoundations.Core.Ssh;

namespace NetFoundations.PowerShell.Ssh
{
    /// <summary>Starts a port forward on a session: local (ssh -L), remote (ssh -R) or dynamic SOCKS (ssh -D); it stays up until removed.</summary>
    [Cmdlet(VerbsCommon.New, "SshTunnel", DefaultParameterSetName = LocalSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, HelpUri = HelpLinks.Base + "New-SshTunnel.md")]
    [OutputType(typeof(SshTunnel))]
    public sealed class NewSshTunnelCommand : NetworkCmdlet
    {
        private const string LocalSet = "Local";
        private const string RemoteSet = "Remote";
        private const string DynamicSet = "Dynamic";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public SshSession Session { get; set; } = null!;

        /// <summary>Forwards a port on the SSH server back to this machine.</summary>
        [Parameter(Mandatory = true, ParameterSetName = RemoteSet)]
        public SwitchParameter Remote { get; set; }

        /// <summary>A SOCKS proxy here whose connections leave from the SSH server.</summary>
        [Parameter(Mandatory = true, ParameterSetName = DynamicSet)]
        public SwitchParameter Dynamic { get; set; }

        /// <summary>Local and Dynamic: the port to listen on here, 0 for a free one. Remote: the port connections go to here.</summary>
        [Parameter(ParameterSetName = LocalSet)]
        [Parameter(ParameterSetName = DynamicSet)]
        [Parameter(Mandatory = true, ParameterSetName = RemoteSet)]
        [ValidateRange(0, 65535)]
        public int LocalPort { get; set; }

        /// <summary>The local address to listen on.</summary>
        [Parameter(ParameterSetName = LocalSet)]
        [Parameter(ParameterSetName = DynamicSet)]
        [ValidateNotNullOrEmpty]
        public string LocalAddress { get; set; } = "127.0.0.1";

        /// <summary>Where connections go, as the SSH server sees it (a name is resolved by the server).</summary>
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = LocalSet)]
        [ValidateNotNullOrEmpty]
        public string RemoteHost { get; set; } = string.Empty;

        /// <summary>Local: the port connections go to on RemoteHost. Remote: the port the server listens on, 0 for one it picks.</summary>
        [Parameter(Mandatory = true, Position = 2, ParameterSetName = LocalSet)]
        [Parameter(ParameterSetName = RemoteSet)]
        [ValidateRange(0, 65535)]
        public int RemotePort { get; set; }

        /// <summary>The address the SSH server listens on (an IP address; the server's GatewayPorts decides beyond loopback).</summary>
        [Parameter(ParameterSetName = RemoteSet)]
        [ValidateNotNullOrEmpty]
        public string RemoteAddress { get; set; } = "127.0.0.1";

        /// <summary>Where connections from the server go, as this machine sees it.</summary>
        [Parameter(ParameterSetName = RemoteSet)]
        [ValidateNotNullOrEmpty]
        public string LocalHost { get; set; } = "127.0.0.1";

        /// <summary>Seconds the server may take to open a remote listener (or the local one to start); the tunnel then runs until removed.</summary>
        [Parameter]
        [ValidateRange(0.1, 3600.0)]
        public double TimeoutSeconds { get; set; } = 30;

        protected override void ProcessRecord()
        {
            var (action, listen) = ParameterSetName switch
            {
                RemoteSet => ($"Listen on the server at {Endpoints.Format(RemoteAddress, RemotePort)}, forward to {Endpoints.Format(LocalHost, LocalPort)}",
                    Endpoints.Format(RemoteAddress, RemotePort)),
                DynamicSet => ("Start a SOCKS proxy at " + Endpoints.Format(LocalAddress, LocalPort), Endpoints.Format(LocalAddress, LocalPort)),
                _ => ($"Listen at {Endpoints.Format(LocalAddress, LocalPort)}, forward to {Endpoints.Format(RemoteHost, RemotePort)}", Endpoints.Format(LocalAddress, LocalPort)),
            };
            if (!ShouldProcess(Session.ToString(), action))
                return;
            var transcript = NewTranscript();
            Run(async cancel => PostObject(ParameterSetName switch
                {
                    RemoteSet => await Session.Connection().StartRemoteTunnelAsync(RemoteAddress, RemotePort, LocalHost, LocalPort, transcript, cancel),
                    DynamicSet => await Session.Connection().StartDynamicTunnelAsync(LocalAddress, LocalPort, transcript, cancel),
                    _ => await Session.Connection().StartLocalTunnelAsync(LocalAddress, LocalPort, RemoteHost, RemotePort, transcript, cancel),
                }),
                TimeSpan.FromSeconds(TimeoutSeconds), listen);
        }
    }
}
