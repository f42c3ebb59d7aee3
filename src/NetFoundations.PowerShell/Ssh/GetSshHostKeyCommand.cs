using System;
using System.Management.Automation;
using System.Threading;
using NetFoundations.Core;
using NetFoundations.Core.Ssh;

namespace NetFoundations.PowerShell.Ssh
{
    /// <summary>Fetches a server's host keys and fingerprints without logging in (like ssh-keyscan).</summary>
    [Cmdlet(VerbsCommon.Get, "SshHostKey", HelpUri = HelpLinks.Base + "Get-SshHostKey.md")]
    [OutputType(typeof(SshHostKey))]
    public sealed class GetSshHostKeyCommand : ConnectingCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("HostName", "CN")]
        [ValidateNotNullOrEmpty]
        public string[] ComputerName { get; set; } = Array.Empty<string>();

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; } = 22;

        /// <summary>Only these key types (default: every type the server has).</summary>
        [Parameter]
        [ValidateSet("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa")]
        public string[]? KeyType { get; set; }

        [Parameter]
        [ValidateRange(0.1, 3600.0)]
        public double TimeoutSeconds { get; set; } = 10;

        protected override void ProcessRecord()
        {
            var addresses = AddressesFor(ComputerName, out var valid);
            if (!valid)
                return;
            foreach (var host in ComputerName)
            {
                var transcript = NewTranscript();
                Run(async cancel =>
                    {
                        foreach (var key in await SshHostKeyScanner.GetAsync(host, addresses, Port, KeyType, TimeSpan.FromSeconds(TimeoutSeconds), transcript, cancel))
                            PostObject(key);
                    },
                    TimeSpan.FromSeconds(TimeoutSeconds), Endpoints.Format(host, Port));
            }
        }
    }
}
