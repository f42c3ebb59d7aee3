using System;
using System.Management.Automation;
using NetFoundations.Core;
using NetFoundations.Core.Ssh;

namespace NetFoundations.PowerShell.Ssh
{
    /// <summary>Opens an SSH session (host key checked, then login) and returns it.</summary>
    [Cmdlet(VerbsCommunications.Connect, "SshSession", DefaultParameterSetName = ComputerNameSet, HelpUri = HelpLinks.Base + "Connect-SshSession.md")]
    [OutputType(typeof(SshSession))]
    public sealed class ConnectSshSessionCommand : SshConnectCmdlet
    {
        /// <summary>Seconds for the TCP connect, key exchange and login together; the session then waits as long for each reply.</summary>
        [Parameter]
        [ValidateRange(0.1, 3600.0)]
        public double TimeoutSeconds { get; set; } = SshConnectionOptions.DefaultConnectTimeout.TotalSeconds;

        protected override void ProcessRecord()
        {
            WarnIfInsecure();
            var addresses = AddressesFor(ComputerName, out var valid);
            if (!valid)
                return;
            foreach (var host in ComputerName)
            {
                var transcript = NewTranscript();
                Run(async cancel => PostObject(await SshConnection.ConnectAsync(ConnectionOptions(host, addresses, TimeSpan.FromSeconds(TimeoutSeconds)), transcript, cancel)),
                    TimeSpan.FromSeconds(TimeoutSeconds), Endpoints.Format(host, Port));
            }
        }
    }
}
