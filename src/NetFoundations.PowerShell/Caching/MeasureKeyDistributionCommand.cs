using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NetFoundations.Core.Caching;

namespace NetFoundations.PowerShell.Caching
{
    /// <summary>
    /// The book's hashing.py made measurable: each server's share of the keys under each distribution, and how many keys
    /// move when servers are added or removed. Pure computation: no server is contacted.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Measure, "KeyDistribution", HelpUri = HelpLinks.Base + "Measure-KeyDistribution.md")]
    [OutputType(typeof(KeyDistributionReport))]
    public sealed class MeasureKeyDistributionCommand : PipelineCmdlet
    {
        private readonly List<string> keys = new List<string>();

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyCollection]
        public string[] Key { get; set; } = new string[0];

        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string[] Server { get; set; } = new string[0];

        [Parameter]
        [ValidateNotNullOrEmpty]
        public KeyDistribution[] Algorithm { get; set; } = { KeyDistribution.Modulo, KeyDistribution.Ketama, KeyDistribution.Rendezvous };

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? AddServer { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? RemoveServer { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var key in Key)
            {
                if (!string.IsNullOrEmpty(key))
                    keys.Add(key);
            }
        }

        protected override void EndProcessing()
        {
            var servers = Server.Distinct(StringComparer.Ordinal).ToArray();
            string[]? changed = null;
            if (AddServer != null || RemoveServer != null)
            {
                var missing = (RemoveServer ?? new string[0]).Where(s => !servers.Contains(s, StringComparer.Ordinal)).ToArray();
                if (missing.Length > 0)
                    ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-RemoveServer names {string.Join(", ", missing)}, which -Server does not list."),
                        "ServerNotListed", ErrorCategory.InvalidArgument, missing));
                changed = servers.Where(s => RemoveServer == null || !RemoveServer.Contains(s, StringComparer.Ordinal))
                    .Concat((AddServer ?? new string[0]).Where(s => !servers.Contains(s, StringComparer.Ordinal))).Distinct(StringComparer.Ordinal).ToArray();
                if (changed.Length == 0)
                    ThrowTerminatingError(new ErrorRecord(new ArgumentException("No server would be left after -RemoveServer."),
                        "NoServerLeft", ErrorCategory.InvalidArgument, RemoveServer));
            }
            foreach (var report in KeyDistributor.Measure(keys, servers, changed, Algorithm.Distinct()))
                WriteObject(report);
        }
    }
}
