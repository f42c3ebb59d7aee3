using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using NetFoundations.Core.Dns;

namespace NetFoundations.PowerShell.Dns
{
    /// <summary>
    /// Asks DNS servers for records. Piped names are resolved concurrently (at most -ThrottleLimit
    /// at a time, in batches) and written in the order they came in.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Resolve, "DnsName2", DefaultParameterSetName = RecordsSet)]
    [OutputType(typeof(DnsRecord), ParameterSetName = new[] { RecordsSet })]
    [OutputType(typeof(DnsResponse), ParameterSetName = new[] { ResponseSet })]
    public sealed class ResolveDnsName2Command : NetworkCmdlet
    {
        private const string RecordsSet = "Records";
        private const string ResponseSet = "Response";
        private const int BatchSize = 512;
        private readonly List<string> pending = new List<string>();
        private DnsResolver? resolver;
        // Boxed on purpose: a field of a Core value type would make the runtime load Core to lay out
        // this class when Import-Module lists the cmdlets, before the module's resolver is in place.
        private object type = DnsRecordType.A;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; } = Array.Empty<string>();

        [Parameter(Position = 1)]
        public DnsRecordType Type
        {
            get => (DnsRecordType)type;
            set => type = value;
        }

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
        public double Timeout { get; set; } = DnsResolverOptions.DefaultTimeout.TotalSeconds;

        [Parameter]
        [ValidateRange(0, 10)]
        public int Retries { get; set; } = 2;

        [Parameter]
        [ValidateRange(1, DnsResolver.MaxConcurrency)]
        public int ThrottleLimit { get; set; } = 64;

        [Parameter(Mandatory = true, ParameterSetName = ResponseSet)]
        public SwitchParameter Response { get; set; }

        protected override void BeginProcessing()
        {
            var options = new Func<DnsResolverOptions>(() => new DnsResolverOptions(Server, TcpOnly, !NoRecursion, DnssecOk, TimeSpan.FromSeconds(Timeout), Retries));
            Run(async ct => resolver = await DnsResolver.CreateAsync(options(), ct).ConfigureAwait(false),
                System.Threading.Timeout.InfiniteTimeSpan, Server == null ? null : string.Join(",", Server));
        }

        protected override void ProcessRecord()
        {
            if (resolver == null)
                return;
            pending.AddRange(Name);
            if (pending.Count >= BatchSize)
                Flush();
        }

        protected override void EndProcessing() => Flush();

        private void Flush()
        {
            if (resolver == null || pending.Count == 0)
                return;
            var names = pending.ToArray();
            pending.Clear();
            var type = MyInvocation.BoundParameters.ContainsKey(nameof(Type)) ? Type : (DnsRecordType?)null;
            var transcript = NewTranscript();
            var active = resolver;
            // Each query is bounded by Timeout x tries inside Core; the batch as a whole is not.
            Run(ct => active.LookupManyAsync(names, type, Response, ThrottleLimit, Write, transcript, ct),
                System.Threading.Timeout.InfiniteTimeSpan, null);
        }

        private void Write(DnsLookup lookup)
        {
            if (lookup.Error != null)
            {
                var error = DnsErrors.ToErrorRecord(lookup.Error, lookup.Name);
                Post(() => WriteError(error));
            }
            else if (lookup.Response != null)
            {
                PostObject(lookup.Response);
            }
            else
            {
                var records = lookup.Records;
                Post(() => { foreach (var record in records) WriteObject(record); });
            }
        }
    }
}
