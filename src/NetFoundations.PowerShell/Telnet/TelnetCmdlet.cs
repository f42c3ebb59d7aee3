using System;
using System.Collections.Generic;
using System.Net;
using System.Management.Automation;
using NetFoundations.Core.Telnet;

namespace NetFoundations.PowerShell.Telnet
{
    /// <summary>Where to connect over Telnet and the prompts of the scripted login, shared by the Telnet cmdlets.</summary>
    public abstract class TelnetCmdlet : ConnectingCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("HostName", "CN")]
        [ValidateNotNullOrEmpty]
        public string[] ComputerName { get; set; } = Array.Empty<string>();

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; } = 23;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string LoginPrompt { get; set; } = @"login:\s*$";

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string PasswordPrompt { get; set; } = @"[Pp]assword:\s*$";

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ShellPrompt { get; set; } = @"[$#>%]\s*(?:\x1B\[[0-9;?]*[A-Za-z]\s*)*$";

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string TerminalType { get; set; } = "xterm";

        /// <summary>Seconds for the connect and for each prompt or step; the whole command is bounded by their sum.</summary>
        [Parameter]
        [ValidateRange(0.1, 3600.0)]
        public double TimeoutSeconds { get; set; } = 20;

        protected TelnetLoginOptions LoginOptions(string host, IReadOnlyList<IPAddress>? addresses, PSCredential? credential) =>
            new TelnetLoginOptions(host, Port, credential?.GetNetworkCredential())
            {
                Addresses = addresses,
                LoginPrompt = LoginPrompt,
                PasswordPrompt = PasswordPrompt,
                ShellPrompt = ShellPrompt,
                TerminalType = TerminalType,
                StepTimeout = TimeSpan.FromSeconds(TimeoutSeconds),
            };
    }
}
