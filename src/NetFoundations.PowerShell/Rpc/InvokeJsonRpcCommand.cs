using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NetFoundations.Core;
using NetFoundations.Core.Rpc;

namespace NetFoundations.PowerShell.Rpc
{
    /// <summary>
    /// Calls a JSON-RPC 2.0 method over HTTP with positional or named params, or sends a notification; piped input makes
    /// one call per input, sent in batches with -BatchSize.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "JsonRpc", DefaultParameterSetName = PositionalSet, HelpUri = HelpLinks.Base + "Invoke-JsonRpc.md")]
    [OutputType(typeof(PSObject))]
    public sealed class InvokeJsonRpcCommand : RpcCmdlet
    {
        private const string PositionalSet = "Positional";
        private const string NamedSet = "Named";

        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Method { get; set; } = string.Empty;

        /// <summary>Positional params; piped input is added after them.</summary>
        [Parameter(Position = 2, ParameterSetName = PositionalSet)]
        [AllowNull]
        [AllowEmptyCollection]
        public object?[]? Argument { get; set; }

        /// <summary>Params by name (a hashtable, or an object's properties); piped hashtables or objects add to them.</summary>
        [Parameter(Mandatory = true, ParameterSetName = NamedSet)]
        public IDictionary? NamedArgument { get; set; }

        /// <summary>
        /// One call per piped object: a hashtable or custom object gives named params, a list several positional
        /// params, anything else one.
        /// </summary>
        [Parameter(ValueFromPipeline = true)]
        [AllowNull]
        public object? InputObject { get; set; }

        /// <summary>Send notifications: no id, no reply awaited, nothing written.</summary>
        [Parameter]
        public SwitchParameter Notification { get; set; }

        /// <summary>Piped calls per batch request; 1 (the default) sends each call on its own.</summary>
        [Parameter]
        [ValidateRange(1, 10000)]
        public int BatchSize { get; set; } = 1;

        private JsonRpcClient? client;
        private readonly List<(RpcCall Call, object? Input)> pending = new List<(RpcCall, object?)>();

        private JsonRpcClient Client() => client ??= new JsonRpcClient(Transport(), NewTranscript());

        protected override void BeginProcessing() => Client();

        protected override void ProcessRecord()
        {
            var call = NewCall();
            var input = MyInvocation.ExpectingInput ? InputObject : (object)Target;
            if (BatchSize > 1 && MyInvocation.ExpectingInput)
            {
                pending.Add((call, input));
                if (pending.Count >= BatchSize)
                    Flush();
                return;
            }
            var rpc = Client();
            Run(async cancel =>
            {
                var value = await rpc.CallAsync(call, cancel).ConfigureAwait(false);
                if (!call.IsNotification)
                    PostObject(RpcValues.ToShell(value)!);
            }, Deadline, Target);
        }

        private RpcCall NewCall()
        {
            IDictionary? named = null;
            if (NamedArgument != null)
                named = (IDictionary)RpcValues.ToCore(NamedArgument)!;
            var arguments = (Argument ?? Array.Empty<object?>()).Select(a => RpcValues.ToCore(a)).ToList();
            if (MyInvocation.ExpectingInput)
            {
                var piped = RpcValues.ToCore(InputObject);
                if (piped is IDictionary fields && Argument == null)
                {
                    named ??= new System.Collections.Specialized.OrderedDictionary(StringComparer.Ordinal);
                    foreach (DictionaryEntry field in fields)
                        named[field.Key] = field.Value;
                }
                else if (named != null)
                    throw new PSArgumentException("With -NamedArgument, pipe hashtables or objects, whose properties add named params.");
                else
                    arguments.AddRange(RpcValues.Spread(InputObject));
            }
            return new RpcCall(Method, arguments)
            {
                NamedArguments = named?.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => e.Value),
                IsNotification = Notification,
            };
        }

        protected override void EndProcessing() => Flush();

        private void Flush()
        {
            if (pending.Count == 0)
                return;
            var calls = pending.ToList();
            pending.Clear();
            var rpc = Client();
            SendBatch(calls, rpc.BatchAsync);
        }
    }
}
