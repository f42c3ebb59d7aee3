using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.PowerShell.Servers
{
    /// <summary>
    /// Runs a user's scriptblock for a server, many at once, in a bounded pool of runspaces of its own: a server's
    /// connections are served on the thread pool, never on the pipeline thread of the shell that started it (which may
    /// be busy or gone). The scriptblock is carried over as its text, so it sees no variable of the caller's scope;
    /// what it needs comes as the pool's variables (shared objects, the same for every run) or as each run's variables
    /// and arguments.
    /// </summary>
    internal sealed class ScriptBlockPool : IDisposable
    {
        private const string Function = "Invoke-NetFoundationsServerScript";

        // The user's scriptblock, as a literal inside a function defined once per runspace: parsed once, and given each
        // run's variables in a scope of its own. With pipeline input it runs as a pipeline's command ($input, process {}).
        private const string Wrapper = @"
param([System.Collections.IDictionary] $NetFoundationsVariables, [object[]] $NetFoundationsArguments, [switch] $NetFoundationsPiped)
foreach ($NetFoundationsName in $NetFoundationsVariables.Keys) {
    Set-Variable -Name $NetFoundationsName -Value $NetFoundationsVariables[$NetFoundationsName]
}
if ($null -eq $NetFoundationsArguments) { $NetFoundationsArguments = @() }
$NetFoundationsScript = {
{0}
}
if ($NetFoundationsPiped) { $input | & $NetFoundationsScript @NetFoundationsArguments }
else { & $NetFoundationsScript @NetFoundationsArguments }
";

        private readonly RunspacePool pool;

        /// <param name="variables">Set in every runspace, the same objects for every run (a synchronized hashtable is shared by all).</param>
        /// <param name="modulePath">A module every runspace imports (this one, so the scriptblock can use its cmdlets), or null.</param>
        public ScriptBlockPool(ScriptBlock script, int maxRunspaces, IDictionary? variables, string? modulePath = null)
        {
            var state = InitialSessionState.CreateDefault2();
            if (modulePath != null)
                state.ImportPSModule(new[] { modulePath });
            if (variables != null)
            {
                foreach (DictionaryEntry variable in variables)
                    state.Variables.Add(new SessionStateVariableEntry(variable.Key.ToString(), variable.Value, null));
            }
            state.Commands.Add(new SessionStateFunctionEntry(Function, Wrapper.Replace("{0}", script.ToString())));
            pool = RunspaceFactory.CreateRunspacePool(state);
            pool.SetMaxRunspaces(maxRunspaces);
            // Each run on the runspace's own thread, kept between runs, rather than a new thread per run.
            pool.ThreadOptions = PSThreadOptions.ReuseThread;
            pool.Open();
        }

        /// <summary>
        /// Runs the scriptblock once, with variables set and arguments passed by position; input (when given) is streamed
        /// in as it comes and must be completed by the caller; what it outputs arrives in output as it comes. Ends with
        /// the run: a terminating error is thrown as a RuntimeException, a cancelled run as OperationCanceledException.
        /// Returns the run's non-terminating errors.
        /// </summary>
        public Task<IReadOnlyList<ErrorRecord>> InvokeAsync(IDictionary<string, object?> variables, PSDataCollection<PSObject>? input,
            PSDataCollection<PSObject> output, CancellationToken cancel, IList? arguments = null)
        {
            cancel.ThrowIfCancellationRequested();
            var shell = System.Management.Automation.PowerShell.Create();
            shell.RunspacePool = pool;
            shell.AddCommand(Function)
                .AddParameter("NetFoundationsVariables", new Hashtable(new Dictionary<string, object?>(variables), StringComparer.OrdinalIgnoreCase))
                .AddParameter("NetFoundationsArguments", arguments == null ? null : ToArray(arguments))
                .AddParameter("NetFoundationsPiped", input != null);
            if (input == null)
            {
                input = new PSDataCollection<PSObject>();
                input.Complete();
            }
            var completion = new TaskCompletionSource<IReadOnlyList<ErrorRecord>>(TaskCreationOptions.RunContinuationsAsynchronously);
            var stop = cancel.Register(() => shell.BeginStop(null, null));
            shell.BeginInvoke(input, output, null, running =>
            {
                try
                {
                    shell.EndInvoke(running);
                    if (cancel.IsCancellationRequested)
                        completion.TrySetCanceled(cancel);
                    else
                        completion.TrySetResult(new List<ErrorRecord>(shell.Streams.Error));
                }
                catch (Exception) when (cancel.IsCancellationRequested)
                {
                    completion.TrySetCanceled(cancel);
                }
                catch (Exception e)
                {
                    completion.TrySetException(e);
                }
                finally
                {
                    stop.Dispose();
                    shell.Dispose();
                }
            }, null);
            return completion.Task;
        }

        /// <summary>Closes the pool without waiting: runs still going are stopped by their own cancellation.</summary>
        public void Dispose() => pool.BeginClose(ar =>
        {
            try
            {
                pool.EndClose(ar);
            }
            catch (Exception)
            {
                // Closing what a stop left behind: nothing to report to anyone.
            }
            pool.Dispose();
        }, null);

        private static object?[] ToArray(IList list)
        {
            var array = new object?[list.Count];
            list.CopyTo(array, 0);
            return array;
        }
    }
}
