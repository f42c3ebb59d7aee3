using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Rpc;

namespace NetFoundations.Core.Tests.Rpc
{
    /// <summary>
    /// The server side of XML-RPC and JSON-RPC without HTTP: requests in, replies out, read back with the clients' own
    /// codecs. Python's clients judge the same server over HTTP in tests/Pester/Rpc.Tests.ps1.
    /// </summary>
    public sealed class RpcDispatcherTests
    {
        private static readonly XmlRpcEncoding Everything = new XmlRpcEncoding { AllowI8 = true, AllowNil = true };
        private readonly List<string> notes = new List<string>();

        private RpcDispatcher NewServer(RpcDispatcherOptions? options = null) => new RpcDispatcher(new[]
        {
            Method("add", (a, _) => Task.FromResult<object?>(Convert.ToInt64(a[0]) + Convert.ToInt64(a[1])),
                new[] { new RpcParameter("a", "int", true), new RpcParameter("b", "int", true) }, "Adds two numbers."),
            Method("echo", (a, _) => Task.FromResult<object?>(a.ToArray()), Array.Empty<RpcParameter>(), more: true),
            Method("greet", (a, _) => Task.FromResult<object?>($"{a[1] ?? "Hello"}, {a[0]}!"),
                new[] { new RpcParameter("name", "string", true), new RpcParameter("greeting", "string") }),
            Method("note", (a, _) => { lock (notes) notes.Add((string)a[0]!); return Task.FromResult<object?>(null); }, new[] { new RpcParameter("text") }),
            Method("boom", (_, __) => throw new InvalidOperationException("the disk is on fire"), Array.Empty<RpcParameter>()),
            Method("fault", (a, _) => throw new RpcFaultException(Convert.ToInt32(a[0]), "asked to fail", new Dictionary<string, object?> { ["why"] = "test" }),
                new[] { new RpcParameter("code", "int") }),
            Method("slow", async (_, cancel) => { await Task.Delay(TimeSpan.FromSeconds(30), CancellationToken.None); return 1; }, Array.Empty<RpcParameter>()),
            Method("object", (_, __) => Task.FromResult<object?>(new object()), Array.Empty<RpcParameter>()),
        }, options);

        /// <summary>A method whose body sees the arguments by parameter position, named ones put in their places.</summary>
        private static RpcMethod Method(string name, Func<object?[], CancellationToken, Task<object?>> body, RpcParameter[] parameters, string help = "", bool more = false) =>
            new RpcMethod(name, parameters, (arguments, cancel) =>
            {
                var values = arguments.Named == null
                    ? arguments.Positional.ToArray()
                    : parameters.Select(p => arguments.Named.FirstOrDefault(n => n.Key == p.Name).Value).ToArray();
                if (values.Length < parameters.Length)
                    values = values.Concat(new object?[parameters.Length - values.Length]).ToArray();
                return body(values, cancel);
            }, help, takesMoreArguments: more);

        private static object? Xml(RpcDispatcher server, string method, params object?[] arguments)
        {
            var reply = server.DispatchAsync("text/xml", XmlRpcCodec.MethodCall(method, arguments, Everything), CancellationToken.None).Result;
            Assert.Equal(200, reply.Status);
            Assert.Equal("text/xml; charset=utf-8", reply.ContentType);
            return XmlRpcCodec.ReadResponse(reply.Body, "server");
        }

        private static RemoteErrorException XmlFault(RpcDispatcher server, byte[] body)
        {
            var reply = server.DispatchAsync("text/xml", body, CancellationToken.None).Result;
            Assert.Equal(200, reply.Status);
            return Assert.Throws<RemoteErrorException>(() => XmlRpcCodec.ReadResponse(reply.Body, "server"));
        }

        private static RemoteErrorException XmlFault(RpcDispatcher server, string method, params object?[] arguments) =>
            XmlFault(server, XmlRpcCodec.MethodCall(method, arguments, Everything));

        private static RpcReply Post(RpcDispatcher server, string json, string? contentType = "application/json") =>
            server.DispatchAsync(contentType, Encoding.UTF8.GetBytes(json), CancellationToken.None).Result;

        private static object? Json(RpcDispatcher server, string json)
        {
            var reply = Post(server, json);
            Assert.Equal(200, reply.Status);
            Assert.Equal("application/json", reply.ContentType);
            return RpcJson.Parse(reply.Body, "server");
        }

        private static Dictionary<string, object?> ErrorOf(object? response)
        {
            var members = Assert.IsType<Dictionary<string, object?>>(response);
            Assert.Equal("2.0", members["jsonrpc"]);
            Assert.False(members.ContainsKey("result"));
            return Assert.IsType<Dictionary<string, object?>>(members["error"]);
        }

        [Fact]
        public void An_XML_RPC_call_is_answered_with_its_result()
        {
            Assert.Equal(5, Xml(NewServer(), "add", 2, 3));
            Assert.Equal(1L << 40, Xml(NewServer(), "add", 1L << 40, 0));
        }

        [Fact]
        public void Every_XML_RPC_type_goes_both_ways()
        {
            var stamp = new DateTime(2026, 1, 2, 3, 4, 5);
            var nested = new Dictionary<string, object?> { ["name"] = "Arthur", ["data"] = new Dictionary<string, object?> { ["age"] = 42, ["tags"] = new object?[] { "a", null } } };
            var sent = new object?[] { 7, 1L << 40, true, "ÿ€😀 <&>", 1.5, stamp, new byte[] { 0, 255 }, new object?[] { 1, "x" }, nested, null, "" };
            var back = Assert.IsType<object?[]>(Xml(NewServer(), "echo", sent));
            Assert.Equal(sent.Length, back.Length);
            Assert.Equal(7, back[0]);
            Assert.Equal(1L << 40, back[1]);
            Assert.Equal(true, back[2]);
            Assert.Equal("ÿ€😀 <&>", back[3]);
            Assert.Equal(1.5, back[4]);
            Assert.Equal(stamp, back[5]);
            Assert.Equal(new byte[] { 0, 255 }, back[6]);
            Assert.Equal(new object?[] { 1, "x" }, back[7]);
            var person = Assert.IsType<Dictionary<string, object?>>(back[8]);
            Assert.Equal(new[] { "name", "data" }, person.Keys);
            var data = Assert.IsType<Dictionary<string, object?>>(person["data"]);
            Assert.Equal(new object?[] { "a", null }, data["tags"]);
            Assert.Null(back[9]);
            Assert.Equal("", back[10]);
        }

        [Fact]
        public void Faults_carry_the_spec_codes_and_the_method_s_own()
        {
            var server = NewServer();
            var failed = XmlFault(server, "boom");
            Assert.Equal("-32603", failed.ReplyCode);
            Assert.Contains("the disk is on fire", failed.Message);
            Assert.Equal("42", XmlFault(server, "fault", 42).ReplyCode);
            Assert.Equal("-32601", XmlFault(server, "nope").ReplyCode);
            Assert.Contains("at most 2 arguments", XmlFault(server, "add", 1, 2, 3).Message);
            Assert.Equal("-32602", XmlFault(server, "add", 1).ReplyCode);
            Assert.Contains("cannot be sent", XmlFault(server, "object").Message);
            Assert.Equal(6, server.Faults);
        }

        [Fact]
        public void Introspection_lists_methods_signatures_and_help_unless_switched_off()
        {
            var server = NewServer();
            var names = Assert.IsType<object?[]>(Xml(server, "system.listMethods"));
            Assert.Contains("add", names);
            Assert.Contains("system.multicall", names);
            Assert.Equal(names.OrderBy(n => (string?)n, StringComparer.Ordinal), names);
            Assert.Equal(new object?[] { new object?[] { "any", "int", "int" } }, Xml(server, "system.methodSignature", "add"));
            Assert.Equal("Adds two numbers.", Xml(server, "system.methodHelp", "add"));
            Assert.Equal("any greet(string name, string greeting)", Xml(server, "system.methodHelp", "greet"));
            Assert.Equal("-32601", XmlFault(server, "system.methodHelp", "nope").ReplyCode);

            var closed = NewServer(new RpcDispatcherOptions { Introspection = false });
            Assert.Equal("-32601", XmlFault(closed, "system.listMethods").ReplyCode);
            Assert.Equal(5, Xml(closed, "system.multicall", new object?[] { new object?[] { new Dictionary<string, object?> { ["methodName"] = "add", ["params"] = new object?[] { 2, 3 } } } })
                is object?[] one && one[0] is object?[] value ? value[0] : null);
        }

        [Fact]
        public void A_multicall_answers_each_call_in_order_a_fault_for_its_call_only()
        {
            var server = NewServer();
            object Call(string name, params object?[] arguments) => new Dictionary<string, object?> { ["methodName"] = name, ["params"] = arguments };
            var results = Assert.IsType<object?[]>(Xml(server, "system.multicall", new object?[]
            {
                new[] { Call("add", 1, 2), Call("boom"), Call("greet", "Ann"), Call("system.multicall", new object?[0]), "junk" },
            }));
            Assert.Equal(5, results.Length);
            Assert.Equal(new object?[] { 3 }, results[0]);
            Assert.Equal(-32603, Assert.IsType<Dictionary<string, object?>>(results[1])["faultCode"]);
            Assert.Equal(new object?[] { "Hello, Ann!" }, results[2]);
            Assert.Contains("inside system.multicall", (string)Assert.IsType<Dictionary<string, object?>>(results[3])["faultString"]!);
            Assert.Equal(-32600, Assert.IsType<Dictionary<string, object?>>(results[4])["faultCode"]);

            var thousand = Enumerable.Range(0, 1000).Select(i => Call("add", i, i)).ToArray();
            var sums = Assert.IsType<object?[]>(Xml(server, "system.multicall", new object?[] { thousand }));
            Assert.Equal(Enumerable.Range(0, 1000).Select(i => (object?)new object?[] { 2 * i }), sums);

            Assert.Equal("-32601", XmlFault(NewServer(new RpcDispatcherOptions { Multicall = false }), "system.multicall", new object?[0]).ReplyCode);
            Assert.Equal("-32600", XmlFault(NewServer(new RpcDispatcherOptions { MaxBatchCalls = 10 }), "system.multicall", new object?[] { thousand }).ReplyCode);
        }

        [Fact]
        public void Hostile_XML_is_refused_with_a_fault_naming_what_is_wrong()
        {
            var server = NewServer();
            var laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
                + "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
                + "<methodCall><methodName>echo</methodName><params><param><value>&lol3;</value></param></params></methodCall>";
            var dtd = XmlFault(server, Encoding.UTF8.GetBytes(laughs));
            Assert.Equal("-32700", dtd.ReplyCode);
            Assert.Contains("DTD", dtd.Message);

            var deep = "<methodCall><methodName>echo</methodName><params><param>"
                + string.Concat(Enumerable.Repeat("<value><array><data>", 200)) + string.Concat(Enumerable.Repeat("</data></array></value>", 200))
                + "</param></params></methodCall>";
            var tooDeep = XmlFault(server, Encoding.UTF8.GetBytes(deep));
            Assert.Equal("-32600", tooDeep.ReplyCode);
            Assert.Contains($"more than {XmlRpcCodec.MaxDepth} levels deep", tooDeep.Message);

            Assert.Equal("-32700", XmlFault(server, Encoding.UTF8.GetBytes("<methodCall><methodName>add</methodName>")).ReplyCode);
            Assert.Equal("-32600", XmlFault(server, Encoding.UTF8.GetBytes("<methodResponse/>")).ReplyCode);
            Assert.Equal("-32600", XmlFault(server, Encoding.UTF8.GetBytes("<methodCall><methodName>add</methodName><params><param><value><int>x</int></value></param></params></methodCall>")).ReplyCode);
            Assert.Equal("-32600", XmlFault(server, Encoding.UTF8.GetBytes("<methodCall><methodName> </methodName></methodCall>")).ReplyCode);

            var small = NewServer(new RpcDispatcherOptions { MaxRequestBytes = 100 });
            var huge = small.DispatchAsync("text/xml", XmlRpcCodec.MethodCall("echo", new object?[] { new string('x', 200) }, Everything), CancellationToken.None).Result;
            Assert.Equal(413, huge.Status);
            Assert.Contains("limit of 100 bytes", Encoding.UTF8.GetString(huge.Body));

            var garbage = server.DispatchAsync(null, new byte[] { 0, 1, 2, 0xff }, CancellationToken.None).Result;
            Assert.Equal(415, garbage.Status);
            Assert.Equal(0, server.Calls);
        }

        [Fact]
        public void Without_a_content_type_the_body_says_which_protocol()
        {
            var server = NewServer();
            Assert.Equal(RpcProtocol.XmlRpc, RpcDispatcher.Detect(null, Encoding.UTF8.GetBytes("\n <?xml version=\"1.0\"?>")));
            Assert.Equal(RpcProtocol.JsonRpc, RpcDispatcher.Detect("text/plain", Encoding.UTF8.GetBytes("[{}]")));
            Assert.Equal(RpcProtocol.JsonRpc, RpcDispatcher.Detect("application/json-rpc; charset=utf-8", Encoding.UTF8.GetBytes("<")));
            Assert.Equal(RpcProtocol.XmlRpc, RpcDispatcher.Detect("TEXT/XML", Encoding.UTF8.GetBytes("{")));
            var reply = Post(server, "{\"jsonrpc\": \"2.0\", \"method\": \"add\", \"params\": [1, 2], \"id\": 1}", null);
            Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":3,\"id\":1}", Encoding.UTF8.GetString(reply.Body));
        }

        [Fact]
        public void JSON_RPC_takes_positional_and_named_params_and_echoes_the_id()
        {
            var server = NewServer();
            var byPosition = Assert.IsType<Dictionary<string, object?>>(Json(server, "{\"jsonrpc\": \"2.0\", \"method\": \"add\", \"params\": [2, 3], \"id\": \"a\"}"));
            Assert.Equal(5, byPosition["result"]);
            Assert.Equal("a", byPosition["id"]);
            var byName = Assert.IsType<Dictionary<string, object?>>(Json(server, "{\"jsonrpc\": \"2.0\", \"method\": \"greet\", \"params\": {\"greeting\": \"Hi\", \"Name\": \"Bo\"}, \"id\": 7}"));
            Assert.Equal("Hi, Bo!", byName["result"]);
            Assert.Equal(7, byName["id"]);
            Assert.Null(Assert.IsType<Dictionary<string, object?>>(Json(server, "{\"jsonrpc\": \"2.0\", \"method\": \"note\", \"params\": [\"x\"], \"id\": null}"))["result"]);
        }

        [Fact]
        public void A_notification_is_run_and_gets_no_reply_nor_does_a_batch_of_notifications()
        {
            var server = NewServer();
            var failures = new List<string>();
            server.MethodFailed = (method, e) => { lock (failures) failures.Add($"{method}: {e.Message}"); };
            var one = Post(server, "{\"jsonrpc\": \"2.0\", \"method\": \"note\", \"params\": [\"one\"]}");
            Assert.Equal(200, one.Status);
            Assert.Empty(one.Body);
            var batch = Post(server, "[{\"jsonrpc\": \"2.0\", \"method\": \"note\", \"params\": [\"two\"]}, {\"jsonrpc\": \"2.0\", \"method\": \"boom\"}]");
            Assert.Equal(200, batch.Status);
            Assert.Empty(batch.Body);
            Assert.Equal(new[] { "one", "two" }, notes);
            Assert.Equal(new[] { "boom: the disk is on fire" }, failures);
            Assert.Equal(3, server.Notifications);
            Assert.Equal(1, server.Faults);
        }

        [Fact]
        public void A_batch_is_answered_call_by_call_with_ids_matched()
        {
            var server = NewServer();
            var responses = Assert.IsType<object?[]>(Json(server,
                "[{\"jsonrpc\": \"2.0\", \"method\": \"add\", \"params\": [1, 2], \"id\": 10},"
                + " {\"jsonrpc\": \"2.0\", \"method\": \"note\", \"params\": [\"n\"]},"
                + " {\"jsonrpc\": \"2.0\", \"method\": \"nope\", \"id\": 11},"
                + " 5,"
                + " {\"jsonrpc\": \"2.0\", \"method\": \"greet\", \"params\": {\"name\": \"Al\"}, \"id\": \"12\"}]"));
            Assert.Equal(4, responses.Length);
            var byId = responses.Cast<Dictionary<string, object?>>().ToList();
            Assert.Equal(3, byId.Single(r => Equals(r["id"], 10))["result"]);
            Assert.Equal(-32601, ErrorOf(byId.Single(r => Equals(r["id"], 11)))["code"]);
            Assert.Equal(-32600, ErrorOf(byId.Single(r => r["id"] == null))["code"]);
            Assert.Equal("Hello, Al!", byId.Single(r => Equals(r["id"], "12"))["result"]);
        }

        [Fact]
        public void JSON_RPC_errors_are_the_spec_s_with_data()
        {
            var server = NewServer();
            Assert.Equal(-32700, ErrorOf(Json(server, "{\"jsonrpc\": \"2.0\", \"method\""))["code"]);
            Assert.Equal(-32700, ErrorOf(Json(server, new string('[', 100) + new string(']', 100)))["code"]);
            Assert.Equal(-32600, ErrorOf(Json(server, "[]"))["code"]);
            Assert.Equal(-32600, ErrorOf(Json(server, "{\"method\": \"add\", \"id\": 1}"))["code"]);
            Assert.Equal(-32600, ErrorOf(Json(server, "{\"jsonrpc\": \"2.0\", \"method\": 5, \"id\": 1}"))["code"]);
            Assert.Equal(-32600, ErrorOf(Json(server, "{\"jsonrpc\": \"2.0\", \"method\": \"add\", \"params\": 5, \"id\": 1}"))["code"]);
            Assert.Equal(-32601, ErrorOf(Json(server, "{\"jsonrpc\": \"2.0\", \"method\": \"nope\", \"id\": 1}"))["code"]);
            var unknown = ErrorOf(Json(server, "{\"jsonrpc\": \"2.0\", \"method\": \"add\", \"params\": {\"a\": 1, \"c\": 2}, \"id\": 1}"));
            Assert.Equal(-32602, unknown["code"]);
            Assert.Contains("no parameter named 'c'", (string)unknown["message"]!);
            Assert.Equal(-32602, ErrorOf(Json(server, "{\"jsonrpc\": \"2.0\", \"method\": \"add\", \"params\": {\"a\": 1}, \"id\": 1}"))["code"]);
            var failed = ErrorOf(Json(server, "{\"jsonrpc\": \"2.0\", \"method\": \"boom\", \"id\": 1}"));
            Assert.Equal(-32603, failed["code"]);
            Assert.Equal("InvalidOperationException", Assert.IsType<Dictionary<string, object?>>(failed["data"])["type"]);
            var own = ErrorOf(Json(server, "{\"jsonrpc\": \"2.0\", \"method\": \"fault\", \"params\": [7], \"id\": 1}"));
            Assert.Equal(7, own["code"]);
            Assert.Equal("test", Assert.IsType<Dictionary<string, object?>>(own["data"])["why"]);
            Assert.Contains("cannot be sent", (string)ErrorOf(Json(server, "{\"jsonrpc\": \"2.0\", \"method\": \"object\", \"id\": 1}"))["message"]!);
        }

        [Fact]
        public void A_call_past_its_time_is_answered_with_an_error_without_waiting_for_it()
        {
            var server = NewServer(new RpcDispatcherOptions { CallTimeout = TimeSpan.FromMilliseconds(200) });
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var late = XmlFault(server, "slow");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), clock.Elapsed.ToString());
            Assert.Equal("-32603", late.ReplyCode);
            Assert.Contains("did not finish within 0.2 s", late.Message);
        }

        [Fact]
        public void Methods_named_twice_or_in_system_are_refused()
        {
            var add = Method("add", (_, __) => Task.FromResult<object?>(null), Array.Empty<RpcParameter>());
            Assert.Throws<InvalidNetworkRequestException>(() => new RpcDispatcher(new[] { add, add }));
            Assert.Throws<InvalidNetworkRequestException>(() => new RpcDispatcher(new[] { Method("system.x", (_, __) => Task.FromResult<object?>(null), Array.Empty<RpcParameter>()) }));
        }
    }
}
