using System;
using System.Management.Automation;
using NetFoundations.Core;
using NetFoundations.Core.Telnet;

namespace NetFoundations.PowerShell.Telnet
{
    /// <summary>Logs in over Telnet by the prompts, runs a command and returns its output (the book's telnet_login).</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "TelnetCommand")]
    [OutputType(typeof(TelnetCommandResult))]
    public sealed class InvokeTelnetCommandCommand : NetworkCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("HostName", "Address", "CN")]
        [ValidateNotNullOrEmpty]
        public string[] ComputerName { get; set; } = Array.Empty<string>();

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; } = 23;

        [Parameter(Mandatory = true)]
        [Credential]
        [ValidateNotNull]
        public PSCredential Credential { get; set; } = PSCredential.Empty;

        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Command { get; set; } = string.Empty;

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

        /// <summary>Seconds for the connect and for each prompt to come.</summary>
        [Parameter]
        [ValidateRange(0.1, 3600.0)]
        public double Timeout { get; set; } = 20;

        protected override void ProcessRecord()
        {
            foreach (var host in ComputerName)
            {
                var options = new TelnetLoginOptions(host, Port, Credential.GetNetworkCredential())
                {
                    LoginPrompt = LoginPrompt,
                    PasswordPrompt = PasswordPrompt,
                    ShellPrompt = ShellPrompt,
                    TerminalType = TerminalType,
                    StepTimeout = TimeSpan.FromSeconds(Timeout),
                };
                var transcript = NewTranscript();
                Run(async cancel => PostObject(await TelnetLogin.RunCommandAsync(options, Command, transcript, cancel)),
                    System.Threading.Timeout.InfiniteTimeSpan, Endpoints.Format(host, Port));
            }
        }
    }
}
