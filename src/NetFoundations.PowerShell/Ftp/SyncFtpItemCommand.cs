using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NetFoundations.Core;
using NetFoundations.Core.Ftp;

namespace NetFoundations.PowerShell.Ftp
{
    /// <summary>
    /// Mirrors a folder: carries out a plan piped from Compare-FtpItem, or compares first. Transfers the Missing, Newer
    /// and SizeDiffers files; deletes Extra ones only with -DeleteExtra, and then refuses when the source listed no
    /// files or more than -MaximumDeletePercent of the destination would go (-IgnoreDeleteLimit lifts both).
    /// Asks before each step under -Confirm; does nothing under -WhatIf.
    /// </summary>
    [Cmdlet(VerbsData.Sync, "FtpItem", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = CompareSet,
        HelpUri = HelpLinks.Base + "Sync-FtpItem.md")]
    [OutputType(typeof(FtpTransferResult), typeof(FtpTreeResult))]
    public sealed class SyncFtpItemCommand : FtpCmdlet
    {
        private const string CompareSet = "Compare";
        private const string PlanSet = "Plan";

        /// <summary>The differences to act on, from Compare-FtpItem (one comparison).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PlanSet)]
        [ValidateNotNull]
        public FtpDifference[] InputObject { get; set; } = Array.Empty<FtpDifference>();

        /// <summary>The remote folder.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = CompareSet)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>The local folder.</summary>
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = CompareSet)]
        [ValidateNotNullOrEmpty]
        public string LocalPath { get; set; } = string.Empty;

        /// <summary>Download: make the local folder like the remote one; Upload: the remote like the local.</summary>
        [Parameter(ParameterSetName = CompareSet)]
        public FtpDirection Direction { get; set; } = FtpDirection.Download;

        /// <summary>Delete the destination's files that the source does not have; they are kept without it.</summary>
        [Parameter]
        public SwitchParameter DeleteExtra { get; set; }

        /// <summary>The largest share of the destination's files (in percent) -DeleteExtra may delete in one run.</summary>
        [Parameter]
        [ValidateRange(0.0, 100.0)]
        public double MaximumDeletePercent { get; set; } = 50;

        /// <summary>Delete as the plan says even when the source listed no files or more than -MaximumDeletePercent would go.</summary>
        [Parameter]
        public SwitchParameter IgnoreDeleteLimit { get; set; }

        /// <summary>How many FTP connections transfer at the same time (the session's and more like it).</summary>
        [Parameter]
        [ValidateRange(1, FtpTrees.MaxThrottleLimit)]
        public int ThrottleLimit { get; set; } = 1;

        /// <summary>Seconds the whole mirror may take while it keeps moving; 0 lifts this bound (-TimeoutSeconds still ends a stalled transfer).</summary>
        [Parameter]
        [ValidateRange(0.0, 604800.0)]
        public double TotalTimeoutSeconds { get; set; } = 3600;

        private readonly List<FtpDifference> plan = new List<FtpDifference>();

        protected override void ProcessRecord()
        {
            if (!UseSession())
                return;
            if (ParameterSetName == PlanSet)
            {
                plan.AddRange(InputObject.Where(d => d != null));
                return;
            }
            var local = GetUnresolvedProviderPathFromPSPath(LocalPath);
            var transcript = NewTranscript();
            Run(async cancel => plan.AddRange(await FtpMirror.CompareAsync(Session.Connection(), Path, local, Direction, transcript, cancel)),
                Seconds(TimeoutSeconds), Path);
            Act();
            plan.Clear();
        }

        protected override void EndProcessing()
        {
            if (ParameterSetName == PlanSet)
                Act();
            base.EndProcessing();
        }

        private void Act()
        {
            if (plan.Count == 0)
                return;
            var first = plan[0];
            if (plan.Any(d => d.Session != first.Session || d.Direction != first.Direction || d.RemoteRoot != first.RemoteRoot || d.LocalRoot != first.LocalRoot))
            {
                WriteError(ErrorMapping.ToErrorRecord(new ArgumentException(
                    "The plan mixes comparisons (sessions, directions or folders): sync each Compare-FtpItem's output on its own."), first));
                return;
            }
            var deletions = plan.Where(d => d.Reason == FtpDifferenceReason.Extra).ToList();
            if (!DeleteExtra && deletions.Count > 0)
                WriteVerbose($"{deletions.Count} extra files kept: -DeleteExtra deletes them.");
            if (DeleteExtra)
            {
                try
                {
                    FtpMirror.CheckDeletes(deletions, MaximumDeletePercent, IgnoreDeleteLimit);
                }
                catch (InvalidNetworkRequestException e)
                {
                    WriteError(ErrorMapping.ToErrorRecord(e, first.Direction == FtpDirection.Download ? first.LocalRoot : first.RemoteRoot));
                    return;
                }
            }
            var agreed = new List<FtpDifference>();
            foreach (var difference in plan)
            {
                if (difference.Reason == FtpDifferenceReason.Extra && !DeleteExtra)
                    continue;
                var target = difference.Action == FtpMirrorAction.Upload || (difference.Action == FtpMirrorAction.Delete && difference.Direction == FtpDirection.Upload)
                    ? $"{difference.Session}:{difference.RemotePath}"
                    : difference.LocalPath;
                if (ShouldProcess(target, $"{difference.Action} ({difference.Reason}: {difference.Detail})"))
                    agreed.Add(difference);
            }
            if (agreed.Count == 0)
                return;
            var transcript = NewTranscript();
            // A plan from a one-shot Compare-FtpItem carries a session already closed: -ComputerName acts over its own.
            var session = OneShot ? Session : first.Session;
            var activity = $"Mirror with {session}";
            var options = TreeOptions(true, ThrottleLimit, activity);
            try
            {
                Run(async cancel => PostObject(await FtpMirror.SyncAsync(session.Connection(), agreed, options, transcript, cancel)),
                    Seconds(TotalTimeoutSeconds), first.RemoteRoot);
            }
            finally
            {
                CompleteTransferProgress(activity);
            }
        }
    }
}
