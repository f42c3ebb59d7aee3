using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading.Tasks;
using NetFoundations.Core.Caching;

namespace NetFoundations.PowerShell.Caching
{
    /// <summary>
    /// Cache-aside (the book's squares.py): the cached value of a key, or the scriptblock's value, stored with a time to
    /// live and returned. The session counts hits and misses.
    /// </summary>
    [Cmdlet(VerbsOther.Use, "MemcachedItem", HelpUri = HelpLinks.Base + "Use-MemcachedItem.md")]
    [OutputType(typeof(object))]
    public sealed class UseMemcachedItemCommand : MemcachedCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Key { get; set; } = string.Empty;

        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNull]
        public ScriptBlock ScriptBlock { get; set; } = null!;

        [Parameter]
        [ValidateRange(0, uint.MaxValue)]
        public long TimeToLive { get; set; }

        [Parameter]
        [ValidateRange(0.1, 3600.0)]
        public double? LockSeconds { get; set; }

        [Parameter]
        public SwitchParameter AsJson { get; set; }

        [Parameter]
        public SwitchParameter AsByteArray { get; set; }

        protected override void ProcessRecord()
        {
            var transcript = NewTranscript();
            var key = Key;
            MemcachedItem? found = null;
            var timeout = LockSeconds.HasValue ? Timeout + TimeSpan.FromSeconds(LockSeconds.Value) : Timeout;
            // The scriptblock runs on the pipeline thread, which Run pumps while Core waits for its value.
            Task<(uint, byte[])> Compute()
            {
                var value = new TaskCompletionSource<(uint, byte[])>(TaskCreationOptions.RunContinuationsAsynchronously);
                Post(() =>
                {
                    try
                    {
                        var output = ScriptBlock.InvokeWithContext(null, new List<PSVariable> { new PSVariable("_", key) }, key);
                        object? result = output.Count == 1 ? output[0] : output.Count == 0 ? null : (object)output;
                        value.SetResult(Encode(result, AsJson));
                    }
                    catch (Exception e)
                    {
                        value.SetException(e);
                    }
                });
                return value.Task;
            }
            if (!Run(async ct => found = (await Session.Connection().GetOrAddAsync(key, TimeToLive, Compute, LockSeconds, transcript, ct)
                    .ConfigureAwait(false)).Item, timeout, key))
                return;
            WriteObject(Decode(found!, AsByteArray).Value);
        }
    }
}
