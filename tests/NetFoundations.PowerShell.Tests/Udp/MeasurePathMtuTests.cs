using System;
using System.Linq;

namespace NetFoundations.PowerShell.Tests.Udp
{
    public sealed class MeasurePathMtuTests : IClassFixture<ModuleSession>
    {
        private readonly ModuleSession session;

        public MeasurePathMtuTests(ModuleSession session) => this.session = session;

        [Fact]
        public void LoopbackPathsFromThePipeline()
        {
            var result = session.Run("'127.0.0.1', '::1' | Measure-PathMtu");

            Assert.Empty(result.Errors);
            Assert.Equal(2, result.Output.Count);
            var v4 = result.Output[0];
            Assert.Equal("NetFoundations.Core.Udp.PathMtuResult", v4.TypeNames[0]);
            Assert.Equal("127.0.0.1", v4.Properties["ComputerName"].Value);
            Assert.InRange((int)v4.Properties["Mtu"].Value, 65535, 65536);
            Assert.Equal(65507, v4.Properties["MaxPayload"].Value);
            Assert.Equal(65536, result.Output[1].Properties["Mtu"].Value);
            Assert.Equal(65488, result.Output[1].Properties["MaxPayload"].Value);
        }

        [Fact]
        public void UnknownHostFailsResolution()
        {
            var result = session.Run("Measure-PathMtu " + new string('a', 64) + ".invalid");

            Assert.Equal("NameResolutionFailed", EngineResult.ErrorId(result.SingleError));
        }
    }
}
