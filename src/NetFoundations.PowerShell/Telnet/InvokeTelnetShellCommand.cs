using System.Management.Automation;
using NetFoundations.Core;
using NetFoundations.Core.Expect;
using NetFoundations.Core.Telnet;
using NetFoundations.PowerShell.Expect;

namespace NetFoundations.PowerShell.Telnet
{
    /// <summary>Connects over Telnet, logs in by the prompts when given a credential, then runs send/expect steps.</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "TelnetShell", HelpUri = HelpLinks.Base + "Invoke-TelnetShell.md")]
    [OutputType(typeof(ExpectResult))]
    public sealed class InvokeTelnetShellCommand : TelnetCmdlet
    {
        public InvokeTelnetShellCommand()
        {
            // No colours or cursor moves for the steps' patterns to allow for.
            TerminalType = "dumb";
        }

        /// <summary>Logs in by the prompts first; without it the steps start right after the connect.</summary>
        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        [Parameter(Mandatory = true, Position = 1)]
        [ExpectStepTransformation]
        [ValidateNotNullOrEmpty]
        public ExpectStep[] Step { get; set; } = System.Array.Empty<ExpectStep>();

        protected override void ProcessRecord()
        {
            var addresses = AddressesFor(ComputerName, out var valid);
            if (!valid)
                return;
            foreach (var host in ComputerName)
            {
                var options = LoginOptions(host, addresses, Credential);
                var transcript = NewTranscript();
                Run(cancel => TelnetLogin.RunStepsAsync(options, Step, PostObject, transcript, cancel),
                    TelnetLogin.Deadline(options, Step), Endpoints.Format(host, Port));
            }
        }
    }
}
