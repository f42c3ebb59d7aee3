using System;
using System.Management.Automation;
using System.Threading.Tasks;
using NetFoundations.Core.Ssh;

namespace NetFoundations.PowerShell.Ssh
{
    /// <summary>Closes SSH sessions (after stopping their tunnels, and their SFTP connections).</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "SshSession", HelpUri = HelpLinks.Base + "Disconnect-SshSession.md")]
    [OutputType(typeof(void))]
    public sealed class DisconnectSshSessionCommand : PipelineCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public SshSession[] Session { get; set; } = Array.Empty<SshSession>();

        /// <summary>Seconds each disconnect may take (stopping the tunnels, closing SFTP and the connection); a frozen server cannot hold it longer.</summary>
        [Parameter]
        [ValidateRange(0.1, 3600.0)]
        public double TimeoutSeconds { get; set; } = 10;

        protected override void ProcessRecord()
        {
            foreach (var session in Session)
            {
                Run(_ =>
                    {
                        session.Disconnect();
                        return Task.CompletedTask;
                    },
                    TimeSpan.FromSeconds(TimeoutSeconds), session);
            }
        }
    }
}
