using System;
using System.Management.Automation;
using NetFoundations.Core.Ssh;

namespace NetFoundations.PowerShell.Ssh
{
    /// <summary>Closes SSH sessions (after stopping their tunnels, and their SFTP connections).</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "SshSession")]
    [OutputType(typeof(void))]
    public sealed class DisconnectSshSessionCommand : NetworkCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public SshSession[] Session { get; set; } = Array.Empty<SshSession>();

        protected override void ProcessRecord()
        {
            foreach (var session in Session)
                session.Disconnect();
        }
    }
}
