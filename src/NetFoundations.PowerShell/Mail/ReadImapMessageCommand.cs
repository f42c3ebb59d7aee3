using System.Management.Automation;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    /// <summary>Fetches whole messages (BODY.PEEK[]) as parsed messages; they stay unseen.</summary>
    [Cmdlet(VerbsCommunications.Read, "ImapMessage")]
    [OutputType(typeof(MailMessage))]
    public sealed class ReadImapMessageCommand : ImapMessageCmdlet
    {
        protected override void ProcessRecord()
        {
            var transcript = NewTranscript();
            foreach (var uid in Uid)
                Run(async ct => PostObject(await Session.ReadMessageAsync(Folder, uid, transcript, ct).ConfigureAwait(false)), Timeout, $"{Folder} UID {uid} on {Session}");
        }
    }
}
