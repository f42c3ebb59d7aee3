using System.Management.Automation;
using NetFoundations.Core.Caching;

namespace NetFoundations.PowerShell.Caching
{
    /// <summary>Asks every server of a session (or those named) for its statistics.</summary>
    [Cmdlet(VerbsCommon.Get, "MemcachedStat", HelpUri = HelpLinks.Base + "Get-MemcachedStat.md")]
    [OutputType(typeof(MemcachedServerStats))]
    public sealed class GetMemcachedStatCommand : MemcachedCmdlet
    {
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string[]? Server { get; set; }

        protected override void ProcessRecord()
        {
            var transcript = NewTranscript();
            Run(async ct =>
            {
                var (stats, failures) = await Session.Connection().StatsAsync(Server, transcript, ct).ConfigureAwait(false);
                foreach (var server in stats)
                    PostObject(server);
                Post(() => WriteFailures(failures));
            }, Timeout, Session);
        }
    }
}
