using System;
using System.Collections;
using System.IO;
using System.Management.Automation;
using System.Net;
using System.Threading.Tasks;
using NetFoundations.Core.Servers;

namespace NetFoundations.PowerShell.Servers
{
    /// <summary>
    /// Starts an inetd-style service in the background: a native program or a scriptblock serves a TCP port, run once
    /// per connection (nowait) or once for the listener (-Mode Wait). Returns the server, a TcpServer like Start-TcpServer's.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "InetdService", DefaultParameterSetName = ProgramSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low,
        HelpUri = HelpLinks.Base + "Start-InetdService.md")]
    [OutputType(typeof(TcpServer))]
    public sealed class StartInetdServiceCommand : PipelineCmdlet
    {
        private const string ProgramSet = "Program";
        private const string ScriptBlockSet = "ScriptBlock";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ProgramSet)]
        [ValidateNotNullOrEmpty]
        public string FilePath { get; set; } = "";

        /// <summary>The program's arguments, each one argument as it is: no shell splits or expands them.</summary>
        [Parameter(Position = 1, ParameterSetName = ProgramSet)]
        [ValidateNotNull]
        public string[] ArgumentList { get; set; } = Array.Empty<string>();

        [Parameter(ParameterSetName = ProgramSet)]
        [ValidateNotNullOrEmpty]
        public string? WorkingDirectory { get; set; }

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ScriptBlockSet)]
        [ValidateNotNull]
        public ScriptBlock? ScriptBlock { get; set; }

        /// <summary>Variables every run of the scriptblock sees (the same objects for all: a synchronized hashtable is shared).</summary>
        [Parameter(ParameterSetName = ScriptBlockSet)]
        public IDictionary? Variable { get; set; }

        [Parameter(ParameterSetName = ScriptBlockSet)]
        [ValidateRange(1, 1024)]
        public int MaxRunspaces { get; set; } = Math.Max(2, Environment.ProcessorCount);

        [Parameter(ParameterSetName = ScriptBlockSet)]
        [ValidateRange(1, int.MaxValue)]
        public int MaxLineBytes { get; set; } = InetdServiceOptions.DefaultMaxLineBytes;

        /// <summary>0 picks a free port; the server's LocalPort says which.</summary>
        [Parameter]
        [ValidateRange(0, 65535)]
        public int Port { get; set; }

        [Parameter]
        [ValidateNotNull]
        public IPAddress LocalAddress { get; set; } = IPAddress.Loopback;

        /// <summary>inetd.conf's wait/nowait: a run per connection (Nowait), or one run that serves the listener and accepts clients itself (Wait).</summary>
        [Parameter]
        public InetdMode Mode { get; set; } = InetdMode.Nowait;

        [Parameter]
        [ValidateRange(1, 100000)]
        public int MaxConnections { get; set; } = InetdServiceOptions.DefaultMaxConnections;

        /// <summary>How long a connection may go with no byte moving either way before it is closed and its run stopped.</summary>
        [Parameter]
        [ValidateRange(0.01, 86400.0)]
        public double TimeoutSeconds { get; set; } = 30;

        protected override void ProcessRecord()
        {
            var options = new InetdServiceOptions
            {
                LocalAddress = LocalAddress,
                Port = Port,
                Mode = Mode,
                IdleTimeout = TimeSpan.FromSeconds(TimeoutSeconds),
                MaxConnections = MaxConnections,
                MaxLineBytes = MaxLineBytes,
            };
            if (ParameterSetName == ProgramSet)
            {
                // A path is the shell's (its current location), a bare name is looked up on PATH.
                options.FilePath = FilePath.IndexOfAny(new[] { '/', '\\' }) >= 0
                    ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(FilePath)
                    : FilePath;
                options.Arguments = ArgumentList;
                options.WorkingDirectory = WorkingDirectory == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(WorkingDirectory);
            }
            var target = Core.Endpoints.Format(LocalAddress.ToString(), Port);
            var what = ParameterSetName == ProgramSet ? FilePath : "{ " + ScriptBlock + " }";
            if (!ShouldProcess(target, $"Start the {options.Mode} service '{what}'"))
                return;
            if (ParameterSetName == ScriptBlockSet)
                options.TextHandler = NewHandler();
            var started = false;
            try
            {
                started = Run(_ =>
                {
                    PostObject(InetdService.Start(options));
                    return Task.CompletedTask;
                }, TimeSpan.FromSeconds(10), target);
            }
            finally
            {
                if (!started)
                    (options.TextHandler as IDisposable)?.Dispose();
            }
        }

        private InetdScriptBlockHandler NewHandler()
        {
            var module = MyInvocation.MyCommand.Module;
            var manifest = module == null ? null : Path.Combine(module.ModuleBase, module.Name + ".psd1");
            var pool = new ScriptBlockPool(ScriptBlock!, Mode == InetdMode.Wait ? 1 : MaxRunspaces, Variable, manifest != null && File.Exists(manifest) ? manifest : null);
            return new InetdScriptBlockHandler(pool, "{ " + ScriptBlock!.ToString().Trim() + " }");
        }
    }
}
