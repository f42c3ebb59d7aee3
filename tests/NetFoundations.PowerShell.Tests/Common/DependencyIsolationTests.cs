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
                $null = Get-AddressInfo 127.0.0.1   # runs Core's lookup: Core is loaded
                $core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'NetFoundations.Core' }
                foreach ($assembly in $core) { [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($assembly).Name }");
            Assert.Empty(result.Errors);
            Assert.Equal(new[] { "NetFoundations" }, result.Output.Select(o => o.ToString()).Distinct());
        }

        [Fact]
        public void Core_and_the_user_share_one_copy_of_the_public_types_in_the_default_context()
        {
            // Core (in the module's context) makes the result; the user names its type (resolved in the default context).
            var result = session.Run(@"
                $entry = Get-AddressInfo 127.0.0.1 -Service 25 -SocketType Stream
                $entry -is [NetFoundations.Core.Dns.AddressInfo]
                $types = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'NetFoundations.Types' })
                $types.Count
                [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($types[0]).Name
                [object]::ReferenceEquals($entry.GetType().Assembly, $types[0])
                $core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'NetFoundations.Core' }
                @([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($core).Assemblies | Where-Object { $_.GetName().Name -eq 'NetFoundations.Types' }).Count");
            Assert.Empty(result.Errors);
            Assert.Equal(new object[] { true, 1, "Default", true, 0 }, result.Output.Select(o => o.BaseObject).ToArray());
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

        [Fact]
        public void PowerShell_7_loads_the_dependencies_net8_builds()
        {
            // A refused connection is enough to load SSH.NET and FluentFTP; New-MailMessage loads MimeKit; a ZeroMQ socket NetMQ and AsyncIO.
            var result = session.Run(@"
                $credential = [pscredential]::new('nobody', [Security.SecureString]::new())
                Connect-SshSession 127.0.0.1 -Port 1 -Credential $credential -ErrorAction SilentlyContinue
                Connect-FtpSession 127.0.0.1 -Port 1 -ErrorAction SilentlyContinue
                $null = New-MailMessage -From a@example.test -To b@example.test -Subject s -Body b
                New-MessageSocket Pull -Bind 'inproc://net8-builds' | Close-MessageSocket
                $net8 = [IO.Path]::Combine([IO.Path]::GetDirectoryName((Get-Module NetFoundations).Path), 'dependencies', 'net8.0')
                foreach ($name in 'Renci.SshNet', 'MimeKit', 'FluentFTP', 'NetMQ', 'AsyncIO') {
                    $assembly = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq $name }
                    foreach ($one in $assembly) { [IO.Path]::GetDirectoryName($one.Location) -eq $net8 }
                }");
            Assert.Empty(result.Errors);
            Assert.Equal(new object[] { true, true, true, true, true }, result.Output.Select(o => o.BaseObject).ToArray());
        }

        [Fact]
        public void Polyfills_give_way_to_the_runtimes_own_assemblies()
        {
            // New-MailMessage needs MimeKit, built for netstandard2.0 against the System.Memory and System.Buffers
            // packages, which the module's folder ships for Windows PowerShell.
            var result = session.Run(@"
                $null = New-MailMessage -From a@example.test -To b@example.test -Subject s -Body b
                $shipped = [IO.Path]::Combine([IO.Path]::GetDirectoryName((Get-Module NetFoundations).Path), 'dependencies', 'System.Memory.dll')
                [IO.File]::Exists($shipped)
                foreach ($name in 'System.Memory', 'System.Buffers') {
                    $assembly = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq $name }
                    foreach ($one in $assembly) { [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($one).Name }
                }");
            Assert.Empty(result.Errors);
            Assert.True((bool)result.Output[0].BaseObject);   // the polyfill is there to be passed over
            Assert.Equal(new[] { "Default" }, result.Output.Skip(1).Select(o => o.ToString()).Distinct());
        }
    }
}
