using System;
using System.Management.Automation;
using NetFoundations.Core.Ftp;

namespace NetFoundations.PowerShell.Ftp
{
    /// <summary>Opens an FTP or FTPS session (TLS as asked, the certificate verified, then login) and returns it.</summary>
    [Cmdlet(VerbsCommunications.Connect, "FtpSession", HelpUri = HelpLinks.Base + "Connect-FtpSession.md")]
    [OutputType(typeof(FtpSession))]
    public sealed class ConnectFtpSessionCommand : FtpServerCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("HostName", "CN")]
        [ValidateNotNullOrEmpty]
        public string[] ComputerName { get; set; } = Array.Empty<string>();

        /// <summary>Active data connections: the server connects back to this machine (EPRT, else PORT).</summary>
        [Parameter]
        public SwitchParameter ActiveMode { get; set; }

        protected override void ProcessRecord() =>
            ForEachServer(ComputerName, async (options, transcript, cancel) =>
            {
                options.Active = ActiveMode;
                PostObject(await FtpConnection.ConnectAsync(options, transcript, cancel));
            });
    }
}
