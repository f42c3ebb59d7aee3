using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Text;
using NetFoundations.Core.Rpc;

namespace NetFoundations.Core.Tests.Rpc
{
    /// <summary>XML-RPC's encoding, byte for byte, and what the reader accepts and refuses.</summary>
    public sealed class XmlRpcCodecTests
    {
        private static string Call(object? argument, bool i8 = false, bool nil = false) =>
            Encoding.UTF8.GetString(XmlRpcCodec.MethodCall("m", new[] { argument }, new XmlRpcEncoding { AllowI8 = i8, AllowNil = nil }));

        private static string Param(string value) =>
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><methodCall><methodName>m</methodName><params><param><value>" + value + "</value></param></params></methodCall>";

        private static object? Read(string value) =>
            XmlRpcCodec.ReadResponse(Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?>\n<methodResponse>\n<params>\n<param>\n" + value + "\n</param>\n</params>\n</methodResponse>\n"), "t");

        [Fact]
        public void Every_type_is_written_as_the_specification_says()
        {
            Assert.Equal(Param("<int>-7</int>"), Call(-7));
            Assert.Equal(Param("<int>2147483647</int>"), Call(2147483647L));
            Assert.Equal(Param("<i8>1099511627776</i8>"), Call(1L << 40, i8: true));
            Assert.Equal(Param("<boolean>1</boolean>"), Call(true));
            Assert.Equal(Param("<string>ÿ€😀 &lt;&amp;&gt;</string>"), Call("ÿ€😀 <&>"));
            Assert.Equal(Param("<double>1.5</double>"), Call(1.5));
            Assert.Equal(Param("<dateTime.iso8601>20260102T03:04:05</dateTime.iso8601>"), Call(new DateTime(2026, 1, 2, 3, 4, 5)));
            Assert.Equal(Param("<base64>AAEC/w==</base64>"), Call(new byte[] { 0, 1, 2, 255 }));
            Assert.Equal(Param("<nil />"), Call(null, nil: true));
            Assert.Equal(Param("<array><data><value><int>1</int></value><value><string>x</string></value></data></array>"), Call(new object[] { 1, "x" }));
            var members = new OrderedDictionary { ["b"] = 1, ["a"] = new Dictionary<string, object?> { ["c"] = false } };
            Assert.Equal(Param("<struct><member><name>b</name><value><int>1</int></value></member><member><name>a</name><value><struct><member><name>c</name><value><boolean>0</boolean></value></member></struct></value></member></struct>"),
                Call(members));
        }

        [Fact]
        public void A_64_bit_value_without_AllowI8_and_a_null_without_AllowNil_are_refused_never_truncated()
        {
            Assert.Contains("-AllowI8", Assert.Throws<InvalidNetworkRequestException>(() => Call(1L << 40)).Message);
            Assert.Contains("-AllowNil", Assert.Throws<InvalidNetworkRequestException>(() => Call(null)).Message);
            Assert.Throws<InvalidNetworkRequestException>(() => Call(ulong.MaxValue, i8: true));
            Assert.Throws<InvalidNetworkRequestException>(() => Call(double.NaN));
            Assert.Throws<InvalidNetworkRequestException>(() => Call(new object()));
        }

        [Fact]
        public void Every_type_is_read_as_a_plain_value()
        {
            Assert.Equal(42, Read("<value><i4>42</i4></value>"));
            Assert.Equal(1L << 40, Read("<value><i8>1099511627776</i8></value>"));
            // Beyond 32 bits in <int>: read as the value it is (as Python's client does), never cut.
            Assert.Equal(1L << 40, Read("<value><int>1099511627776</int></value>"));
            Assert.Equal(1L << 40, Read("<value><ex:i8 xmlns:ex=\"http://ws.apache.org/xmlrpc/namespaces/extensions\">1099511627776</ex:i8></value>"));
            Assert.Equal(true, Read("<value><boolean>1</boolean></value>"));
            Assert.Equal("plain text", Read("<value>plain text</value>"));
            Assert.Equal(string.Empty, Read("<value></value>"));
            Assert.Equal("ÿ", Read("<value><string>&#255;</string></value>"));
            Assert.Equal(-0.5, Read("<value><double>-0.5</double></value>"));
            Assert.Equal(new DateTime(2026, 12, 6, 4, 51, 55), Read("<value><dateTime.iso8601>20261206T04:51:55</dateTime.iso8601></value>"));
            Assert.Equal(new byte[] { 0, 1, 2 }, Read("<value><base64>AAEC\n</base64></value>"));
            Assert.Null(Read("<value><nil/></value>"));
            var array = Assert.IsType<object?[]>(Read("<value><array><data>\n<value><int>1</int></value>\n<value><string>a</string></value>\n</data></array></value>"));
            Assert.Equal(new object?[] { 1, "a" }, array);
            var members = Assert.IsType<Dictionary<string, object?>>(Read(
                "<value><struct>\n<member>\n<name>z</name>\n<value><int>1</int></value>\n</member>\n<member><name>a</name><value><struct/></value></member></struct></value>"));
            Assert.Equal(new[] { "z", "a" }, members.Keys);
        }

        [Fact]
        public void A_fault_is_a_remote_error_with_the_fault_code_as_reply_code()
        {
            var body = XmlRpcCodec.MethodResponse(new Dictionary<string, object?> { ["faultCode"] = 4, ["faultString"] = "Too many parameters." },
                new XmlRpcEncoding(), fault: true);

            var error = Assert.Throws<RemoteErrorException>(() => XmlRpcCodec.ReadResponse(body, "t"));

            Assert.Equal("4", error.ReplyCode);
            Assert.Contains("Too many parameters.", error.Message);
        }

        [Theory]
        [InlineData("<value><int>12x</int></value>", "invalid <int>")]
        [InlineData("<value><boolean>2</boolean></value>", "invalid <boolean>")]
        [InlineData("<value><dateTime.iso8601>yesterday</dateTime.iso8601></value>", "invalid <dateTime.iso8601>")]
        [InlineData("<value><base64>!!</base64></value>", "invalid <base64>")]
        [InlineData("<value><float>1</float></value>", "unknown type <float>")]
        [InlineData("<value><int>99999999999999999999</int></value>", "invalid <int>")]
        public void Malformed_values_are_protocol_violations(string value, string why)
        {
            Assert.Contains(why, Assert.Throws<ProtocolViolationException>(() => Read(value)).Message);
        }
    }
}
