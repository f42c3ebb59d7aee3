using System;
using System.Management.Automation;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    /// <summary>Parameters of the cmdlets that work in an IMAP session.</summary>
    public abstract class ImapCmdlet : NetworkCmdlet
    {
        /// <summary>From Connect-Imap, or the Session property of a piped message summary.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public ImapSession Session { get; set; } = null!;

        [Parameter]
        [ValidateRange(0.1, 3600.0)]
        public double TimeoutSeconds { get; set; } = 30;

        protected TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);
    }

    /// <summary>Cmdlets that act on messages: by folder and UID, or piped summaries.</summary>
    public abstract class ImapMessageCmdlet : ImapCmdlet
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string Folder { get; set; } = "INBOX";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public uint[] Uid { get; set; } = new uint[0];

        protected string Describe() => $"{Folder} UID {string.Join(",", Uid)} on {Session}";
    }
}
