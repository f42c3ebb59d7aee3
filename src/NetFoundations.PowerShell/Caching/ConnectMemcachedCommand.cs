using System.Management.Automation;
using NetFoundations.Core.Caching;

namespace NetFoundations.PowerShell.Caching
{
    /// <summary>Connects to one or more memcached servers; the session goes to the other memcached cmdlets with -Session.</summary>
    [Cmdlet(VerbsCommunications.Connect, "Memcached", HelpUri = HelpLinks.Base + "Connect-Memcached.md")]
    [OutputType(typeof(MemcachedSession))]
    public sealed class ConnectMemcachedCommand : NetworkCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        [Alias("ComputerName")]
        public string[] Server { get; set; } = new string[0];

        [Parameter]
        public KeyDistribution KeyDistribution { get; set; } = KeyDistribution.Rendezvous;

        [Parameter]
        public SwitchParameter Failover { get; set; }

        [Parameter]
        [ValidateRange(1, MemcachedOptions.MaxMaxValueBytes)]
        public int MaxValueBytes { get; set; } = MemcachedOptions.DefaultMaxValueBytes;

        [Parameter]
        [ValidateRange(0.1, 3600.0)]
        public double TimeoutSeconds { get; set; } = 5;

        protected override void ProcessRecord()
        {
            var timeout = System.TimeSpan.FromSeconds(TimeoutSeconds);
            var options = new MemcachedOptions
            {
                Servers = Server,
                KeyDistribution = KeyDistribution,
                Failover = Failover,
                MaxValueBytes = MaxValueBytes,
                ConnectTimeout = timeout,
            };
            var transcript = NewTranscript();
            Run(async ct =>
            {
                var session = await MemcachedClient.ConnectAsync(options, transcript, ct).ConfigureAwait(false);
                if (session.DownServers.Count > 0)
                    PostWarning($"Not answering, taken out of the distribution: {string.Join(", ", session.DownServers)}.");
                PostObject(session);
            }, timeout, string.Join(",", Server));
        }
    }
}
