using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using PowerShellPipeline = System.Management.Automation.PowerShell;

namespace NetFoundations.Host
{
    /// <summary>Runs scripts and command text in one runspace, printing results through Out-Default.</summary>
    internal sealed class HostSession
    {
        private readonly object gate = new object();
        private PowerShellPipeline? running;

        public HostSession(Runspace runspace, ConsoleHost host)
        {
            Runspace = runspace;
            Host = host;
            Console.CancelKeyPress += (_, e) =>
            {
                lock (gate)
                {
                    if (running == null) return;
                    e.Cancel = true;
                    running.BeginStop(null, null);
                }
            };
        }

        public Runspace Runspace { get; }
        public ConsoleHost Host { get; }

        public int RunFile(string path, IReadOnlyList<string> arguments)
        {
            var full = System.IO.Path.GetFullPath(path);
            if (!System.IO.File.Exists(full))
            {
                Console.Error.WriteLine($"nfhost: the script '{path}' does not exist.");
                return 64;
            }
            return Run(ps =>
            {
                ps.AddCommand(full);
                for (var i = 0; i < arguments.Count; i++)
                {
                    var argument = arguments[i];
                    if (argument.Length > 1 && argument[0] == '-' && !double.TryParse(argument, out _))
                    {
                        var colon = argument.IndexOf(':');
                        if (colon > 0)
                            ps.AddParameter(argument.Substring(1, colon - 1), argument.Substring(colon + 1));
                        else if (i + 1 < arguments.Count && !(arguments[i + 1].StartsWith("-", StringComparison.Ordinal) && !double.TryParse(arguments[i + 1], out _)))
                            ps.AddParameter(argument.Substring(1), arguments[++i]);
                        else
                            ps.AddParameter(argument.Substring(1));
                    }
                    else
                    {
                        ps.AddArgument(argument);
                    }
                }
            });
        }

        public int RunText(string text) => Run(ps => ps.AddScript(text));

        private int Run(Action<PowerShellPipeline> build)
        {
            Runspace.SessionStateProxy.SetVariable("LASTEXITCODE", 0);
            using var ps = PowerShellPipeline.Create();
            ps.Runspace = Runspace;
            build(ps);
            ps.AddCommand("Out-Default");
            ps.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
            lock (gate) { running = ps; }
            try
            {
                ps.Invoke();
            }
            catch (RuntimeException e)
            {
                Report(e.ErrorRecord);
                return 1;
            }
            catch (Exception e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
            finally
            {
                lock (gate) { running = null; }
            }
            if (ps.InvocationStateInfo.State == PSInvocationState.Stopped)
                return 130;
            var last = Runspace.SessionStateProxy.GetVariable("LASTEXITCODE");
            return last is int code ? code : 0;
        }

        private static void Report(ErrorRecord error)
        {
            Console.Error.WriteLine(error.ToString());
            var position = error.InvocationInfo?.PositionMessage;
            if (!string.IsNullOrEmpty(position))
                Console.Error.WriteLine(position);
        }
    }
}
