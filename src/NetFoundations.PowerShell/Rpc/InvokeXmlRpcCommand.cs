using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using NetFoundations.Core;
using NetFoundations.Core.Rpc;

namespace NetFoundations.PowerShell.Rpc
{
    /// <summary>
    /// Calls an XML-RPC method and writes its result as shell values; piped input makes one call per input (batched into
    /// system.multicall requests with -BatchSize), -Multicall sends given calls as one request.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "XmlRpc", DefaultParameterSetName = CallSet, HelpUri = HelpLinks.Base + "Invoke-XmlRpc.md")]
    [OutputType(typeof(PSObject))]
    public sealed class InvokeXmlRpcCommand : RpcCmdlet
    {
        private const string CallSet = "Call";
        private const string MulticallSet = "Multicall";

        [Parameter(Mandatory = true, Position = 1, ParameterSetName = CallSet)]
        [ValidateNotNullOrEmpty]
        public string Method { get; set; } = string.Empty;

        /// <summary>The call's arguments; piped input is added after them.</summary>
        [Parameter(Position = 2, ParameterSetName = CallSet)]
        [AllowNull]
        [AllowEmptyCollection]
        public object?[]? Argument { get; set; }

        /// <summary>One call per piped object: a list gives several arguments, anything else one.</summary>
        [Parameter(ValueFromPipeline = true, ParameterSetName = CallSet)]
        [AllowNull]
        public object? InputObject { get; set; }

        /// <summary>Piped calls per system.multicall request; 1 (the default) sends each call on its own.</summary>
        [Parameter(ParameterSetName = CallSet)]
        [ValidateRange(1, 10000)]
        public int BatchSize { get; set; } = 1;

        /// <summary>Calls sent as one system.multicall: each a hashtable (or object) with methodName and params.</summary>
        [Parameter(Mandatory = true, ParameterSetName = MulticallSet)]
        [ValidateNotNullOrEmpty]
        public object[]? Multicall { get; set; }

        /// <summary>Send integers beyond 32 bits as the &lt;i8&gt; extension.</summary>
        [Parameter]
        public SwitchParameter AllowI8 { get; set; }

        /// <summary>Send $null as the &lt;nil/&gt; extension.</summary>
        [Parameter]
        public SwitchParameter AllowNil { get; set; }

        private XmlRpcClient? client;
        private readonly List<(RpcCall Call, object? Input)> pending = new List<(RpcCall, object?)>();

        private XmlRpcClient Client() =>
            client ??= new XmlRpcClient(Transport(), new XmlRpcEncoding { AllowI8 = AllowI8, AllowNil = AllowNil }, NewTranscript());

        protected override void BeginProcessing() => Client();

        protected override void ProcessRecord()
        {
            if (ParameterSetName == MulticallSet)
            {
                var calls = new List<(RpcCall, object?)>();
                foreach (var entry in Multicall!)
                {
                    if (!TryCall(entry, out var call))
                    {
                        WriteError(new ErrorRecord(new ArgumentException(
                            "Each -Multicall entry needs a methodName and may have params, as @{ methodName = 'add'; params = @(1, 2) }."),
                            "InvalidMulticallEntry", ErrorCategory.InvalidArgument, entry));
                        continue;
                    }
                    calls.Add((call!, entry));
                }
                SendBatch(calls, Client().MulticallAsync);
                return;
            }
            var arguments = (Argument ?? Array.Empty<object?>()).Select(a => RpcValues.ToCore(a)).ToList();
            if (MyInvocation.ExpectingInput)
                arguments.AddRange(RpcValues.Spread(InputObject));
            var input = MyInvocation.ExpectingInput ? InputObject : (object)Target;
            if (BatchSize > 1 && MyInvocation.ExpectingInput)
            {
                pending.Add((new RpcCall(Method, arguments), input));
                if (pending.Count >= BatchSize)
                    Flush();
                return;
            }
            var rpc = Client();
            Run(async cancel =>
            {
                var value = await rpc.CallAsync(Method, arguments, cancel).ConfigureAwait(false);
                PostObject(RpcValues.ToShell(value)!);
            }, Deadline, Target);
        }

        protected override void EndProcessing() => Flush();

        private void Flush()
        {
            if (pending.Count == 0)
                return;
            var batch = pending.ToList();
            pending.Clear();
            SendBatch(batch, Client().MulticallAsync);
        }

        private static bool TryCall(object entry, out RpcCall? call)
        {
            call = null;
            var value = RpcValues.ToCore(entry);
            if (!(value is IDictionary fields))
                return false;
            var name = fields.Contains("methodName") ? fields["methodName"] as string : null;
            if (string.IsNullOrEmpty(name))
                return false;
            var parameters = fields.Contains("params") ? fields["params"] : null;
            var arguments = parameters switch
            {
                null => Array.Empty<object?>(),
                object?[] list => list,
                _ => new[] { parameters },
            };
            call = new RpcCall(name!, arguments);
            return true;
        }
    }
}
