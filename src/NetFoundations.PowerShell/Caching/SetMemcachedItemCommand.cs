using System.Management.Automation;
using NetFoundations.Core.Caching;

namespace NetFoundations.PowerShell.Caching
{
    /// <summary>Stores an item (set, add, replace, append, prepend, cas) or gives it a new time to live (touch).</summary>
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

        protected override void ProcessRecord()
        {
            var action = Touch ? $"touch (time to live {TimeToLive} s)" : Mode.ToString().ToLowerInvariant();
            if (!ShouldProcess($"{Key} on {Session}", action))
                return;
            var transcript = NewTranscript();
            var client = Session.Connection();
            if (Touch)
            {
                Run(async ct => PostObject(await client.TouchAsync(Key, TimeToLive, transcript, ct).ConfigureAwait(false)), Timeout, Key);
                return;
            }
            var (flags, data) = Encode(Value, AsJson);
            Run(async ct => PostObject(await client.StoreAsync(Mode, Key, flags, data, TimeToLive, CasValue, transcript, ct).ConfigureAwait(false)),
                Timeout, Key);
        }
    }
}
