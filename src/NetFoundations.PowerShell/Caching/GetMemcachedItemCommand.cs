using System.Collections.Generic;
using System.Management.Automation;
using NetFoundations.Core.Caching;

namespace NetFoundations.PowerShell.Caching
{
    /// <summary>
    /// Reads items by key: keys given together or piped are asked in one get per server (up to 100 keys a command),
    /// servers in parallel; a key not found writes nothing.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "MemcachedItem", HelpUri = HelpLinks.Base + "Get-MemcachedItem.md")]
    [OutputType(typeof(MemcachedItem))]
    public sealed class GetMemcachedItemCommand : MemcachedCmdlet
    {
        // Piped keys gather up to this many before a get, so a pipeline of keys is batched too.
        private const int Gather = 1000;
        private readonly List<string> pending = new List<string>();
        private MemcachedSession? pendingSession;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] Key { get; set; } = new string[0];

        [Parameter]
        public SwitchParameter Cas { get; set; }

        [Parameter]
        public SwitchParameter AsByteArray { get; set; }

        protected override void ProcessRecord()
        {
            if (pendingSession != null && !ReferenceEquals(pendingSession, Session))
                Flush();
            pendingSession = Session;
            pending.AddRange(Key);
            if (pending.Count >= Gather)
                Flush();
        }

        protected override void EndProcessing() => Flush();

        private void Flush()
        {
            if (pending.Count == 0 || pendingSession == null)
                return;
            var keys = pending.ToArray();
            var session = pendingSession;
            pending.Clear();
            var transcript = NewTranscript();
            MemcachedGetResult? result = null;
            if (!Run(async ct => result = await session.Connection().GetAsync(keys, Cas, transcript, ct).ConfigureAwait(false), Timeout,
                    keys.Length == 1 ? keys[0] : $"{keys.Length} keys"))
                return;
            foreach (var item in result!.Items)
                WriteObject(Decode(item, AsByteArray));
            WriteFailures(result.Failures);
        }
    }
}
