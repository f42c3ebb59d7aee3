using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using PowerShellPipeline = System.Management.Automation.PowerShell;

namespace NetFoundations.Host
{
    /// <summary>Runs scripts and command text in one runspace, printing results through Out-Default.</summary>
    internal sealed class HostSession
    {
        public const int UsageError = 64;

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

        /// <summary>Keeps ANSI escapes out of files and pipes.</summary>
        public void UsePlainTextOutput() => RunText("$PSStyle.OutputRendering = 'PlainText'");

        public int RunFile(string path, IReadOnlyList<string> arguments)
        {
            var full = System.IO.Path.GetFullPath(path);
            if (!System.IO.File.Exists(full))
            {
                Console.Error.WriteLine($"nfhost: the script file '{path}' does not exist.");
                return UsageError;
            }
            var script = (ExternalScriptInfo)Runspace.SessionStateProxy.InvokeCommand.GetCommand(full, CommandTypes.ExternalScript);
            IReadOnlyList<ScriptArgument> bound;
            try
            {
                bound = ScriptArguments.Bind(arguments, script.Parameters.ToDictionary(p => p.Key, p => p.Value));
            }
            catch (Exception e) when (e is ParseException || e is RuntimeException)
            {
                // the script does not parse: report it the same way as other terminating errors
                return Run(ps => ps.AddCommand(full));
            }
            return Run(ps =>
            {
                ps.AddCommand(full);
                foreach (var argument in bound)
                {
                    if (argument.Name == null) ps.AddArgument(argument.Value);
                    else if (argument.IsSwitch) ps.AddParameter(argument.Name);
                    else ps.AddParameter(argument.Name, argument.Value);
                }
            }, rethrowExit: true);
        }

        public int RunText(string text) => Run(ps => ps.AddScript(text));

        private int Run(Action<PowerShellPipeline> build, bool rethrowExit = false)
        {
            Runspace.SessionStateProxy.SetVariable("LASTEXITCODE", 0);
            using var ps = PowerShellPipeline.Create();
            ps.Runspace = Runspace;
            build(ps);
            ps.AddCommand("Out-Default");
            ps.Streams.Error.DataAdded += (_, e) => Report(ps.Streams.Error[e.Index]);
            lock (gate) { running = ps; }
            ShouldRethrowExit(rethrowExit);
            try
            {
                ps.Invoke();
            }
            catch (ExitException e)
            {
                return e.Argument is int code ? code : 0;
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
                ShouldRethrowExit(false);
                lock (gate) { running = null; }
            }
            if (ps.InvocationStateInfo.State == PSInvocationState.Stopped)
                return 130;
            if (rethrowExit)
                return 0;
            var last = Runspace.SessionStateProxy.GetVariable("LASTEXITCODE");
            return last is int exitCode ? exitCode : 0;
        }

        /// <summary>
        /// pwsh's -File rule: `exit N` in the script ends the process with N, normal termination with 0.
        /// The engine reports a script's exit to the host only when this (internal) switch is on, as pwsh sets it.
        /// </summary>
        private void ShouldRethrowExit(bool value)
        {
            var flags = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
            var intrinsics = Runspace.SessionStateProxy.GetVariable("ExecutionContext");
            var context = intrinsics?.GetType().GetField("_context", flags)?.GetValue(intrinsics);
            context?.GetType().GetProperty("ScriptCommandProcessorShouldRethrowExit", flags)?.SetValue(context, value);
        }

        /// <summary>An error in one or two lines: "Command: message", then where it happened in a script.</summary>
        internal static string Format(ErrorRecord error)
        {
            var message = error.ErrorDetails?.Message;
            if (string.IsNullOrEmpty(message))
                message = error.Exception?.Message ?? error.ToString();
            var command = error.InvocationInfo?.MyCommand?.Name;
            var text = string.IsNullOrEmpty(command) || command.EndsWith(".ps1", StringComparison.OrdinalIgnoreCase) ? message : $"{command}: {message}";
            var script = error.InvocationInfo?.ScriptName;
            if (!string.IsNullOrEmpty(script))
                text += $"{Environment.NewLine}  at {script}:{error.InvocationInfo!.ScriptLineNumber} char:{error.InvocationInfo.OffsetInLine}";
            return text;
        }

        private static void Report(ErrorRecord error) => Console.Error.WriteLine(Format(error));
    }
}
