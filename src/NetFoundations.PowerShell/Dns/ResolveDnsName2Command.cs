using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core;
using NetFoundations.Core.Dns;

namespace NetFoundations.PowerShell.Dns
{
    /// <summary>
    /// Asks DNS servers for records. Piped names are resolved as they come, concurrently (at most
    /// -ThrottleLimit at a time), and written in the order they came in, while the input still comes.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Resolve, "DnsName2", DefaultParameterSetName = RecordsSet, HelpUri = HelpLinks.Base + "Resolve-DnsName2.md")]
    [OutputType(typeof(DnsRecord), ParameterSetName = new[] { RecordsSet })]
    [OutputType(typeof(DnsResponse), ParameterSetName = new[] { ResponseSet })]
    public sealed class ResolveDnsName2Command : DnsCmdlet
    {
        private const string RecordsSet = "Records";
        private const string ResponseSet = "Response";
        private const int WriteInterval = 2; // milliseconds
        // What the lookups found, to write on the pipeline thread: between inputs, and at the end until the last is in.
        private readonly ConcurrentQueue<Action> found = new ConcurrentQueue<Action>();
        private readonly CancellationTokenSource ended = new CancellationTokenSource();
        private DnsNameFeed? feed;
        private Task? lookups;
        private long lastFinished = Stopwatch.GetTimestamp(); // when a lookup last finished, for the end's watchdog
        private const string Activity = "Resolving names";
        private long namesAdded, namesAnswered; // for the progress bar
        private ProgressTicker? progress;

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
            if (feed == null && !StartLookups())
                return;
            foreach (var name in Name)
            {
                feed!.Add(name);
                Interlocked.Increment(ref namesAdded);
            }
            WriteFound();
        }

        protected override void EndProcessing()
        {
            if (feed == null)
                return;
            feed.Complete();
            EndLookups(Stopwatch.GetTimestamp());
            CompleteProgress(progress!, Activity);
        }

        private void EndLookups(long completed)
        {
            try
            {
                // Looked at every few milliseconds rather than woken per answer: a wake-up costs more than an answer.
                while (!lookups!.Wait(WriteInterval, Stopping))
                {
                    WriteFound();
                    // Every lookup ends within the deadline (Core's bound): when none has for longer than that and the
                    // grace, work that ignores its token holds the rest, and the command goes on without it.
                    var quiet = Stopwatch.GetTimestamp() - Math.Max(completed, Interlocked.Read(ref lastFinished));
                    if (quiet > (Deadline + Grace).Ticks * (Stopwatch.Frequency / (double)TimeSpan.TicksPerSecond))
                    {
                        ended.Cancel();
                        WriteError(DnsErrors.ToErrorRecord(new NetworkTimeoutException(
                            $"No lookup ended within {TotalTimeoutSeconds:0.###} s; those still running were abandoned.", null), null));
                        return;
                    }
                }
            }
            catch (Exception e) when (Stopping.IsCancellationRequested && (e is OperationCanceledException || e is AggregateException))
            {
                throw new PipelineStoppedException();
            }
            catch (AggregateException e)
            {
                WriteFound();
                WriteError(DnsErrors.ToErrorRecord(e.GetBaseException(), null));
                return;
            }
            WriteFound();
        }

        /// <summary>Starts the lookups of the names to come; false when the servers could not be set up.</summary>
        private bool StartLookups()
        {
            var asked = MyInvocation.BoundParameters.ContainsKey(nameof(Type)) ? Type : (DnsRecordType?)null;
            // Only when someone reads it: keeping the notes of thousands of names costs more than asking.
            var transcript = TranscriptPath != null || VerboseWanted ? NewTranscript(post: Found) : null;
            var names = new DnsNameFeed();
            var cancel = CancellationTokenSource.CreateLinkedTokenSource(Stopping, ended.Token);
            lookups = StartDns((resolver, ct) => resolver.LookupManyAsync(names, asked, Response, ThrottleLimit, Write, transcript, ct), cancel.Token);
            if (lookups == null)
            {
                cancel.Dispose();
                return false;
            }
            lookups.ContinueWith(_ => cancel.Dispose(), TaskScheduler.Default);
            feed = names;
            // While input still comes, the count of names so far is the total: the bar moves on as more come.
            progress = CountedProgress(Activity, "names answered", () => Interlocked.Read(ref namesAnswered), () => Interlocked.Read(ref namesAdded), Found);
            return true;
        }

        private void Write(IReadOnlyList<DnsLookup> lookups)
        {
            Interlocked.Exchange(ref lastFinished, Stopwatch.GetTimestamp());
            Interlocked.Add(ref namesAnswered, lookups.Count);
            Found(() => WriteLookups(lookups));
        }

        private void WriteLookups(IReadOnlyList<DnsLookup> lookups)
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
        }

        private void Found(Action write) => found.Enqueue(write);

        private void WriteFound()
        {
            while (found.TryDequeue(out var write))
                write();
        }

        protected override void Dispose(bool disposing)
        {
            // Ended early (a later command took what it wanted, or an error stopped the pipeline): the lookups stop too.
            if (disposing)
            {
                progress?.Dispose();
                ended.Cancel();
                ended.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
