using System.Linq;

namespace NetFoundations.PowerShell.Tests
{
    /// <summary>The module's own assemblies stay out of the default load context on PowerShell 7.</summary>
    public class DependencyIsolationTests : IClassFixture<ModuleSession>
    {
        private readonly ModuleSession session;

        public DependencyIsolationTests(ModuleSession session)
        {
            this.session = session;
        }

        [Fact]
        public void Core_loads_in_the_modules_own_load_context()
        {
            var result = session.Run(@"
                $null = (Get-Command Resolve-DnsName2).Parameters['Type'].ParameterType   # a Core type: Core is loaded
                $core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'NetFoundations.Core' }
                foreach ($assembly in $core) { [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($assembly).Name }");
            Assert.Empty(result.Errors);
            Assert.Equal(new[] { "NetFoundations" }, result.Output.Select(o => o.ToString()).Distinct());
        }

        [Fact]
        public void The_cmdlet_assembly_stays_in_the_default_context()
        {
            var result = session.Run(@"
                $cmdlets = (Get-Command -Module NetFoundations | Where-Object CommandType -eq Cmdlet)[0].ImplementingType.Assembly
                [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($cmdlets).Name");
            Assert.Empty(result.Errors);
            Assert.Equal("Default", Assert.Single(result.Output).ToString());
        }
    }
}
