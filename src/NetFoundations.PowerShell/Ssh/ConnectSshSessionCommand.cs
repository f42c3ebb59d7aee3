using System;
using System.Management.Automation;
using NetFoundations.Core;
using NetFoundations.Core.Ssh;

namespace NetFoundations.PowerShell.Ssh
{
    /// <summary>Opens an SSH session (host key checked, then login) and returns it.</summary>
    [Cmdlet(VerbsCommunications.Connect, "SshSession", DefaultParameterSetName = ComputerNameSet)]
    [OutputType(typeof(SshSession))]
    public sealed class ConnectSshSessionCommand : SshConnectCmdlet
    {
        protected override void ProcessRecord()
        {
            WarnIfInsecure();
            var addresses = AddressesFor(ComputerName, out var valid);
            if (!valid)
                return;
            foreach (var host in ComputerName)
            {
                var transcript = NewTranscript();
                Run(async cancel => PostObject(await SshSession.ConnectAsync(ConnectionOptions(host, addresses), transcript, cancel)),
                    TimeSpan.FromSeconds(ConnectTimeout), Endpoints.Format(host, Port));
            }
        }
    }
}
