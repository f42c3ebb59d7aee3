using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Rpc
{
    /// <summary>
    /// A JSON-RPC 2.0 client of one endpoint over HTTP: calls with positional or named params, notifications (no id, no
    /// reply awaited: an empty or 204 reply is fine) and batches (responses matched by id whatever their order). An error
    /// response is a RemoteErrorException: code as ReplyCode, message in the message, data in Data["data"].
    /// </summary>
    public sealed class JsonRpcClient
    {
        private const string ContentType = "application/json";
        private readonly RpcHttpTransport transport;
        private readonly Transcript transcript;
        private long nextId;

        public JsonRpcClient(RpcHttpTransport transport, Transcript transcript)
        {
            this.transport = transport;
            this.transcript = transcript;
        }

        private string Target => transport.Uri.GetLeftPart(UriPartial.Path);

        /// <summary>One call; a notification returns null once the server took it.</summary>
        public async Task<object?> CallAsync(RpcCall call, CancellationToken cancellationToken)
        {
            var id = call.IsNotification ? (long?)null : Interlocked.Increment(ref nextId);
            var body = Encoding.UTF8.GetBytes(RpcJson.Serialize(Request(call, id)));
            var reply = await transport.PostAsync(body, ContentType, transcript, cancellationToken).ConfigureAwait(false);
            if (id == null)
            {
                CheckStatus(reply, allowJsonError: false);
                return null;
            }
            var response = Parse(reply);
            if (!(response is Dictionary<string, object?> single))
                throw new ProtocolViolationException($"{Target} answered a call with something that is not a JSON-RPC response object.", Target);
            var outcome = Outcome(single);
            if (outcome.Error != null)
                throw outcome.Error;
            return outcome.Value;
        }

        /// <summary>
        /// Sends calls as one batch and returns one outcome per call, in the order given: a value, the error of that call
        /// alone, or None for a notification. A call the server did not answer is a ProtocolViolation for that call.
        /// </summary>
        public async Task<IReadOnlyList<RpcOutcome>> BatchAsync(IReadOnlyList<RpcCall> calls, CancellationToken cancellationToken)
        {
            if (calls.Count == 0)
                return Array.Empty<RpcOutcome>();
            var ids = calls.Select(c => c.IsNotification ? (long?)null : Interlocked.Increment(ref nextId)).ToArray();
            var batch = calls.Select((c, i) => (object?)Request(c, ids[i])).ToArray();
            var body = Encoding.UTF8.GetBytes(RpcJson.Serialize(batch));
            var reply = await transport.PostAsync(body, ContentType, transcript, cancellationToken).ConfigureAwait(false);
            if (ids.All(i => i == null))
            {
                CheckStatus(reply, allowJsonError: false);
                return calls.Select(_ => RpcOutcome.None).ToArray();
            }
            var parsed = Parse(reply);
            if (parsed is Dictionary<string, object?> whole)
            {
                // One error for the whole batch (a parse error, or a server that takes no batches).
                var error = Outcome(whole).Error ?? new ProtocolViolationException($"{Target} answered a batch with a single result.", Target);
                return ids.Select(i => i == null ? RpcOutcome.None : RpcOutcome.Failed(error)).ToArray();
            }
            if (!(parsed is object?[] responses))
                throw new ProtocolViolationException($"{Target} answered a batch with something that is neither an array nor an object.", Target);
            var byId = new Dictionary<long, RpcOutcome>();
            foreach (var response in responses)
            {
                if (!(response is Dictionary<string, object?> member) || !member.TryGetValue("id", out var idValue))
                    continue;
                if (TryId(idValue, out var key) && !byId.ContainsKey(key))
                    byId[key] = Outcome(member);
            }
            return ids.Select(i => i == null ? RpcOutcome.None
                : byId.TryGetValue(i.Value, out var outcome) ? outcome
                : RpcOutcome.Failed(new ProtocolViolationException($"{Target} sent no response for the call with id {i} of the batch.", Target)))
                .ToArray();
        }

        private static bool TryId(object? value, out long id)
        {
            switch (value)
            {
                case int i: id = i; return true;
                case long l: id = l; return true;
                case string s: return long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out id);
                case double d when d == Math.Floor(d) && Math.Abs(d) < 9e15: id = (long)d; return true;
                default: id = 0; return false;
            }
        }

        private static Dictionary<string, object?> Request(RpcCall call, long? id)
        {
            var request = new Dictionary<string, object?> { ["jsonrpc"] = "2.0", ["method"] = call.Method };
            if (call.NamedArguments != null)
                request["params"] = call.NamedArguments.ToDictionary(p => p.Key, p => p.Value);
            else if (call.Arguments.Count > 0)
                request["params"] = call.Arguments.ToArray();
            if (id != null)
                request["id"] = id.Value;
            return request;
        }

        private void CheckStatus(RpcHttpReply reply, bool allowJsonError)
        {
            if (!reply.IsSuccess && !allowJsonError)
                throw new RemoteErrorException($"{Target} answered HTTP {reply.Status} {reply.Reason}: {reply.Excerpt()}", Target,
                    reply.Status.ToString(CultureInfo.InvariantCulture));
        }

        /// <summary>The reply as JSON; a failed HTTP status is the error unless its body is a JSON-RPC response (an error object).</summary>
        private object? Parse(RpcHttpReply reply)
        {
            if (reply.Body.Length == 0)
                throw reply.IsSuccess
                    ? new ProtocolViolationException($"{Target} sent an empty reply (HTTP {reply.Status}) where a response was expected.", Target)
                    : new RemoteErrorException($"{Target} answered HTTP {reply.Status} {reply.Reason} with no body.", Target,
                        reply.Status.ToString(CultureInfo.InvariantCulture));
            try
            {
                return RpcJson.Parse(reply.Body, Target);
            }
            catch (ProtocolViolationException) when (!reply.IsSuccess)
            {
                CheckStatus(reply, allowJsonError: false);
                throw;
            }
        }

        private RpcOutcome Outcome(Dictionary<string, object?> response)
        {
            if (response.TryGetValue("error", out var error) && error != null)
            {
                if (!(error is Dictionary<string, object?> details))
                    return RpcOutcome.Failed(new ProtocolViolationException($"{Target} sent an error that is not an object.", Target));
                details.TryGetValue("code", out var code);
                details.TryGetValue("message", out var message);
                var codeText = Convert.ToString(code, CultureInfo.InvariantCulture);
                var failure = new RemoteErrorException($"{Target} answered with error {codeText}: {message}", Target, codeText);
                if (details.TryGetValue("data", out var data))
                    failure.Data["data"] = data;
                return RpcOutcome.Failed(failure);
            }
            if (!response.TryGetValue("result", out var result))
                return RpcOutcome.Failed(new ProtocolViolationException($"{Target} sent a response with neither result nor error.", Target));
            return RpcOutcome.Of(result);
        }
    }
}
