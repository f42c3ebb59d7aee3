using System;
using System.Management.Automation;
using NetFoundations.Core.Messaging;

namespace NetFoundations.PowerShell.Messaging
{
    /// <summary>Lists the ZeroMQ sockets of this process that are still open, whichever runspace opened them.</summary>
    [Cmdlet(VerbsCommon.Get, "MessageSocket", HelpUri = HelpLinks.Base + "Get-MessageSocket.md")]
    [OutputType(typeof(MessageSocket))]
    public sealed class GetMessageSocketCommand : PipelineCmdlet
    {
        [Parameter(Position = 0)]
        public int[] Id { get; set; } = Array.Empty<int>();

        [Parameter]
        public MessageSocketType[] Type { get; set; } = Array.Empty<MessageSocketType>();

        protected override void ProcessRecord()
        {
            foreach (var socket in MessageSocket.GetOpen())
                if ((Id.Length == 0 || Array.IndexOf(Id, socket.Id) >= 0) && (Type.Length == 0 || Array.IndexOf(Type, socket.Type) >= 0))
                    WriteObject(socket);
        }
    }
}
