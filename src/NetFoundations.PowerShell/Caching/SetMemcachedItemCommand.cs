using System.Collections.Generic;
using System.Management.Automation;
using NetFoundations.Core;
using NetFoundations.Core.Caching;

namespace NetFoundations.PowerShell.Caching
{
    /// <summary>
    /// Stores an item (set, add, replace, append, prepend, cas) or gives it a new time to live (touch). Piped items are
    /// sent in pipelined batches, one write per server for up to 100 of them, servers in parallel; each gets its result or error.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "MemcachedItem", SupportsShouldProcess = true, DefaultParameterSetName = StoreSet,
        HelpUri = HelpLinks.Base + "Set-MemcachedItem.md")]
    [OutputType(typeof(MemcachedWriteResult))]
    public sealed class SetMemcachedItemCommand : MemcachedCmdlet
    {
        private const string StoreSet = "Store", TouchSet = "Touch";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Key { get; set; } = string.Empty;

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = StoreSet)]
        [AllowEmptyString]
        public object Value { get; set; } = null!;

        [Parameter(ParameterSetName = StoreSet)]
        [ValidateSet("Set", "Add", "Replace", "Append", "Prepend", "Cas")]
        public MemcachedOperation Mode { get; set; } = MemcachedOperation.Set;

        /// <summary>The CAS value from Get-MemcachedItem -Cas; binds from a piped item's Cas.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = StoreSet)]
        [Alias("Cas")]
        public ulong? CasValue { get; set; }

        [Parameter(ParameterSetName = StoreSet)]
        public SwitchParameter AsJson { get; set; }

        [Parameter(ParameterSetName = StoreSet)]
        [Parameter(Mandatory = true, ParameterSetName = TouchSet)]
        [ValidateRange(0, uint.MaxValue)]
        public long TimeToLive { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = TouchSet)]
        public SwitchParameter Touch { get; set; }

        // Piped items gather up to this many before they are sent, pipelined per server (one write, then the replies).
        private const int Gather = 1000;
        private readonly List<MemcachedStore> pending = new List<MemcachedStore>();
        private MemcachedSession? pendingSession;

        protected override void ProcessRecord()
        {
            var action = Touch ? $"touch (time to live {TimeToLive} s)" : Mode.ToString().ToLowerInvariant();
            if (!ShouldProcess($"{Key} on {Session}", action))
                return;
            if (Touch)
            {
                var transcript = NewTranscript();
                var client = Session.Connection();
                Run(async ct => PostObject(await client.TouchAsync(Key, TimeToLive, transcript, ct).ConfigureAwait(false)), Timeout, Key);
                return;
            }
            if (pendingSession != null && !ReferenceEquals(pendingSession, Session))
                Flush();
            pendingSession = Session;
            var (flags, data) = Encode(Value, AsJson);
            pending.Add(new MemcachedStore(Mode, Key, flags, data, TimeToLive, CasValue));
            if (pending.Count >= Gather)
                Flush();
        }

        protected override void EndProcessing() => Flush();

        private void Flush()
        {
            if (pending.Count == 0 || pendingSession == null)
                return;
            var stores = pending.ToArray();
            var session = pendingSession;
            pending.Clear();
            var transcript = NewTranscript();
            IReadOnlyList<(MemcachedWriteResult? Result, NetworkException? Error)>? outcomes = null;
            if (!Run(async ct => outcomes = await session.Connection().StoreManyAsync(stores, transcript, ct).ConfigureAwait(false), Timeout,
                    stores.Length == 1 ? stores[0].Key : $"{stores.Length} items"))
                return;
            for (var i = 0; i < stores.Length; i++)
            {
                if (outcomes![i].Result != null)
                    WriteObject(outcomes[i].Result);
                else
                    WriteError(ErrorMapping.ToErrorRecord(outcomes[i].Error!, stores[i].Key));
            }
        }
    }
}
