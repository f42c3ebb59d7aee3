using System.Collections.Generic;
using System.IO;

namespace NetFoundations.PowerShell.Tests
{
    /// <summary>
    /// The base cmdlet owns the deadline: work that ignores its CancellationToken (as a library's blocking call can)
    /// does not hold the command past its timeout, or past Ctrl+C, by more than the grace. No real cmdlet's work
    /// ignores its token on purpose, so a cmdlet made for the test (compiled in pwsh with Add-Type) stands in for one.
    /// </summary>
    public sealed class DeadlineTests : IClassFixture<ModuleSession>
    {
        private const string StubbornCmdlet = @"
using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

[Cmdlet(""Invoke"", ""StubbornWork"")]
public sealed class InvokeStubbornWorkCommand : NetFoundations.PowerShell.NetworkCmdlet
{
    public static readonly ManualResetEventSlim Release = new ManualResetEventSlim();

    [Parameter] public double TimeoutSeconds { get; set; }

    protected override void ProcessRecord()
    {
        // Blocks without looking at the token, until the test releases it.
        if (Run(_ => Task.Run(() => { Release.Wait(); }), TimeSpan.FromSeconds(TimeoutSeconds), ""stubborn""))
            WriteObject(""finished"");
    }
}";

        private readonly ModuleSession session;

        public DeadlineTests(ModuleSession session) => this.session = session;

        private PwshRun RunWithStubbornCmdlet(string script)
        {
            var folder = Path.GetDirectoryName(session.ManifestPath)!;
            var source = Path.Combine(Path.GetTempPath(), "stubborn-" + System.Guid.NewGuid().ToString("N") + ".cs");
            File.WriteAllText(source, StubbornCmdlet);
            try
            {
                return PwshProcess.Run($@"
                    $ErrorActionPreference = 'Stop'
                    Import-Module '{session.ManifestPath}'
                    $references = 'System.Runtime', 'System.Threading', 'System.Threading.Tasks', 'netstandard', [psobject].Assembly.Location, '{Path.Combine(folder, "NetFoundations.PowerShell.dll")}', '{Path.Combine(folder, "dependencies", "NetFoundations.Core.dll")}'
                    $assembly = (Add-Type -Path '{source}' -ReferencedAssemblies $references -IgnoreWarnings -PassThru)[0].Assembly
                    Import-Module -Assembly $assembly
                    {script}");
            }
            finally
            {
                File.Delete(source);
            }
        }

        [Fact]
        public void Work_that_ignores_cancellation_ends_in_OperationTimedOut_within_the_grace()
        {
            var run = RunWithStubbornCmdlet(@"
                $watch = [Diagnostics.Stopwatch]::StartNew()
                $result = Invoke-StubbornWork -TimeoutSeconds 1 -ErrorVariable failures -ErrorAction SilentlyContinue
                'elapsed=' + [int]$watch.Elapsed.TotalMilliseconds
                'result=' + $result
                'error=' + $failures[0].FullyQualifiedErrorId
                'category=' + $failures[0].CategoryInfo.Category
                [InvokeStubbornWorkCommand]::Release.Set()");

            Assert.True(run.ExitCode == 0, run.Output + run.Error);
            var lines = new List<string>(run.Output.Split('\n'));
            var elapsed = int.Parse(lines.Find(l => l.StartsWith("elapsed="))!.Substring(8));
            Assert.InRange(elapsed, 900, 1000 + 2000 + 1000);
            Assert.Contains("result=", lines);
            Assert.Contains(lines, l => l.StartsWith("error=OperationTimedOut,"));
            Assert.Contains("category=OperationTimeout", lines);
        }

        [Fact]
        public void Ctrl_C_returns_within_the_grace_even_when_the_work_ignores_it()
        {
            // Ctrl+C as the console host gives it: Stop() on the running pipeline, from another thread.
            var run = RunWithStubbornCmdlet(@"
                $ps = [PowerShell]::Create()
                $null = $ps.AddCommand('Import-Module').AddParameter('Assembly', $assembly).AddStatement().
                    AddCommand('Invoke-StubbornWork').AddParameter('TimeoutSeconds', 60)
                $running = $ps.BeginInvoke()
                Start-Sleep -Milliseconds 500
                $watch = [Diagnostics.Stopwatch]::StartNew()
                $ps.Stop()
                'stopped=' + [int]$watch.Elapsed.TotalMilliseconds
                'state=' + $ps.InvocationStateInfo.State
                [InvokeStubbornWorkCommand]::Release.Set()");

            Assert.True(run.ExitCode == 0, run.Output + run.Error);
            var lines = new List<string>(run.Output.Split('\n'));
            Assert.Contains("state=Stopped", lines);
            Assert.InRange(int.Parse(lines.Find(l => l.StartsWith("stopped="))!.Substring(8)), 0, 2000 + 1000);
        }
    }
}
