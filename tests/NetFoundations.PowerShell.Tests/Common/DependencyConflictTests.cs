using System;
using System.IO;
using NetFoundations.Tests.Dns;

namespace NetFoundations.PowerShell.Tests
{
    /// <summary>
    /// The complaint against Posh-SSH, Mailozaurr and DnsClient-PS: another module has loaded a
    /// different version of a shared dependency first. Here that module is DnsClient 1.6.1 loaded
    /// into the default context of a fresh engine; the module must still run on its own 1.8.0.
    /// </summary>
    public sealed class DependencyConflictTests : IClassFixture<ModuleSession>, IClassFixture<BindServer>
    {
        private readonly ModuleSession session;
        private readonly BindServer bind;

        public DependencyConflictTests(ModuleSession session, BindServer bind)
        {
            this.session = session;
            this.bind = bind;
        }

        [Fact]
        public void A_cmdlet_runs_on_its_own_dependency_when_another_version_is_loaded_first()
        {
            var other = Path.Combine(AppContext.BaseDirectory, "OtherModule", "DnsClient.dll");
            Assert.True(File.Exists(other), "the other version of DnsClient was not copied: " + other);
            var script = $@"
                $other = [Reflection.Assembly]::LoadFrom('{other}')
                Import-Module '{session.ManifestPath}'
                $record = Resolve-DnsName2 www.example.test -Server {bind.Server} -ErrorAction Stop
                'address=' + $record[0].Address
                [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object {{ $_.GetName().Name -eq 'DnsClient' }} | ForEach-Object {{
                    'loaded=' + [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name + '/' + $_.GetName().Version.ToString(2)
                }}";
            var run = PwshProcess.Run(script);

            Assert.True(run.ExitCode == 0, run.Output + run.Error);
            Assert.Contains("address=127.0.0.11", run.Output);
            Assert.Contains("loaded=Default/1.6", run.Output);
            Assert.Contains("loaded=NetFoundations/1.8", run.Output);
        }
    }
}
