using System;
using System.Management.Automation;
using System.Threading.Tasks;
using NetFoundations.Core.Ftp;

namespace NetFoundations.PowerShell.Ftp
{
    /// <summary>Ends FTP sessions (QUIT, then the connection is closed).</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "FtpSession", HelpUri = HelpLinks.Base + "Disconnect-FtpSession.md")]
    [OutputType(typeof(void))]
    public sealed class DisconnectFtpSessionCommand : PipelineCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public FtpSession[] Session { get; set; } = Array.Empty<FtpSession>();

        /// <summary>Seconds each disconnect may take; a frozen server cannot hold it longer.</summary>
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
