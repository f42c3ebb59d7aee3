using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using NetFoundations.Core.Tests.Tcp;

using NetFoundations.Core.Tests.Ssh;

namespace NetFoundations.PowerShell.Tests.Ssh
{
    public sealed class SshTunnelCmdletTests : IClassFixture<ModuleSession>, IClassFixture<SshServer>
    {
        private readonly ModuleSession session;
        private readonly SshServer server;

        public SshTunnelCmdletTests(ModuleSession session, SshServer server)
        {
            this.session = session;
            this.server = server;
        }

        private static object? Property(PSObject value, string name) => value.Properties[name]?.Value;

        private EngineResult Run(string script, int echoPort, int busyPort = 0) =>
            session.Run(@"$s = Connect-SshSession 127.0.0.1 -Port $port -Credential $cred -KnownHostsPath $kh
                " + script, new Dictionary<string, object?>
            {
                ["port"] = server.Port,
                ["cred"] = server.PSCredential(),
                ["kh"] = server.NewKnownHosts(server.KnownHostsLine()),
                ["echo"] = echoPort,
                ["busy"] = busyPort,
            });

        [Fact]
        public void LocalAndRemoteTunnelsCarryBytesUntilRemoved()
        {
            using var echo = new TcpPeer("tcp_echo.py");

            var result = Run(@"$local = $s | New-SshTunnel -RemoteHost 127.0.0.1 -RemotePort $echo
                $remote = New-SshTunnel -Session $s -Remote -LocalPort $echo
                $local, $remote
                (Invoke-TcpConversation 127.0.0.1 $local.BoundPort 'via local|' -Delimiter '|' -FrameCount 1).Messages
                (Invoke-TcpConversation 127.0.0.1 $remote.BoundPort 'via remote|' -Delimiter '|' -FrameCount 1).Messages
                @(Get-SshTunnel $s).Count
                Get-SshTunnel $s | Remove-SshTunnel -Verbose
                @(Get-SshTunnel $s).Count
                $local.IsStarted, $remote.IsStarted
                Disconnect-SshSession $s", echo.Port);

            Assert.Empty(result.Errors);
            var (local, remote) = (result.Output[0], result.Output[1]);
            Assert.Equal("NetFoundations.Core.Ssh.SshTunnel", local.TypeNames[0]);
            Assert.Equal("Local", Property(local, "Kind")!.ToString());
            Assert.Equal("Remote", Property(remote, "Kind")!.ToString());
            Assert.All(new[] { local, remote }, t =>
            {
                Assert.Equal("127.0.0.1", Property(t, "ComputerName"));
                Assert.Equal("127.0.0.1", Property(t, "BoundHost"));
                Assert.NotEqual(0, (int)Property(t, "BoundPort")!);
                Assert.Equal(echo.Port, Property(t, "DestinationPort"));
                Assert.Equal(1, Property(t, "Connections"));
            });
            Assert.Equal(new object[] { "via local", "via remote", 2, 0, false, false }, result.Output.Skip(2).Select(o => o.BaseObject));
            Assert.Equal(2, result.Verbose.Count(v => v.Contains("tunnel stopped")));
        }

        [Fact]
        public void PortsThatCannotBeListenedOnAndSecondRemovalsAreTypedErrors()
        {
            using var echo = new TcpPeer("tcp_echo.py");
            using var busy = new TcpListener(IPAddress.Loopback, 0);
            busy.Start();

            var result = Run(@"New-SshTunnel -Session $s -RemoteHost 127.0.0.1 -RemotePort 22 -LocalPort $busy
                New-SshTunnel -Session $s -Remote -RemotePort 1 -LocalPort $echo
                $t = New-SshTunnel -Session $s -Dynamic
                Remove-SshTunnel $t
                Remove-SshTunnel $t
                @(Get-SshTunnel $s).Count
                Disconnect-SshSession $s", echo.Port, ((IPEndPoint)busy.LocalEndpoint).Port);

            Assert.Equal(new[] { "InvalidRequest", "RemoteError", "InvalidRequest" }, result.Errors.Select(EngineResult.ErrorId));
            Assert.Equal(ErrorCategory.InvalidArgument, result.Errors[0].CategoryInfo.Category);
            Assert.Contains("in use", result.Errors[0].Exception.Message);
            Assert.Equal("NetFoundations.Core.Ssh.SshTunnel", PSObject.AsPSObject(result.Errors[2].TargetObject).TypeNames[0]);
            Assert.Equal(0, Assert.Single(result.Output).BaseObject);
        }

        [Fact]
        public void WhatIfStartsNothingAndDisconnectStopsTheTunnels()
        {
            var result = Run(@"New-SshTunnel -Session $s -Dynamic -WhatIf
                @(Get-SshTunnel $s).Count
                $t = $s | New-SshTunnel -Dynamic
                $t.IsStarted
                Disconnect-SshSession $s
                $t.IsStarted
                @(Get-SshTunnel $s).Count
                $t.BoundPort", 0);

            Assert.Empty(result.Errors);
            Assert.Equal(new object[] { 0, true, false, 0 }, result.Output.Take(4).Select(o => o.BaseObject));
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            var refused = Assert.Throws<SocketException>(() => probe.Connect(IPAddress.Loopback, (int)result.Output[4].BaseObject));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }

        [Theory]
        [InlineData("New-SshTunnel")]
        [InlineData("Get-SshTunnel")]
        [InlineData("Remove-SshTunnel")]
        public void HelpHasASynopsisAndExamples(string cmdlet)
        {
            var result = session.Run($"$h = Get-Help {cmdlet} -Full; $h.Synopsis; @($h.examples.example).Count");

            Assert.Empty(result.Errors);
            Assert.False(string.IsNullOrWhiteSpace((string)result.Output[0].BaseObject));
            Assert.DoesNotContain(cmdlet + " ", (string)result.Output[0].BaseObject);
            Assert.True((int)result.Output[1].BaseObject >= 2);
        }
    }
}
