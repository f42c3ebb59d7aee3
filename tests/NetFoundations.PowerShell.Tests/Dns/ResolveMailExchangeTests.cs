using System.Collections.Generic;
using System.Linq;
using System.Net;
using NetFoundations.Tests.Dns;

namespace NetFoundations.PowerShell.Tests.Dns
{
    public sealed class ResolveMailExchangeTests : IClassFixture<ModuleSession>, IClassFixture<BindServer>
    {
        private readonly ModuleSession session;
        private readonly BindServer bind;

        public ResolveMailExchangeTests(ModuleSession session, BindServer bind)
        {
            this.session = session;
            this.bind = bind;
        }

        private EngineResult Run(string script) => session.Run(script, new Dictionary<string, object?> { ["server"] = bind.Server });

        [Fact]
        public void ExchangesComeInPreferenceOrderWithAddresses()
        {
            var result = Run("Resolve-MailExchange example.test -Server $server");
            Assert.Empty(result.Errors);
            Assert.Equal(new[] { "mail1.example.test", "mail2.example.test", "mailalias.example.test" },
                result.Output.Select(o => (string)o.Properties["ComputerName"].Value));
            Assert.Contains(IPAddress.Parse("127.0.0.23"), (IEnumerable<IPAddress>)result.Output[2].Properties["Addresses"].Value);
            Assert.Equal(25, (int)result.Output[0].Properties["Port"].Value);
        }

        [Fact]
        public void ImplicitAndNullMxFromThePipeline()
        {
            var result = Run("'nomx.example.test', 'nullmx.example.test' | Resolve-MailExchange -Server $server");
            Assert.Empty(result.Errors);
            Assert.Equal("Implicit", result.Output[0].Properties["Kind"].Value.ToString());
            Assert.True((bool)result.Output[0].Properties["AcceptsMail"].Value);
            Assert.Equal("NullMx", result.Output[1].Properties["Kind"].Value.ToString());
            Assert.False((bool)result.Output[1].Properties["AcceptsMail"].Value);
        }

        [Fact]
        public void MissingDomainIsAnErrorAndTheNextGoesOn()
        {
            var result = Run("'nothere.example.test', 'nomx.example.test' | Resolve-MailExchange -Server $server");
            var error = result.SingleError;
            Assert.Equal("DnsNameNotFound", EngineResult.ErrorId(error));
            Assert.Equal("nothere.example.test", error.TargetObject);
            Assert.Single(result.Output);
        }

        [Fact]
        public void HelpHasSynopsisAndExamples()
        {
            var help = Assert.Single(Run("Get-Help Resolve-MailExchange -Full").Output);
            Assert.Contains("mail exchangers in preference order", help.Properties["Synopsis"].Value.ToString());
            var examples = (System.Management.Automation.PSObject)help.Properties["examples"].Value;
            Assert.True(((object[])examples.Properties["example"].Value).Length >= 2);
        }
    }
}
