using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using NetFoundations.Core.Messaging;

namespace NetFoundations.PowerShell.Messaging
{
    /// <summary>Opens a ZeroMQ socket (NetMQ) and binds or connects it; the socket goes to Send-Message, Receive-Message and Close-MessageSocket.</summary>
    [Cmdlet(VerbsCommon.New, "MessageSocket", HelpUri = HelpLinks.Base + "New-MessageSocket.md")]
    [OutputType(typeof(MessageSocket))]
    public sealed class NewMessageSocketCommand : PipelineCmdlet
    {
        /// <summary>The sockets each runspace opened: closed when it closes, so a thread job's sockets end with it.</summary>
        private static readonly ConditionalWeakTable<Runspace, List<MessageSocket>> ByRunspace = new ConditionalWeakTable<Runspace, List<MessageSocket>>();

        /// <summary>True once a socket was opened in this process: only then has NetMQ anything to clean up.</summary>
        internal static bool Used { get; private set; }

        [Parameter(Mandatory = true, Position = 0)]
        public MessageSocketType Type { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] Bind { get; set; } = Array.Empty<string>();

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] Connect { get; set; } = Array.Empty<string>();

        [Parameter]
        [AllowEmptyString]
        public string[] Subscribe { get; set; } = Array.Empty<string>();

        [Parameter]
        [ValidateRange(0, 10_000_000)]
        public int SendHighWatermark { get; set; } = MessageSocketOptions.DefaultHighWatermark;

        [Parameter]
        [ValidateRange(0, 10_000_000)]
        public int ReceiveHighWatermark { get; set; } = MessageSocketOptions.DefaultHighWatermark;

        [Parameter]
        [ValidateRange(1, MessageSocketOptions.MaxMaxMessageBytes)]
        public int MaxMessageBytes { get; set; } = MessageSocketOptions.DefaultMaxMessageBytes;

        [Parameter]
        [ValidateRange(0.0, 60.0)]
        public double LingerSeconds { get; set; } = 1;

        protected override void ProcessRecord()
        {
            var options = new MessageSocketOptions
            {
                Type = Type,
                Bind = Bind,
                Connect = Connect,
                Subscribe = Subscribe,
                SendHighWatermark = SendHighWatermark,
                ReceiveHighWatermark = ReceiveHighWatermark,
                MaxMessageBytes = MaxMessageBytes,
                Linger = TimeSpan.FromSeconds(LingerSeconds),
            };
            var target = string.Join(",", Bind) + (Bind.Length > 0 && Connect.Length > 0 ? "," : "") + string.Join(",", Connect);
            MessageSocket? socket = null;
            Used = true;
            if (!Run(ct =>
                {
                    socket = MessagingRuntime.Open(options);
                    return System.Threading.Tasks.Task.CompletedTask;
                }, TimeSpan.FromSeconds(10), target) || socket == null)
                return;
            CloseWithRunspace(socket);
            WriteObject(socket);
        }

        private static void CloseWithRunspace(MessageSocket socket)
        {
            var runspace = Runspace.DefaultRunspace;
            if (runspace == null)
                return;
            var created = false;
            var sockets = ByRunspace.GetValue(runspace, _ =>
            {
                created = true;
                return new List<MessageSocket>();
            });
            lock (sockets)
            {
                sockets.RemoveAll(s => s.IsClosed);
                sockets.Add(socket);
            }
            if (created)
                runspace.StateChanged += (sender, e) =>
                {
                    var state = e.RunspaceStateInfo.State;
                    if (state != RunspaceState.Closing && state != RunspaceState.Closed && state != RunspaceState.Broken)
                        return;
                    lock (sockets)
                    {
                        foreach (var open in sockets)
                            open.Dispose();
                        sockets.Clear();
                    }
                };
        }
    }

    /// <summary>Closes every socket and ends NetMQ's context, without waiting, when the module is removed.</summary>
    public sealed class MessagingCleanup : IModuleAssemblyCleanup
    {
        public void OnRemove(PSModuleInfo module)
        {
            if (NewMessageSocketCommand.Used)
                Shutdown();
        }

        // Apart, so that Core (and NetMQ) are loaded only when some socket was opened.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Shutdown() => MessagingRuntime.Shutdown();
    }
}
