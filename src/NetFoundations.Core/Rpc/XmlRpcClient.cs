using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Rpc
{
    /// <summary>One call of a batch: its method and arguments.</summary>
    public sealed class RpcCall
    {
        public RpcCall(string method, IReadOnlyList<object?> arguments)
        {
            Method = method;
            Arguments = arguments ?? Array.Empty<object?>();
        }

        public string Method { get; }
        public IReadOnlyList<object?> Arguments { get; }
        /// <summary>JSON-RPC only: the arguments by name (params as an object), instead of Arguments.</summary>
        public IReadOnlyDictionary<string, object?>? NamedArguments { get; set; }
        /// <summary>JSON-RPC only: a notification, which has no id and gets no reply.</summary>
        public bool IsNotification { get; set; }
    }

    /// <summary>What one call of a batch came to: a value, or the error for that call alone.</summary>
    public sealed class RpcOutcome
    {
        private RpcOutcome(object? value, NetworkException? error, bool hasValue)
        {
            Value = value;
            Error = error;
            HasValue = hasValue;
        }

        public static RpcOutcome Of(object? value) => new RpcOutcome(value, null, true);
        public static RpcOutcome Failed(NetworkException error) => new RpcOutcome(null, error, false);
        /// <summary>A notification's outcome: nothing came back, and nothing was expected.</summary>
        public static RpcOutcome None { get; } = new RpcOutcome(null, null, false);

        public object? Value { get; }
        public NetworkException? Error { get; }
        public bool HasValue { get; }
    }

    /// <summary>
    /// An XML-RPC client of one endpoint: calls, system.multicall batches (falling back to one call each when the server
    /// has no system.multicall) and introspection. The transport (and so its kept-alive connection) is the caller's.
    /// </summary>
    public sealed class XmlRpcClient
    {
        private const string ContentType = "text/xml; charset=utf-8";
        private readonly RpcHttpTransport transport;
        private readonly XmlRpcEncoding encoding;
        private readonly Transcript transcript;
        private bool noMulticall;

        public XmlRpcClient(RpcHttpTransport transport, XmlRpcEncoding encoding, Transcript transcript)
        {
            this.transport = transport;
            this.encoding = encoding;
            this.transcript = transcript;
        }

        private string Target => transport.Uri.GetLeftPart(UriPartial.Path);

        /// <summary>Calls method; a fault is a RemoteErrorException (faultCode as ReplyCode).</summary>
        public async Task<object?> CallAsync(string method, IReadOnlyList<object?> arguments, CancellationToken cancellationToken)
        {
            var body = XmlRpcCodec.MethodCall(method, arguments, encoding);
            var reply = await transport.PostAsync(body, ContentType, transcript, cancellationToken).ConfigureAwait(false);
            CheckStatus(reply);
            return XmlRpcCodec.ReadResponse(reply.Body, Target);
        }

        private void CheckStatus(RpcHttpReply reply)
        {
            if (!reply.IsSuccess)
                throw new RemoteErrorException($"{Target} answered HTTP {reply.Status} {reply.Reason}: {reply.Excerpt()}", Target,
                    reply.Status.ToString(CultureInfo.InvariantCulture));
        }

        /// <summary>
        /// Runs calls as one system.multicall and returns one outcome per call, in order; a fault is the error of its call
        /// only. When the server has no system.multicall (the multicall itself faults), the calls are made one by one, and
        /// so for the rest of this client's life.
        /// </summary>
        public async Task<IReadOnlyList<RpcOutcome>> MulticallAsync(IReadOnlyList<RpcCall> calls, CancellationToken cancellationToken)
        {
            if (calls.Count == 0)
                return Array.Empty<RpcOutcome>();
            if (!noMulticall)
            {
                var batch = calls.Select(c => (object?)new Dictionary<string, object?>
                {
                    ["methodName"] = c.Method,
                    ["params"] = c.Arguments.ToArray(),
                }).ToArray();
                object? reply;
                try
                {
                    reply = await CallAsync("system.multicall", new object?[] { batch }, cancellationToken).ConfigureAwait(false);
                }
                catch (RemoteErrorException e) when (e.ReplyCode != null && !IsHttpStatus(e.ReplyCode))
                {
                    transcript.Note($"system.multicall failed ({e.Message}); the calls go one by one.");
                    noMulticall = true;
                    reply = null;
                }
                if (!noMulticall)
                    return Outcomes(reply, calls.Count);
            }
            var outcomes = new List<RpcOutcome>(calls.Count);
            foreach (var call in calls)
            {
                try
                {
                    outcomes.Add(RpcOutcome.Of(await CallAsync(call.Method, call.Arguments, cancellationToken).ConfigureAwait(false)));
                }
                catch (RemoteErrorException e)
                {
                    outcomes.Add(RpcOutcome.Failed(e));
                }
            }
            return outcomes;
        }

        private static bool IsHttpStatus(string code) => code.Length == 3 && code.All(char.IsDigit) && code[0] >= '4';

        private IReadOnlyList<RpcOutcome> Outcomes(object? reply, int count)
        {
            if (!(reply is object?[] items) || items.Length != count)
                throw new ProtocolViolationException(
                    $"{Target} answered system.multicall of {count} calls with {(reply is object?[] a ? a.Length + " results" : "something not an array")}.", Target);
            return items.Select(item => item switch
            {
                object?[] single when single.Length == 1 => RpcOutcome.Of(single[0]),
                Dictionary<string, object?> fault when fault.ContainsKey("faultCode") => RpcOutcome.Failed(XmlRpcCodec.Fault(fault, Target)),
                _ => RpcOutcome.Failed(new ProtocolViolationException($"{Target} answered one call of a system.multicall with neither a one-element array nor a fault.", Target)),
            }).ToArray();
        }

        /// <summary>
        /// The server's methods (system.listMethods), each with its signatures (system.methodSignature) and help
        /// (system.methodHelp), asked in one multicall where the server has it. names filters before the details are asked.
        /// </summary>
        public async Task<IReadOnlyList<XmlRpcMethod>> IntrospectAsync(Func<string, bool> wanted, CancellationToken cancellationToken)
        {
            var listed = await CallAsync("system.listMethods", Array.Empty<object?>(), cancellationToken).ConfigureAwait(false);
            if (!(listed is object?[] names))
                throw new ProtocolViolationException($"{Target} answered system.listMethods with something not an array.", Target);
            var chosen = names.Select(n => Convert.ToString(n, CultureInfo.InvariantCulture) ?? string.Empty).Where(wanted).ToArray();
            var calls = chosen.SelectMany(n => new[]
            {
                new RpcCall("system.methodSignature", new object?[] { n }),
                new RpcCall("system.methodHelp", new object?[] { n }),
            }).ToArray();
            var outcomes = await MulticallAsync(calls, cancellationToken).ConfigureAwait(false);
            var methods = new List<XmlRpcMethod>(chosen.Length);
            for (var i = 0; i < chosen.Length; i++)
            {
                var signature = outcomes[2 * i];
                var help = outcomes[2 * i + 1];
                methods.Add(new XmlRpcMethod(Target, chosen[i], Signatures(signature.Value),
                    help.HasValue ? Convert.ToString(help.Value, CultureInfo.InvariantCulture) ?? string.Empty : string.Empty));
            }
            return methods;
        }

        /// <summary>methodSignature's array of [return type, parameter types...] arrays as "int (int, int)"; anything else (a "signatures not supported" string) as none.</summary>
        private static string[] Signatures(object? value) =>
            value is object?[] list
                ? list.OfType<object?[]>().Where(s => s.Length > 0).Select(s =>
                    $"{s[0]} ({string.Join(", ", s.Skip(1).Select(p => Convert.ToString(p, CultureInfo.InvariantCulture)))})").ToArray()
                : Array.Empty<string>();
    }
}
