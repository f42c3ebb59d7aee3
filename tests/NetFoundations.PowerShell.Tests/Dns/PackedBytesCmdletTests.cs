using System.Linq;
using System.Management.Automation;

namespace NetFoundations.PowerShell.Tests.Dns
{
    public sealed class PackedBytesCmdletTests : IClassFixture<ModuleSession>
    {
        private readonly ModuleSession session;

        public PackedBytesCmdletTests(ModuleSession session) => this.session = session;

        [Fact]
        public void PacksOneByteArray()
        {
            var result = session.Run("ConvertTo-PackedBytes '!HHHHHH' 0x1234, 0x0100, 1, 0, 0, 0");
            Assert.Empty(result.Errors);
            var bytes = Assert.IsType<byte[]>(Assert.Single(result.Output).BaseObject);
            Assert.Equal(new byte[] { 0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0 }, bytes);
        }

        [Fact]
        public void RoundTripsWithNamesAndPipedBytes()
        {
            var result = session.Run(@"
                $bytes = 1..2 | ForEach-Object { $_; ""name$_"" } | ConvertTo-PackedBytes '<I8s' -Encoding ascii
                $bytes | ConvertFrom-PackedBytes '<I8s' -Name Id, Label -Encoding ascii");
            Assert.Empty(result.Errors);
            Assert.Equal(2, result.Output.Count);
            Assert.Equal(2u, result.Output[1].Properties["Id"].Value);
            Assert.Equal("name2", result.Output[1].Properties["Label"].Value);
        }

        [Fact]
        public void OneRecordDestructuresIntoVariables()
        {
            var result = session.Run("$a, $b = ConvertFrom-PackedBytes '!Hb' (ConvertTo-PackedBytes '!Hb' 513, -3); $a; $b");
            Assert.Equal(new object[] { (ushort)513, (sbyte)-3 }, result.Output.Select(o => o.BaseObject));
        }

        [Theory]
        [InlineData("ConvertTo-PackedBytes '!B' 300", "InvalidArgument")]
        [InlineData("ConvertTo-PackedBytes '!Hq' 1", "InvalidArgument")]
        [InlineData("ConvertTo-PackedBytes '!4s' 'abc' -Encoding klingon", "InvalidArgument")]
        [InlineData("ConvertFrom-PackedBytes '!I' ([byte[]](1, 2, 3))", "ProtocolViolation")]
        [InlineData("ConvertFrom-PackedBytes '!2s' ([byte[]](0xC3, 0x28))", "ProtocolViolation")]
        [InlineData("ConvertFrom-PackedBytes '!H?' ([byte[]](0, 1, 1)) -Name One", "InvalidArgument")]
        public void BadInputIsAClearError(string script, string errorId)
        {
            var result = session.Run(script);
            Assert.Equal(errorId, EngineResult.ErrorId(result.SingleError));
            Assert.Empty(result.Output);
        }

        [Theory]
        [InlineData("ConvertTo-PackedBytes")]
        [InlineData("ConvertFrom-PackedBytes")]
        public void HelpHasSynopsisAndExamples(string cmdlet)
        {
            var help = Assert.Single(session.Run($"Get-Help {cmdlet} -Full").Output);
            Assert.Contains("struct-style format", help.Properties["Synopsis"].Value.ToString());
            var examples = (PSObject)help.Properties["examples"].Value;
            Assert.True(((object[])examples.Properties["example"].Value).Length >= 2);
        }
    }
}
