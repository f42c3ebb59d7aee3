using System;
using System.Management.Automation;
using NetFoundations.Core.Caching;

namespace NetFoundations.PowerShell.Caching
{
    /// <summary>Closes memcached sessions: their connections to every server.</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "Memcached", HelpUri = HelpLinks.Base + "Disconnect-Memcached.md")]
    [OutputType(typeof(void))]
    public sealed class DisconnectMemcachedCommand : PipelineCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public MemcachedSession[] Session { get; set; } = Array.Empty<MemcachedSession>();

        protected override void ProcessRecord()
        {
            foreach (var session in Session)
                session.Dispose();
        }
    }
}
