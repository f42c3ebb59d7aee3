using System;
using System.Management.Automation;
using NetFoundations.Core.Dns;

namespace NetFoundations.PowerShell.Dns
{
    /// <summary>Where a domain's mail goes: its MX hosts in preference order with their addresses, the implicit MX, or a null MX.</summary>
    [Cmdlet(VerbsDiagnostic.Resolve, "MailExchange", HelpUri = HelpLinks.Base + "Resolve-MailExchange.md")]
    [OutputType(typeof(MailExchange))]
    public sealed class ResolveMailExchangeCommand : DnsCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("Name")]
        public string[] Domain { get; set; } = Array.Empty<string>();

        protected override void ProcessRecord()
        {
            foreach (var domain in Domain)
            {
                var transcript = NewTranscript();
                RunDns(async (resolver, ct) =>
                {
                    foreach (var exchange in await MailExchanges.ResolveAsync(resolver, domain, transcript, ct).ConfigureAwait(false))
                        PostObject(exchange);
                }, domain);
            }
        }
    }
}
