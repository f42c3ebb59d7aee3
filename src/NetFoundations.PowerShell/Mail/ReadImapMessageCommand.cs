using System.Management.Automation;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    /// <summary>Fetches whole messages (BODY.PEEK[]) as parsed messages, or one body section as bytes; they stay unseen.</summary>
    [Cmdlet(VerbsCommunications.Read, "ImapMessage", HelpUri = HelpLinks.Base + "Read-ImapMessage.md")]
    [OutputType(typeof(MailMessage), typeof(byte[]))]
    public sealed class ReadImapMessageCommand : ImapMessageCmdlet
    {
        /// <summary>Only this body section, raw: "2", "1.2", "HEADER", "TEXT", "2.MIME" …</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Section { get; set; }

        protected override void ProcessRecord()
        {
            var transcript = NewTranscript();
            foreach (var uid in Uid)
                Run(async ct =>
                {
                    if (Section == null)
                        PostObject(await Session.Connection().ReadMessageAsync(Folder, uid, transcript, ct).ConfigureAwait(false));
                    else
                        PostObject(await Session.Connection().ReadSectionAsync(Folder, uid, Section, transcript, ct).ConfigureAwait(false));
                }, Timeout, $"{Folder} UID {uid} on {Session}");
        }
    }
}
