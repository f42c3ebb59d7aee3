using System.Management.Automation;
using NetFoundations.Core.Caching;

namespace NetFoundations.PowerShell.Caching
{
    /// <summary>Deletes items by key.</summary>
    [Cmdlet(VerbsCommon.Remove, "MemcachedItem", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        HelpUri = HelpLinks.Base + "Remove-MemcachedItem.md")]
    [OutputType(typeof(MemcachedWriteResult))]
    public sealed class RemoveMemcachedItemCommand : MemcachedCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] Key { get; set; } = new string[0];

        protected override void ProcessRecord()
        {
            var transcript = NewTranscript();
            foreach (var key in Key)
            {
                if (ShouldProcess($"{key} on {Session}", "delete"))
                    Run(async ct => PostObject(await Session.Connection().DeleteAsync(key, transcript, ct).ConfigureAwait(false)), Timeout, key);
            }
        }
    }
}
