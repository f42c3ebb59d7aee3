using System;
using System.Text;

namespace NetFoundations.Core.Tests
{
    /// <summary>Values checked against what Python's struct module produces for the same formats.</summary>
    public sealed class PackedBytesTests
    {
        private static readonly Encoding Utf8 = PackedBytes.StrictEncoding("utf-8");

        [Theory]
        // python3 -c "import struct; print(struct.pack('!HHI', 0x1234, 256, 7).hex())"
        [InlineData("!HHI", new object[] { 0x1234, 256, 7 }, "1234010000000007")]
        [InlineData("<HHI", new object[] { 0x1234, 256, 7 }, "3412000107000000")]
        [InlineData(">bBh", new object[] { -1, 255, -2 }, "ffff fffe")]
        [InlineData("<qQ", new object[] { -2L, 1UL }, "feffffffffffffff0100000000000000")]
        [InlineData("!fd", new object[] { 1.5, -2.25 }, "3fc00000c002000000000000")]
        [InlineData("!?x?c", new object[] { true, false, 'A' }, "01000041")]
        [InlineData("!3H", new object[] { 1, 2, 3 }, "000100020003")]
        [InlineData("!5sB", new object[] { "abc", 9 }, "616263000009")]
        public void PacksAsPythonStructDoes(string format, object[] values, string hex)
        {
            var expected = Convert.FromHexString(hex.Replace(" ", string.Empty));
            Assert.Equal(expected, PackedBytes.Pack(format, values, Utf8));
            Assert.Equal(expected.Length, PackedBytes.Size(format));
        }

        [Fact]
        public void UnpacksRecordsBack()
        {
            var records = PackedBytes.Unpack("!H5s", Convert.FromHexString("0001616263000000026869000000"), Utf8);
            Assert.Equal(2, records.Count);
            Assert.Equal(new object[] { (ushort)1, "abc" }, records[0]);
            Assert.Equal(new object[] { (ushort)2, "hi" }, records[1]);
            Assert.Equal(new object[] { (sbyte)-1, -2L, 1.5f }, PackedBytes.Unpack("<bqf", PackedBytes.Pack("<bqf", new object[] { -1, -2, 1.5 }, Utf8), Utf8)[0]);
        }

        [Theory]
        [InlineData("!B", 300)]
        [InlineData("!H", -1)]
        [InlineData("!h", 40000)]
        [InlineData("!I", "many")]
        [InlineData("!2s", "abc")]
        public void ValuesThatDoNotFitAreClearErrors(string format, object value)
        {
            var error = Assert.Throws<ArgumentException>(() => PackedBytes.Pack(format, new[] { value }, Utf8));
            Assert.Contains("Value 1", error.Message);
        }

        [Theory]
        [InlineData("!Hz")]
        [InlineData("!12")]
        [InlineData("!99999H")]
        public void BadFormatsAreArgumentErrors(string format)
        {
            Assert.Throws<ArgumentException>(() => PackedBytes.Size(format));
        }

        [Fact]
        public void ShortDataAndInvalidTextAreProtocolViolations()
        {
            Assert.Throws<ProtocolViolationException>(() => PackedBytes.Unpack("!I", new byte[] { 1, 2, 3 }, Utf8));
            var error = Assert.Throws<ProtocolViolationException>(() => PackedBytes.Unpack("!4s", new byte[] { 0x61, 0xC3, 0x28, 0x62 }, Utf8));
            Assert.Contains("not valid utf-8", error.Message);
            Assert.Throws<ArgumentException>(() => PackedBytes.Pack("!4s", new object[] { "é" }, PackedBytes.StrictEncoding("us-ascii")));
            Assert.Throws<ArgumentException>(() => PackedBytes.StrictEncoding("no-such-encoding"));
        }
    }
}
