using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Dns;

namespace NetFoundations.PowerShell.Dns
{
    /// <summary>The DNS cmdlets' shared parameters and resolver; DNS error responses get their own ErrorIds.</summary>
    public abstract class DnsCmdlet : NetworkCmdlet
    {
        private DnsResolver? resolver;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Server { get; set; }

        [Parameter]
        public SwitchParameter TcpOnly { get; set; }

        [Parameter]
        public SwitchParameter NoRecursion { get; set; }

        [Parameter]
        public SwitchParameter DnssecOk { get; set; }

        /// <summary>Seconds one try waits for an answer.</summary>
        [Parameter]
        [ValidateRange(0.05, 300)]
        public double TimeoutSeconds { get; set; } = DnsResolverOptions.DefaultTimeout.TotalSeconds;

        [Parameter]
        [ValidateRange(0, 10)]
        public int Retries { get; set; } = 2;

        /// <summary>Seconds one input (a name, a domain) may take in all: every question, try and CNAME hop.</summary>
        [Parameter]
        [ValidateRange(0.05, 3600)]
        public double TotalTimeoutSeconds { get; set; } = DnsResolverOptions.DefaultTotalTimeout.TotalSeconds;

        /// <summary>The deadline of one input's work, which Run enforces (Core bounds each lookup by it too).</summary>
        protected TimeSpan Deadline => TimeSpan.FromSeconds(TotalTimeoutSeconds);

        protected override void BeginProcessing()
        {
            // Setting up resolves the servers' names: within the same deadline.
            Run(async ct => resolver = await DnsResolver.CreateAsync(
                    new DnsResolverOptions(Server, TcpOnly, !NoRecursion, DnssecOk, TimeSpan.FromSeconds(TimeoutSeconds), Retries, Deadline), ct).ConfigureAwait(false),
                Deadline, Server == null ? null : string.Join(",", Server));
        }

        /// <summary>Runs one input's DNS work with the resolver (nothing when the servers could not be set up), within Deadline.</summary>
        protected void RunDns(Func<DnsResolver, CancellationToken, Task> work, object? target)
        {
            var active = resolver;
            if (active == null)
                return;
            Run(async ct =>
            {
                try
                {
                    await work(active, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    PostError(e, target);
                }
            }, Deadline, target);
        }

        /// <summary>
        /// Starts DNS work beside the pipeline (null when the servers could not be set up), for a
        /// cmdlet that writes what it finds while its input still comes; it ends with cancellation.
        /// </summary>
        protected Task? StartDns(Func<DnsResolver, CancellationToken, Task> work, CancellationToken cancellationToken)
        {
            var active = resolver;
            return active == null ? null : Task.Run(() => work(active, cancellationToken), cancellationToken);
        }

        protected void PostError(Exception error, object? target)
        {
            var record = DnsErrors.ToErrorRecord(error, target);
            Post(() => WriteError(record));
        }
    }
}
