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

        protected override void ProcessRecord() =>
            ForEachServer(ComputerName, async (options, transcript, cancel) =>
                PostObject(await FtpConnection.ConnectAsync(options, transcript, cancel)));
    }
}
