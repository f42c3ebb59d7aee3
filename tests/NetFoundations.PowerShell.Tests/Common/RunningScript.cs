using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.PowerShell.Tests
{
    /// <summary>
    /// A script started in a runspace of its own with the module imported, for tests that stop it
    /// while it runs, as Ctrl+C does.
    /// </summary>
    public sealed class RunningScript : IDisposable
    {
        private readonly Runspace runspace;
        private readonly System.Management.Automation.PowerShell shell;
        private readonly IAsyncResult running;

        public RunningScript(ModuleSession session, string script, IDictionary<string, object?>? variables = null)
        {
            var state = InitialSessionState.CreateDefault2();
            state.ImportPSModule(new[] { session.ManifestPath });
            runspace = RunspaceFactory.CreateRunspace(state);
            runspace.Open();
            foreach (var pair in variables ?? new Dictionary<string, object?>())
                runspace.SessionStateProxy.SetVariable(pair.Key, pair.Value);
            shell = System.Management.Automation.PowerShell.Create();
            shell.Runspace = runspace;
            shell.AddScript(script);
            running = shell.BeginInvoke();
        }

        public PSInvocationState State => shell.InvocationStateInfo.State;

        /// <summary>Waits (bounded) until the script is running, then as long again as <paramref name="settle"/>.</summary>
        public void WaitUntilRunning(TimeSpan settle)
        {
            var clock = Stopwatch.StartNew();
            while (State != PSInvocationState.Running && clock.Elapsed < TimeSpan.FromSeconds(10))
                Thread.Sleep(20);
            Thread.Sleep(settle);
        }

        /// <summary>Stops the pipeline as Ctrl+C does and returns how long that took; fails when it takes longer than the limit.</summary>
        public TimeSpan Stop(TimeSpan limit)
        {
            var clock = Stopwatch.StartNew();
            var stop = Task.Run(() => shell.Stop());
            // Stop returning at all is the point; the bound only keeps a broken Stop from hanging the run.
            Assert.True(stop.Wait(limit) && running.AsyncWaitHandle.WaitOne(limit), $"The pipeline did not stop within {limit.TotalSeconds} s.");
            return clock.Elapsed;
        }

        /// <summary>Runs another script in the same runspace (after a stop, say) and returns its output; fails when it takes longer than the limit.</summary>
        public IReadOnlyList<PSObject> RunAfterwards(string script, TimeSpan limit)
        {
            using var next = System.Management.Automation.PowerShell.Create();
            next.Runspace = runspace;
            next.AddScript(script);
            var run = Task.Run(() => next.Invoke());
            Assert.True(run.Wait(limit), $"The script did not finish within {limit.TotalSeconds} s.");
            Assert.Empty(next.Streams.Error);
            return run.Result;
        }

        public void Dispose()
        {
            shell.Dispose();
            runspace.Dispose();
        }
    }
}
