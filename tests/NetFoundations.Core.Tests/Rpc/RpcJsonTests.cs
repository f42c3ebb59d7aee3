using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Text;
using NetFoundations.Core.Rpc;

namespace NetFoundations.Core.Tests.Rpc
{
    /// <summary>The JSON reader and writer of JSON-RPC, byte for byte: what they write, read, and refuse.</summary>
    public sealed class RpcJsonTests
    {
        private static object? Parse(string text) => RpcJson.Parse(Encoding.UTF8.GetBytes(text), "t");

        [Fact]
        public void Values_are_written_as_JSON()
        {
            var members = new OrderedDictionary { ["b"] = 1L << 40, ["a"] = new object?[] { null, true, 1.5, "x\"\\\n\u0001ÿ" } };
            Assert.Equal("{\"b\":1099511627776,\"a\":[null,true,1.5,\"x\\\"\\\\\\n\\u0001ÿ\"]}", RpcJson.Serialize(members));
            Assert.Equal("\"AAEC\"", RpcJson.Serialize(new byte[] { 0, 1, 2 }));
            Assert.Equal("\"2026-01-02T03:04:05.0000000\"", RpcJson.Serialize(new DateTime(2026, 1, 2, 3, 4, 5)));
            Assert.Throws<InvalidNetworkRequestException>(() => RpcJson.Serialize(double.PositiveInfinity));
        }

        [Fact]
        public void Values_are_read_as_plain_values()
        {
            Assert.Equal(7, Parse(" 7 "));
            Assert.Equal(1L << 40, Parse("1099511627776"));
            Assert.Equal(-2.5e3, Parse("-2.5e3"));
            Assert.Equal(1e20, Parse("100000000000000000000"));
            Assert.Equal("a\"/\u00ff\ud83d\ude00", Parse("\"a\\\"\\/\\u00ff\\ud83d\\ude00\""));
            Assert.Equal("ÿ", Parse("\uFEFF\"ÿ\""));
            Assert.Null(Parse("null"));
            Assert.Equal(new object?[] { true, false, null, new object?[0] }, Parse("[true, false, null, []]"));
            var members = Assert.IsType<Dictionary<string, object?>>(Parse("{\"z\": 1, \"a\": {}, \"z\": 2}"));
            Assert.Equal(new[] { "z", "a" }, members.Keys);
            Assert.Equal(2, members["z"]);
        }

        [Theory]
        [InlineData("", "the end of the text")]
        [InlineData("{\"a\" 1}", "':' expected")]
        [InlineData("[1,]", "'",  "]")]
        [InlineData("01", "invalid number")]
        [InlineData("\"tab\there\"", "control character")]
        [InlineData("\"\\x\"", "invalid escape")]
        [InlineData("[1] 2", "text after the value")]
        [InlineData("nul", "unknown word")]
        [InlineData("<html>", "'<'")]
        public void Malformed_JSON_is_a_protocol_violation(string text, string why, string? also = null)
        {
            var error = Assert.Throws<ProtocolViolationException>(() => Parse(text));
            Assert.Contains(why, error.Message);
            if (also != null)
                Assert.Contains(also, error.Message);
        }

        [Fact]
        public void Invalid_UTF8_and_deep_nesting_are_refused()
        {
            Assert.Contains("not valid UTF-8", Assert.Throws<ProtocolViolationException>(() => RpcJson.Parse(new byte[] { 0x22, 0xff, 0x22 }, "t")).Message);
            Assert.Contains("levels deep", Assert.Throws<ProtocolViolationException>(() => Parse(new string('[', RpcJson.MaxDepth + 2))).Message);
        }
    }
}
