using System;
using System.Management.Automation;
using NetFoundations.Core.Messaging;

namespace NetFoundations.PowerShell.Messaging
{
    /// <summary>Closes ZeroMQ sockets; messages still queued get the socket's linger time to leave, in the background.</summary>
    [Cmdlet(VerbsCommon.Close, "MessageSocket", HelpUri = HelpLinks.Base + "Close-MessageSocket.md")]
    [OutputType(typeof(void))]
    public sealed class CloseMessageSocketCommand : PipelineCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ValidateNotNull]
        public MessageSocket[] Socket { get; set; } = Array.Empty<MessageSocket>();

        protected override void ProcessRecord()
        {
            foreach (var socket in Socket)
                socket.Dispose();
        }
    }
}
