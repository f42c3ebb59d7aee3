using System;
using System.Collections.Generic;
using System.Net;
using System.Linq;
using System.Management.Automation;
using NetFoundations.Core.Expect;
using NetFoundations.Core.Ssh;
using NetFoundations.PowerShell.Expect;

namespace NetFoundations.PowerShell.Ssh
{
    /// <summary>Runs send/expect steps in an interactive shell on a pseudo-terminal, for devices that have no exec channel.</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "SshShell", DefaultParameterSetName = SessionSet, HelpUri = HelpLinks.Base + "Invoke-SshShell.md")]
    [OutputType(typeof(ExpectResult))]
    public sealed class InvokeSshShellCommand : SshConnectCmdlet
    {
        private const string SessionSet = "Session";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = SessionSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public SshSession[] Session { get; set; } = Array.Empty<SshSession>();

        [Parameter(Mandatory = true, Position = 1)]
        [ExpectStepTransformation]
        [ValidateNotNullOrEmpty]
        public ExpectStep[] Step { get; set; } = Array.Empty<ExpectStep>();

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string TerminalType { get; set; } = "dumb";

        [Parameter]
        [ValidateRange(1, 1000)]
        public int Columns { get; set; } = 200;

        [Parameter]
        [ValidateRange(1, 1000)]
        public int Rows { get; set; } = 48;

        /// <summary>Seconds for each send and for each Expect step without a Timeout of its own.</summary>
        [Parameter]
        [ValidateRange(0.1, 86400.0)]
        public double TimeoutSeconds { get; set; } = 20;

        protected override void ProcessRecord()
        {
            var shellOptions = new SshShellOptions { TerminalType = TerminalType, Columns = Columns, Rows = Rows, StepTimeout = TimeSpan.FromSeconds(TimeoutSeconds) };
            IReadOnlyList<IPAddress>? addresses = null;
            if (ParameterSetName != SessionSet)
            {
                WarnIfInsecure();
                addresses = AddressesFor(ComputerName, out var valid);
                if (!valid)
                    return;
            }
            var targets = ParameterSetName == SessionSet
                ? Session.Select(SshCommandTarget.Of)
                : ComputerName.Select(host => SshCommandTarget.Connect(ConnectionOptions(host, addresses, ConnectBound(TimeoutSeconds))));
            foreach (var target in targets)
            {
                var transcript = NewTranscript();
                Run(cancel => SshShell.RunAsync(target, Step, shellOptions, PostObject, transcript, cancel),
                    SshShell.Deadline(target, Step, shellOptions), target.Name);
            }
        }
    }
}
