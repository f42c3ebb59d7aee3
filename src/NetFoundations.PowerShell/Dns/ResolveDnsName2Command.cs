using System;
using System.Collections.Generic;
using System.Management.Automation;
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
    public sealed class ResolveDnsName2Command : DnsCmdlet
    {
        private const string RecordsSet = "Records";
        private const string ResponseSet = "Response";
        private const int BatchSize = 512;
        private readonly List<string> pending = new List<string>();

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; } = Array.Empty<string>();

        [Parameter(Position = 1)]
        public DnsRecordType Type { get; set; } = DnsRecordType.A;

        [Parameter]
        [ValidateRange(1, DnsResolver.MaxConcurrency)]
        public int ThrottleLimit { get; set; } = 64;

        [Parameter(Mandatory = true, ParameterSetName = ResponseSet)]
        public SwitchParameter Response { get; set; }

        protected override void ProcessRecord()
        {
            pending.AddRange(Name);
            if (pending.Count >= BatchSize)
                Flush();
        }

        protected override void EndProcessing() => Flush();

        private void Flush()
        {
            if (pending.Count == 0)
                return;
            var names = pending.ToArray();
            pending.Clear();
            var asked = MyInvocation.BoundParameters.ContainsKey(nameof(Type)) ? Type : (DnsRecordType?)null;
            // Only when someone reads it: keeping the notes of thousands of names costs more than asking.
            var transcript = TranscriptPath != null || VerboseWanted ? NewTranscript() : null;
            RunDns((resolver, ct) => resolver.LookupManyAsync(names, asked, Response, ThrottleLimit, Write, transcript, ct), null);
        }

        private void Write(IReadOnlyList<DnsLookup> lookups) => Post(() =>
        {
            foreach (var lookup in lookups)
            {
                if (lookup.Error != null)
                    WriteError(DnsErrors.ToErrorRecord(lookup.Error, lookup.Name));
                else if (lookup.Response != null)
                    WriteObject(lookup.Response);
                else
                    foreach (var record in lookup.Records)
                        WriteObject(record);
            }
        });
    }
}
