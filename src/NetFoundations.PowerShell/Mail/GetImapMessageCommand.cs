using System;
using System.Management.Automation;
using System.Threading;
using NetFoundations.Core;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    /// <summary>Searches a folder and writes message summaries; nothing is marked seen.</summary>
    [Cmdlet(VerbsCommon.Get, "ImapMessage", HelpUri = HelpLinks.Base + "Get-ImapMessage.md")]
    [OutputType(typeof(ImapMessageSummary))]
    public sealed class GetImapMessageCommand : ImapCmdlet
    {
        /// <summary>The folder; binds FullName of piped folders.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string Folder { get; set; } = "INBOX";

        [Parameter] public SwitchParameter Unseen { get; set; }
        [Parameter] public SwitchParameter Seen { get; set; }
        [Parameter] public SwitchParameter Flagged { get; set; }
        [Parameter] public string? From { get; set; }
        [Parameter] public string? To { get; set; }
        [Parameter] public string? Subject { get; set; }
        [Parameter] public string? BodyText { get; set; }
        [Parameter] public DateTime? Since { get; set; }
        [Parameter] public DateTime? Before { get; set; }
        [Parameter] [ValidateRange(0, int.MaxValue)] public int? LargerThan { get; set; }
        [Parameter] [ValidateRange(1, int.MaxValue)] public int? SmallerThan { get; set; }
        [Parameter] public uint[] Uid { get; set; } = new uint[0];

        /// <summary>Only the newest N matches.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? Last { get; set; }

        protected override void ProcessRecord()
        {
            var search = new ImapSearchOptions
            {
                Seen = Unseen ? false : Seen ? true : (bool?)null,
                Flagged = Flagged ? true : (bool?)null,
                From = From,
                To = To,
                Subject = Subject,
                Body = BodyText,
                Since = Since,
                Before = Before,
                LargerThan = LargerThan,
                SmallerThan = SmallerThan,
                Uids = Uid,
                Limit = Last,
            };
            // Thousands of summaries are megabytes of text on the wire: recorded only when someone reads it.
            var transcript = TranscriptPath != null || VerboseWanted ? NewTranscript() : null;
            // Gathered for the pipeline thread: waking it for each of thousands of summaries costs more than reading them.
            long fetched = 0, total = -1;
            var activity = $"Fetching summaries from {Folder} on {Session}";
            var progress = CountedProgress(activity, "messages", () => Interlocked.Read(ref fetched), () => Interlocked.Read(ref total));
            try
            {
                Run(ct => Session.Connection().SearchAsync(Folder, search, summary =>
                    {
                        Interlocked.Increment(ref fetched);
                        PostGathered(summary);
                    }, count => Interlocked.Exchange(ref total, count), transcript, ct), Timeout, $"{Folder} on {Session}");
            }
            finally
            {
                CompleteProgress(progress, activity);
            }
        }
    }
}
