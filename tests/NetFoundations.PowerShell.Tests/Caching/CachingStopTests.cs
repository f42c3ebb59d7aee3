using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Tests;

namespace NetFoundations.PowerShell.Tests.Caching
{
    /// <summary>Ctrl+C on a memcached cmdlet: only a hosted engine can stop a pipeline as the console does (PowerShell.Stop).</summary>
    public sealed class CachingStopTests : IClassFixture<ModuleSession>
    {
        /// <summary>PipelineCmdlet's grace: how long cancelled work may take to end.</summary>
        private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);
        private readonly ModuleSession session;

        public CachingStopTests(ModuleSession session)
        {
            this.session = session;
        }

        [Fact]
        public void CtrlCStopsAGetFromAStallingServerAndClosesItsConnection()
        {
            // The server accepts (so Connect-Memcached succeeds), reads the get and never answers.
            using var server = new HostileServer((_, stop) => Task.Delay(Timeout.Infinite, stop));
            using var script = new RunningScript(session,
                "$s = Connect-Memcached \"127.0.0.1:$port\"; Get-MemcachedItem -Session $s -Key k -TimeoutSeconds 600",
                new Dictionary<string, object?> { ["port"] = server.Port });
            script.WaitUntilRunning(TimeSpan.FromSeconds(1));
            Assert.False(server.Closed.IsCompleted, "the connection closed before Ctrl+C");

            var took = script.Stop(TimeSpan.FromSeconds(10));

            Assert.Equal(PSInvocationState.Stopped, script.State);
            Assert.True(took < Grace, $"Ctrl+C took {took.TotalSeconds:0.0} s, more than the {Grace.TotalSeconds} s grace");
            Assert.True(server.Closed.Wait(Grace), "the connection to the server was left open after Ctrl+C");
        }

        [Fact]
        public void AGetFromATricklingServerIsATimeoutAtItsDeadline()
        {
            // A VALUE line, then its data a byte every 200 ms: every read gets something, so only the whole get's deadline ends it.
            using var server = new HostileServer(async (stream, stop) =>
            {
                await Task.Delay(500, stop); // after Connect-Memcached, before the get
                await stream.WriteAsync("VALUE k 0 1000\r\n"u8.ToArray(), stop);
                while (true)
                {
                    await stream.WriteAsync("x"u8.ToArray(), stop);
                    await Task.Delay(200, stop);
                }
            });
            var clock = System.Diagnostics.Stopwatch.StartNew();

            var result = session.Run("$s = Connect-Memcached \"127.0.0.1:$port\"; Get-MemcachedItem -Session $s -Key k -TimeoutSeconds 2",
                new Dictionary<string, object?> { ["port"] = server.Port });

            Assert.Equal("OperationTimedOut", EngineResult.ErrorId(result.SingleError));
            Assert.Contains("within 2 s", result.SingleError.Exception.Message);
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2) + Grace + TimeSpan.FromSeconds(1));
            Assert.True(server.Closed.Wait(Grace), "the connection to the server was left open after the timeout");
        }
    }
}
