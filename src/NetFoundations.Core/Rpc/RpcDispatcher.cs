using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Rpc
{
    /// <summary>What an RPC server offers besides its methods, and its bounds.</summary>
    public sealed class RpcDispatcherOptions
    {
        public const int DefaultMaxRequestBytes = 4 * 1024 * 1024;
        public const int DefaultMaxBatchCalls = 10000;

        /// <summary>system.listMethods, system.methodSignature and system.methodHelp.</summary>
        public bool Introspection { get; set; } = true;

        /// <summary>system.multicall: many XML-RPC calls in one request (JSON-RPC has batches).</summary>
        public bool Multicall { get; set; } = true;

        /// <summary>The largest request body taken; the HTTP layer refuses larger ones before reading them.</summary>
        public int MaxRequestBytes { get; set; } = DefaultMaxRequestBytes;

        /// <summary>The most calls in one system.multicall or JSON-RPC batch.</summary>
        public int MaxBatchCalls { get; set; } = DefaultMaxBatchCalls;

        /// <summary>How long one call may run; past it the call is cancelled and answered with an error.</summary>
        public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(60);
    }

    /// <summary>The two protocols an RPC server tells apart by Content-Type (or, without one, by the body's first character).</summary>
    public enum RpcProtocol : long
    {
        XmlRpc,
        JsonRpc,
    }

    /// <summary>What goes back over HTTP: a status, and a body with its content type (none for JSON-RPC notifications).</summary>
    public sealed class RpcReply
    {
        public RpcReply(int status, string? contentType, byte[] body)
        {
            Status = status;
            ContentType = contentType;
            Body = body;
        }

        /// <summary>200 (with an empty body for notifications only); 413 and 415 for what is not an RPC request at all.</summary>
        public int Status { get; }
        public string? ContentType { get; }
        public byte[] Body { get; }
    }

    /// <summary>
    /// The server side of XML-RPC and JSON-RPC 2.0, without the transport: given a request's content type and body, runs
    /// its calls on the methods given and returns the reply. XML-RPC: methodCall to methodResponse or fault, every type
    /// both ways (i8 and nil sent when a value needs them), system.listMethods/methodSignature/methodHelp and
    /// system.multicall when switched on. JSON-RPC 2.0: positional and named params, notifications (run, never
    /// answered), batches (answered in order, notifications left out; a batch of notifications only gets an empty body), the
    /// spec's error codes with data. Bounded: request bytes, nesting (the codecs' MaxDepth), calls per batch, time per
    /// call; DTDs refused. Thread-safe: one dispatcher serves every connection of a server.
    /// </summary>
    public sealed class RpcDispatcher
    {
        public const string XmlContentType = "text/xml; charset=utf-8";
        public const string JsonContentType = "application/json";
        private const string Multicall = "system.multicall";
        private static readonly XmlRpcEncoding Everything = new XmlRpcEncoding { AllowI8 = true, AllowNil = true };
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);

        private readonly Dictionary<string, RpcMethod> methods = new Dictionary<string, RpcMethod>(StringComparer.Ordinal);
        private readonly RpcDispatcherOptions options;
        private long calls;
        private long faults;
        private long notifications;

        public RpcDispatcher(IEnumerable<RpcMethod> methods, RpcDispatcherOptions? options = null)
        {
            this.options = options ?? new RpcDispatcherOptions();
            if (this.options.MaxRequestBytes < 1 || this.options.MaxBatchCalls < 1 || this.options.CallTimeout <= TimeSpan.Zero)
                throw new InvalidNetworkRequestException("An RPC server's request size, batch size and call time limits must be positive.", null);
            foreach (var method in methods ?? throw new ArgumentNullException(nameof(methods)))
            {
                if (method.Name.StartsWith("system.", StringComparison.Ordinal))
                    throw new InvalidNetworkRequestException($"The method name {method.Name} is reserved: system.* methods are the server's own.", null);
                if (this.methods.ContainsKey(method.Name))
                    throw new InvalidNetworkRequestException($"Two methods are named {method.Name}.", null);
                this.methods.Add(method.Name, method);
            }
            if (this.options.Introspection)
            {
                Add(new RpcMethod("system.listMethods", Array.Empty<RpcParameter>(),
                    (_, __) => Task.FromResult<object?>(MethodNames.Cast<object?>().ToArray()),
                    "Lists the methods this server offers.", "array"));
                Add(new RpcMethod("system.methodSignature", new[] { new RpcParameter("name", "string", mandatory: true) },
                    (a, _) => Task.FromResult<object?>(SignatureOf(Find(NameArgument(a)))),
                    "The signatures of a method: arrays of its return type and its parameters' types.", "array"));
                Add(new RpcMethod("system.methodHelp", new[] { new RpcParameter("name", "string", mandatory: true) },
                    (a, _) => Task.FromResult<object?>(HelpOf(Find(NameArgument(a)))),
                    "The help of a method, as text.", "string"));
            }
            if (this.options.Multicall)
            {
                Add(new RpcMethod(Multicall, new[] { new RpcParameter("calls", "array", mandatory: true) }, MulticallAsync,
                    "Runs many calls in one request: an array of structs {methodName, params}; answers an array of one-element arrays (results) or fault structs, in order.",
                    "array"));
            }
        }

        /// <summary>Every method's name, the server's system.* ones included, sorted.</summary>
        public IReadOnlyList<string> MethodNames => methods.Keys.OrderBy(n => n, StringComparer.Ordinal).ToArray();

        /// <summary>Calls run, each call of a multicall or batch counted, notifications included.</summary>
        public long Calls => Interlocked.Read(ref calls);

        /// <summary>Calls and requests answered with a fault or an error (or, for a notification, that failed unanswered).</summary>
        public long Faults => Interlocked.Read(ref faults);

        public long Notifications => Interlocked.Read(ref notifications);

        /// <summary>
        /// Called (from any thread) when a method throws something other than an RpcFaultException: the caller gets a
        /// fault, and this says what happened on the server side. A notification's failure has no other witness.
        /// </summary>
        public Action<string, Exception>? MethodFailed { get; set; }

        /// <summary>The protocol of a request: by its Content-Type, else by its first character ('&lt;', or '{' and '['); null for neither.</summary>
        public static RpcProtocol? Detect(string? contentType, byte[] body)
        {
            var media = (contentType ?? string.Empty).Split(';')[0].Trim().ToLowerInvariant();
            switch (media)
            {
                case "text/xml":
                case "application/xml":
                    return RpcProtocol.XmlRpc;
                case "application/json":
                case "application/json-rpc":
                case "application/jsonrequest":
                    return RpcProtocol.JsonRpc;
            }
            var i = body.Length >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF ? 3 : 0;
            while (i < body.Length && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n'))
                i++;
            if (i == body.Length)
                return null;
            return body[i] == '<' ? RpcProtocol.XmlRpc : body[i] == '{' || body[i] == '[' ? RpcProtocol.JsonRpc : (RpcProtocol?)null;
        }

        /// <summary>Answers one request. Only the server's stopping (cancel) ends it with an exception; every other failure is in the reply.</summary>
        public async Task<RpcReply> DispatchAsync(string? contentType, byte[] body, CancellationToken cancel)
        {
            if (body.Length > options.MaxRequestBytes)
                return Plain(413, $"The request has {body.Length} bytes, beyond this server's limit of {options.MaxRequestBytes} bytes.");
            switch (Detect(contentType, body))
            {
                case RpcProtocol.XmlRpc:
                    return new RpcReply(200, XmlContentType, await XmlAsync(body, cancel).ConfigureAwait(false));
                case RpcProtocol.JsonRpc:
                    var json = await JsonAsync(body, cancel).ConfigureAwait(false);
                    // Notifications only: 200 with an empty body, as jsonrpclib's server answers and its client requires (it takes 204 for a failure).
                    return json == null ? new RpcReply(200, null, Array.Empty<byte>()) : new RpcReply(200, JsonContentType, json);
                default:
                    return Plain(415, $"This server answers XML-RPC (Content-Type: text/xml) and JSON-RPC 2.0 (Content-Type: application/json), not '{contentType}'.");
            }
        }

        private static RpcReply Plain(int status, string text) => new RpcReply(status, "text/plain; charset=utf-8", Utf8.GetBytes(text + "\n"));

        private void Add(RpcMethod method) => methods.Add(method.Name, method);

        // ---- calls, whatever the protocol ----

        /// <summary>Runs one call: a fault (bad name, bad arguments, the method's own) as an RpcFaultException.</summary>
        private async Task<object?> CallAsync(string name, IReadOnlyList<object?> positional, Dictionary<string, object?>? named, CancellationToken cancel)
        {
            Interlocked.Increment(ref calls);
            var method = Find(name);
            var arguments = Bind(method, positional, named);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            deadline.CancelAfter(options.CallTimeout);
            Task<object?> running;
            try
            {
                running = method.Invoke(arguments, deadline.Token);
            }
            catch (Exception e) when (!(e is RpcFaultException) && !cancel.IsCancellationRequested)
            {
                throw Failed(method, e);
            }
            // A method that ignores its token is not waited for past its time (it is left to end on its own).
            var finished = await Task.WhenAny(running, Task.Delay(Timeout.Infinite, deadline.Token)).ConfigureAwait(false);
            cancel.ThrowIfCancellationRequested();
            if (finished != running)
            {
                _ = running.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
                throw Failed(method, new TimeoutException($"{method.Name} did not finish within {options.CallTimeout.TotalSeconds:0.###} s."));
            }
            try
            {
                return await running.ConfigureAwait(false);
            }
            catch (Exception e) when (!(e is RpcFaultException) && !cancel.IsCancellationRequested)
            {
                throw Failed(method, e);
            }
        }

        private RpcFaultException Failed(RpcMethod method, Exception e)
        {
            if (e is OperationCanceledException)
                e = new TimeoutException($"{method.Name} did not finish within {options.CallTimeout.TotalSeconds:0.###} s.");
            MethodFailed?.Invoke(method.Name, e);
            return new RpcFaultException(RpcErrorCodes.InternalError, $"{method.Name} failed: {e.Message}",
                new Dictionary<string, object?> { ["type"] = e.GetType().Name, ["message"] = e.Message });
        }

        private RpcMethod Find(string name)
        {
            if (methods.TryGetValue(name, out var method))
                return method;
            throw new RpcFaultException(RpcErrorCodes.MethodNotFound, $"There is no method named '{Short(name)}'.");
        }

        private static string Short(string text) => text.Length > 100 ? text.Substring(0, 100) + "…" : text;

        /// <summary>Matches the arguments to the method's parameters: none too many, no unknown name, no mandatory one missing.</summary>
        private static RpcArguments Bind(RpcMethod method, IReadOnlyList<object?> positional, Dictionary<string, object?>? named)
        {
            var parameters = method.Parameters;
            if (named != null)
            {
                var bound = new List<KeyValuePair<string, object?>>(named.Count);
                foreach (var argument in named)
                {
                    var parameter = parameters.FirstOrDefault(p => string.Equals(p.Name, argument.Key, StringComparison.OrdinalIgnoreCase));
                    if (parameter == null)
                        throw new RpcFaultException(RpcErrorCodes.InvalidParams,
                            $"{method.Name} has no parameter named '{Short(argument.Key)}' (it takes {Names(parameters)}).");
                    bound.Add(new KeyValuePair<string, object?>(parameter.Name, argument.Value));
                }
                var missing = parameters.FirstOrDefault(p => p.Mandatory && !bound.Any(b => b.Key == p.Name));
                if (missing != null)
                    throw new RpcFaultException(RpcErrorCodes.InvalidParams, $"{method.Name} needs its parameter '{missing.Name}'.");
                return new RpcArguments(Array.Empty<object?>(), bound);
            }
            if (positional.Count > parameters.Count && !method.TakesMoreArguments)
                throw new RpcFaultException(RpcErrorCodes.InvalidParams,
                    $"{method.Name} takes at most {parameters.Count} argument{(parameters.Count == 1 ? "" : "s")} ({Names(parameters)}), {positional.Count} given.");
            for (var i = positional.Count; i < parameters.Count; i++)
            {
                if (parameters[i].Mandatory)
                    throw new RpcFaultException(RpcErrorCodes.InvalidParams, $"{method.Name} needs its parameter '{parameters[i].Name}' ({positional.Count} argument{(positional.Count == 1 ? "" : "s")} given).");
            }
            return new RpcArguments(positional, null);
        }

        private static string Names(IReadOnlyList<RpcParameter> parameters) =>
            parameters.Count == 0 ? "none" : string.Join(", ", parameters.Select(p => p.Name));

        // ---- the server's own methods ----

        private static string NameArgument(RpcArguments arguments)
        {
            var value = arguments.Named != null ? arguments.Named[0].Value : arguments.Positional[0];
            return value as string ?? throw new RpcFaultException(RpcErrorCodes.InvalidParams, "The method name must be a string.");
        }

        private static object?[] SignatureOf(RpcMethod method) =>
            new object?[] { new object?[] { method.ReturnType }.Concat(method.Parameters.Select(p => (object?)p.Type)).ToArray() };

        private static string HelpOf(RpcMethod method) =>
            method.Help.Length == 0 ? method.Signature : method.Help;

        private async Task<object?> MulticallAsync(RpcArguments arguments, CancellationToken cancel)
        {
            var list = (arguments.Named != null ? arguments.Named[0].Value : arguments.Positional[0]) as object?[]
                ?? throw new RpcFaultException(RpcErrorCodes.InvalidParams, "system.multicall takes an array of calls.");
            if (list.Length > options.MaxBatchCalls)
                throw new RpcFaultException(RpcErrorCodes.InvalidRequest, $"system.multicall of {list.Length} calls is beyond this server's limit of {options.MaxBatchCalls}.");
            var results = new object?[list.Length];
            for (var i = 0; i < list.Length; i++)
            {
                try
                {
                    if (!(list[i] is Dictionary<string, object?> call) || !call.TryGetValue("methodName", out var nameValue) || !(nameValue is string name))
                        throw new RpcFaultException(RpcErrorCodes.InvalidRequest, "Each call of a system.multicall is a struct with a methodName string and a params array.");
                    call.TryGetValue("params", out var parameters);
                    if (parameters != null && !(parameters is object?[]))
                        throw new RpcFaultException(RpcErrorCodes.InvalidRequest, $"The params of {Short(name)} in a system.multicall are not an array.");
                    // Calls inside a multicall run one level deep: a multicall in a multicall could nest without end.
                    if (name == Multicall)
                        throw new RpcFaultException(RpcErrorCodes.InvalidRequest, "system.multicall cannot be called inside system.multicall.");
                    results[i] = new[] { await CallAsync(name, (object?[]?)parameters ?? Array.Empty<object?>(), null, cancel).ConfigureAwait(false) };
                }
                catch (RpcFaultException fault)
                {
                    Interlocked.Increment(ref faults);
                    results[i] = FaultStruct(fault);
                }
            }
            return results;
        }

        // ---- XML-RPC ----

        private async Task<byte[]> XmlAsync(byte[] body, CancellationToken cancel)
        {
            try
            {
                var (method, parameters) = XmlRpcCodec.ReadCall(body, "The call");
                var result = await CallAsync(method, parameters, null, cancel).ConfigureAwait(false);
                try
                {
                    return XmlRpcCodec.MethodResponse(result, Everything);
                }
                catch (InvalidNetworkRequestException e)
                {
                    throw new RpcFaultException(RpcErrorCodes.InternalError, $"The result of {method} cannot be sent in XML-RPC: {e.Message}");
                }
            }
            catch (RpcFaultException fault)
            {
                Interlocked.Increment(ref faults);
                return XmlRpcCodec.MethodResponse(FaultStruct(fault), Everything, fault: true);
            }
        }

        private static Dictionary<string, object?> FaultStruct(RpcFaultException fault) => new Dictionary<string, object?>
        {
            ["faultCode"] = fault.Code,
            ["faultString"] = fault.Message,
        };

        // ---- JSON-RPC 2.0 ----

        /// <summary>The reply's body, or null when nothing is to be answered (notifications only).</summary>
        private async Task<byte[]?> JsonAsync(byte[] body, CancellationToken cancel)
        {
            object? request;
            try
            {
                request = RpcJson.Parse(body, null, "The request");
            }
            catch (ProtocolViolationException e)
            {
                return Utf8.GetBytes(Error(null, new RpcFaultException(RpcErrorCodes.ParseError, e.Message)));
            }
            if (!(request is object?[] batch))
            {
                var single = await JsonCallAsync(request, cancel).ConfigureAwait(false);
                return single == null ? null : Utf8.GetBytes(single);
            }
            if (batch.Length == 0)
                return Utf8.GetBytes(Error(null, new RpcFaultException(RpcErrorCodes.InvalidRequest, "The batch is empty.")));
            if (batch.Length > options.MaxBatchCalls)
                return Utf8.GetBytes(Error(null, new RpcFaultException(RpcErrorCodes.InvalidRequest,
                    $"The batch of {batch.Length} calls is beyond this server's limit of {options.MaxBatchCalls}.")));
            var responses = new StringBuilder("[");
            foreach (var member in batch)
            {
                var response = await JsonCallAsync(member, cancel).ConfigureAwait(false);
                if (response == null)
                    continue;
                if (responses.Length > 1)
                    responses.Append(',');
                responses.Append(response);
            }
            return responses.Length == 1 ? null : Utf8.GetBytes(responses.Append(']').ToString());
        }

        /// <summary>One request object's response as JSON text, or null for a notification (whose failure goes to the counters and MethodFailed only).</summary>
        private async Task<string?> JsonCallAsync(object? request, CancellationToken cancel)
        {
            if (!(request is Dictionary<string, object?> call))
                return Error(null, new RpcFaultException(RpcErrorCodes.InvalidRequest, "A request is a JSON object."));
            var hasId = call.TryGetValue("id", out var id);
            if (hasId && !(id == null || id is string || id is int || id is long || id is double))
                return Error(null, new RpcFaultException(RpcErrorCodes.InvalidRequest, "A request's id is a string, a number or null."));
            try
            {
                if (!call.TryGetValue("jsonrpc", out var version) || !"2.0".Equals(version))
                    throw new RpcFaultException(RpcErrorCodes.InvalidRequest, "A JSON-RPC 2.0 request has \"jsonrpc\": \"2.0\".");
                if (!call.TryGetValue("method", out var nameValue) || !(nameValue is string name))
                    throw new RpcFaultException(RpcErrorCodes.InvalidRequest, "A request's method is a string.");
                call.TryGetValue("params", out var parameters);
                if (parameters != null && !(parameters is object?[]) && !(parameters is Dictionary<string, object?>))
                    throw new RpcFaultException(RpcErrorCodes.InvalidRequest, "A request's params are an array or an object.");
                if (!hasId)
                    Interlocked.Increment(ref notifications);
                var result = await CallAsync(name, parameters as object?[] ?? Array.Empty<object?>(), parameters as Dictionary<string, object?>, cancel)
                    .ConfigureAwait(false);
                if (!hasId)
                    return null;
                try
                {
                    return RpcJson.Serialize(new Dictionary<string, object?> { ["jsonrpc"] = "2.0", ["result"] = result, ["id"] = id });
                }
                catch (InvalidNetworkRequestException e)
                {
                    throw new RpcFaultException(RpcErrorCodes.InternalError, $"The result of {name} cannot be sent in JSON: {e.Message}");
                }
            }
            catch (RpcFaultException fault)
            {
                if (hasId)
                    return Error(id, fault);
                Interlocked.Increment(ref faults);
                return null;
            }
        }

        /// <summary>An error response (counted); error data JSON cannot carry is left out rather than failing the response.</summary>
        private string Error(object? id, RpcFaultException fault)
        {
            Interlocked.Increment(ref faults);
            var error = new Dictionary<string, object?> { ["code"] = fault.Code, ["message"] = fault.Message };
            if (fault.Details != null)
                error["data"] = fault.Details;
            var response = new Dictionary<string, object?> { ["jsonrpc"] = "2.0", ["error"] = error, ["id"] = id };
            try
            {
                return RpcJson.Serialize(response);
            }
            catch (InvalidNetworkRequestException)
            {
                error.Remove("data");
                return RpcJson.Serialize(response);
            }
        }
    }
}
