using System.Management.Automation;
using NetFoundations.Core.Caching;

namespace NetFoundations.PowerShell.Caching
{
    /// <summary>Adds to or takes from a counter on the server (incr, decr), atomically.</summary>
    [Cmdlet(VerbsData.Update, "MemcachedCounter", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "Update-MemcachedCounter.md")]
    [OutputType(typeof(MemcachedWriteResult))]
    public sealed class UpdateMemcachedCounterCommand : MemcachedCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] Key { get; set; } = new string[0];

        [Parameter(Position = 1)]
        public ulong By { get; set; } = 1;

        [Parameter]
        public SwitchParameter Decrement { get; set; }

        [Parameter]
        public ulong? InitialValue { get; set; }

        [Parameter]
        [ValidateRange(0, uint.MaxValue)]
        public long TimeToLive { get; set; }

        protected override void ProcessRecord()
        {
            var transcript = NewTranscript();
            foreach (var key in Key)
            {
                if (!ShouldProcess($"{key} on {Session}", Decrement ? $"decr {By}" : $"incr {By}"))
                    continue;
                Run(async ct => PostObject(await Session.Connection().CounterAsync(key, !Decrement, By, InitialValue, TimeToLive, transcript, ct)
                    .ConfigureAwait(false)), Timeout, key);
            }
        }
    }
}
