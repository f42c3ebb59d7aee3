using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace NetFoundations.PowerShell.Tests.Telnet
{
    /// <summary>Debian's telnetd on 127.0.0.1 under socat, started by tests/servers/telnet/start-telnetd.sh; killed on Dispose.</summary>
    public sealed class TelnetServer : IDisposable
    {
        private readonly Process process;

        public TelnetServer()
        {
            var start = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true };
            start.ArgumentList.Add(Path.Combine(ModuleSession.RepositoryRoot(), "tests", "servers", "telnet", "start-telnetd.sh"));
            process = Process.Start(start)!;
            var lines = Enumerable.Range(0, 3).Select(_ => process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("start-telnetd.sh ended.")).ToArray();
            Port = int.Parse(lines[0].Split('=')[1]);
            UserName = lines[1].Split('=')[1];
            Password = lines[2].Split('=', 2)[1];
            for (var attempt = 0; attempt < 100; attempt++)
            {
                try
                {
                    using var probe = new TcpClient();
                    probe.Connect(IPAddress.Loopback, Port);
                    return;
                }
                catch (SocketException)
                {
                    Thread.Sleep(100);
                }
            }
            throw new InvalidOperationException("telnetd did not start listening.");
        }

        public int Port { get; }
        public string UserName { get; }
        public string Password { get; }

        public PSCredential Credential(string? password = null) =>
            new PSCredential(UserName, new NetworkCredential(string.Empty, password ?? Password).SecurePassword);

        public void Dispose()
        {
            if (!process.HasExited)
                process.Kill(true);
            process.WaitForExit(10_000);
            process.Dispose();
        }
    }

    public sealed class InvokeTelnetCommandTests : IClassFixture<ModuleSession>, IClassFixture<TelnetServer>
    {
        private readonly ModuleSession session;
        private readonly TelnetServer server;

        public InvokeTelnetCommandTests(ModuleSession session, TelnetServer server)
        {
            this.session = session;
            this.server = server;
        }

        [Fact]
        public void RunsACommandAndShowsTheNegotiationUnderVerbose()
        {
            var result = session.Run("Invoke-TelnetCommand 127.0.0.1 -Port $port -Credential $cred -Command 'echo $TERM' -TerminalType vt220 -Verbose",
                new Dictionary<string, object?> { ["port"] = server.Port, ["cred"] = server.Credential() });

            Assert.Empty(result.Errors);
            var output = Assert.Single(result.Output);
            Assert.Equal("NetFoundations.Core.Telnet.TelnetCommandResult", output.TypeNames[0]);
            Assert.Equal("vt220", output.Properties["Output"].Value);
            Assert.Contains(result.Verbose, v => v.EndsWith("-> IAC SB TTYPE IS vt220 IAC SE", StringComparison.Ordinal));
            Assert.DoesNotContain(result.Verbose, v => v.Contains(server.Password));
        }

        [Fact]
        public void AWrongPasswordIsAnAuthenticationError()
        {
            var result = session.Run("Invoke-TelnetCommand 127.0.0.1 -Port $port -Credential $cred -Command 'true'",
                new Dictionary<string, object?> { ["port"] = server.Port, ["cred"] = server.Credential("wrong") });

            Assert.Equal("AuthenticationFailed", EngineResult.ErrorId(result.SingleError));
        }

        [Fact]
        public void HelpHasASynopsisAndExamples()
        {
            var result = session.Run("$h = Get-Help Invoke-TelnetCommand -Full; $h.Synopsis; @($h.examples.example).Count");

            Assert.StartsWith("Logs in over Telnet", (string)result.Output[0].BaseObject);
            Assert.True((int)result.Output[1].BaseObject >= 2);
        }
    }
}
