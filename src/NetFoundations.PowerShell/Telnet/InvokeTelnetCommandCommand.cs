using System;
using System.Management.Automation;
using NetFoundations.Core;
using NetFoundations.Core.Telnet;

namespace NetFoundations.PowerShell.Telnet
{
    /// <summary>Logs in over Telnet by the prompts, runs a command and returns its output (the book's telnet_login).</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "TelnetCommand", HelpUri = HelpLinks.Base + "Invoke-TelnetCommand.md")]
    [OutputType(typeof(TelnetCommandResult))]
    public sealed class InvokeTelnetCommandCommand : TelnetCmdlet
    {
        [Parameter(Mandatory = true)]
        [Credential]
        [ValidateNotNull]
        public PSCredential Credential { get; set; } = PSCredential.Empty;

        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Command { get; set; } = string.Empty;

        protected override void ProcessRecord()
        {
            var addresses = AddressesFor(ComputerName, out var valid);
            if (!valid)
                return;
            foreach (var host in ComputerName)
            {
                var options = LoginOptions(host, addresses, Credential);
                var transcript = NewTranscript();
                Run(async cancel => PostObject(await TelnetLogin.RunCommandAsync(options, Command, transcript, cancel)),
                    TelnetLogin.Deadline(options, Command), Endpoints.Format(host, Port));
            }
        }
    }
}
