using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Rpc;
using NetFoundations.PowerShell.Servers;

namespace NetFoundations.PowerShell.Rpc
{
    /// <summary>
    /// An RPC server's methods written in PowerShell, as Core's RpcMethods: scriptblocks (their param block gives the
    /// parameters, their comment-based help the help) and existing commands (their parameters and Get-Help). They run in
    /// one bounded ScriptBlockPool, never on the shell's own thread, and without a pipeline per call: each runspace runs
    /// one worker script for the server's life, which takes calls from a queue, runs the method (picked by number,
    /// the call's arguments splatted into it: by position, or by name from a hashtable) and hands back its output. A
    /// call costs a scriptblock invocation rather than a PowerShell instance, which is what makes a scriptblock server
    /// several times faster than Python's. Anything a method throws or writes to the error stream makes its call a
    /// fault; a thrown RpcFaultException gives its own code. A call past its time stops its worker, which is replaced.
    /// </summary>
    internal sealed class RpcServerMethods : IDisposable
    {
        private const string WorkerVariable = "NetFoundationsRpcWorker";

        /// <summary>Common parameters are the shell's, not the method's: left out of signatures and refused as names.</summary>
        private static readonly HashSet<string> Common = new HashSet<string>(
            new[]
            {
                "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable", "WarningVariable",
                "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable", "WhatIf", "Confirm",
            }, StringComparer.OrdinalIgnoreCase);

        private readonly List<string> cases = new List<string>();
        private readonly List<string> imports = new List<string>();
        private readonly List<string> commands = new List<string>();
        private readonly BlockingCollection<RpcServerCall> queue = new BlockingCollection<RpcServerCall>();
        private readonly CancellationTokenSource closing = new CancellationTokenSource();
        private ScriptBlockPool? pool;
        private volatile Exception? broken;

        public List<RpcMethod> Methods { get; } = new List<RpcMethod>();

        /// <summary>A scriptblock as a method: param block, [Parameter(Mandatory)] and types give its signature; without one it takes any arguments ($args).</summary>
        public void AddScriptBlock(string name, ScriptBlock script)
        {
            var ast = (ScriptBlockAst)script.Ast;
            var parameters = (ast.ParamBlock?.Parameters ?? (IEnumerable<ParameterAst>)Array.Empty<ParameterAst>())
                .Select(p => new RpcParameter(p.Name.VariablePath.UserPath, TypeName(p.StaticType), IsMandatory(p))).ToArray();
            var help = ast.GetHelpContent();
            var text = help == null ? string.Empty
                : string.Join("\n\n", new[] { help.Synopsis, help.Description }.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()));
            Add(name, parameters, text, RpcTypeNames.Any, ast.ParamBlock == null, false, "& {\n" + script + "\n}");
        }

        /// <summary>
        /// An existing cmdlet or function (an alias is followed) as a method: its parameters (common ones left out; the
        /// default parameter set's positional ones first, in order, for calls by position) and Get-Help's synopsis and
        /// description. A function of no module is carried over as its text; a module's command is called by its
        /// module-qualified name, a module not of PowerShell's own or this one imported in each runspace.
        /// </summary>
        public void AddCommand(string name, CommandInfo command, string help)
        {
            while (command is AliasInfo alias && alias.ResolvedCommand != null)
                command = alias.ResolvedCommand;
            var all = command.Parameters.Values.Where(p => !Common.Contains(p.Name)).ToList();
            var defaultSet = command.ParameterSets.FirstOrDefault(s => s.IsDefault) ?? (command.ParameterSets.Count == 1 ? command.ParameterSets[0] : null);
            var order = new List<string>();
            if (defaultSet != null)
            {
                order.AddRange(defaultSet.Parameters.Where(p => p.Position >= 0 && !Common.Contains(p.Name)).OrderBy(p => p.Position).Select(p => p.Name));
                order.AddRange(defaultSet.Parameters.Where(p => p.Position < 0 && !Common.Contains(p.Name)).Select(p => p.Name));
            }
            order.AddRange(all.Select(p => p.Name).Where(n => !order.Contains(n, StringComparer.OrdinalIgnoreCase)));
            // Mandatory is the binder's to say (it depends on the parameter set): all are optional to the dispatcher.
            var parameters = order.Select(n => all.First(p => p.Name.Equals(n, StringComparison.OrdinalIgnoreCase)))
                .Select(p => new RpcParameter(p.Name, TypeName(p.ParameterType))).ToArray();
            var returnType = command.OutputType.Count == 1 ? TypeName(command.OutputType[0].Type) : RpcTypeNames.Any;
            string call;
            if (command is FunctionInfo function && function.Module == null)
                call = "& {\n" + function.ScriptBlock + "\n}";
            else
            {
                if (command.Module != null && !string.IsNullOrEmpty(command.Module.Path) && !IsBuiltIn(command.Module))
                    imports.Add(command.Module.Path);
                // Looked up once per worker (by its module-qualified name), then invoked as the CommandInfo: a lookup per call costs more than the call.
                var qualified = command.Module == null ? command.Name : command.Module.Name + "\\" + command.Name;
                call = "& $NetFoundationsRpcCommand" + commands.Count.ToString(CultureInfo.InvariantCulture);
                commands.Add(qualified);
            }
            // Commands take their arguments by name: their own positions are not the signature's order.
            Add(name, parameters, help, returnType, false, true, call);
        }

        private static bool IsBuiltIn(PSModuleInfo module) =>
            module.Name.StartsWith("Microsoft.PowerShell.", StringComparison.OrdinalIgnoreCase) || module.Name == "NetFoundations";

        private void Add(string name, IReadOnlyList<RpcParameter> parameters, string help, string returnType, bool takesMore, bool named, string call)
        {
            var index = cases.Count;
            cases.Add(call);
            var byPosition = parameters.Select(p => p.Name).ToArray();
            Methods.Add(new RpcMethod(name, parameters, (arguments, cancel) => InvokeAsync(index, Arguments(arguments, byPosition, named), cancel),
                help, returnType, takesMore));
        }

        /// <summary>Starts the runspaces and their workers; the methods are called through them from now on.</summary>
        public void Open(int maxRunspaces, IDictionary? variables, string? modulePath)
        {
            var script = new StringBuilder();
            foreach (var path in imports.Distinct())
                script.Append("Import-Module '").Append(CodeGeneration.EscapeSingleQuotedStringContent(path)).Append("'\n");
            for (var i = 0; i < commands.Count; i++)
                script.Append("$NetFoundationsRpcCommand").Append(i.ToString(CultureInfo.InvariantCulture)).Append(" = Get-Command '")
                    .Append(CodeGeneration.EscapeSingleQuotedStringContent(commands[i])).Append("'\n");
            // Errors a method writes are its call's fault: 'Stop' makes them terminating, so the catch below sees them.
            script.Append("$ErrorActionPreference = 'Stop'\n");
            script.Append("while ($null -ne ($NetFoundationsRpcCall = $").Append(WorkerVariable).Append(".Next())) {\n");
            script.Append("    $NetFoundationsRpcArguments = $NetFoundationsRpcCall.Arguments\n");
            script.Append("    try {\n        $NetFoundationsRpcCall.Succeed(@(switch ($NetFoundationsRpcCall.Method) {\n");
            for (var i = 0; i < cases.Count; i++)
                script.Append("            ").Append(i.ToString(CultureInfo.InvariantCulture)).Append(" { ").Append(cases[i]).Append(" @NetFoundationsRpcArguments }\n");
            script.Append("        }))\n    }\n    catch {\n        $NetFoundationsRpcCall.Fail($_)\n    }\n}\n");
            pool = new ScriptBlockPool(ScriptBlock.Create(script.ToString()), maxRunspaces, variables, modulePath);
            for (var i = 0; i < maxRunspaces; i++)
                StartWorker();
        }

        /// <summary>One worker: a run of the pool's script that serves calls until the server closes, or one of its calls runs past its time.</summary>
        private void StartWorker()
        {
            if (closing.IsCancellationRequested)
                return;
            var worker = new RpcServerWorker(queue, CancellationTokenSource.CreateLinkedTokenSource(closing.Token));
            pool!.InvokeAsync(new Dictionary<string, object?> { [WorkerVariable] = worker }, null, new PSDataCollection<PSObject>(), worker.Token)
                .ContinueWith(run =>
                {
                    worker.Ended();
                    if (worker.TimedOut)
                        StartWorker();
                    else if (!closing.IsCancellationRequested)
                    {
                        // The worker script itself failed (a module that does not import): every call would fail the same way.
                        broken = run.Exception?.GetBaseException() ?? new InvalidOperationException("The server's worker script ended.");
                        while (queue.TryTake(out var left))
                            left.Fail(broken);
                    }
                }, TaskScheduler.Default);
        }

        /// <summary>Positional arguments as an array, named ones (and all of a command's) as a hashtable to splat.</summary>
        private static object Arguments(RpcArguments arguments, string[] byPosition, bool named)
        {
            if (arguments.Named == null && !named)
                return arguments.Positional.Select(ToShell).ToArray();
            var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
            if (arguments.Named != null)
            {
                foreach (var argument in arguments.Named)
                    table[argument.Key] = ToShell(argument.Value);
            }
            else
            {
                for (var i = 0; i < arguments.Positional.Count; i++)
                    table[byPosition[i]] = ToShell(arguments.Positional[i]);
            }
            return table;
        }

        private async Task<object?> InvokeAsync(int index, object arguments, CancellationToken cancel)
        {
            if (broken != null)
                throw broken;
            var call = new RpcServerCall(index, arguments);
            using (cancel.Register(call.Cancel))
            {
                queue.Add(call, cancel);
                var output = await call.Task.ConfigureAwait(false);
                if (output.Length == 0)
                    return null;
                if (output.Length == 1)
                    return RpcValues.ToWire(output[0]);
                return output.Select(o => RpcValues.ToWire(o)).ToArray();
            }
        }

        /// <summary>A call's value as the method sees it: structs as hashtables (which bind to [hashtable] parameters), lists as arrays.</summary>
        private static object? ToShell(object? value)
        {
            switch (value)
            {
                case Dictionary<string, object?> members:
                    var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
                    foreach (var member in members)
                        table[member.Key] = ToShell(member.Value);
                    return table;
                case object?[] items:
                    return items.Select(ToShell).ToArray();
                default:
                    return value;
            }
        }

        private static bool IsMandatory(ParameterAst parameter) =>
            parameter.Attributes.OfType<AttributeAst>().Any(a =>
                a.TypeName.GetReflectionAttributeType() == typeof(ParameterAttribute)
                && a.NamedArguments.Any(n => n.ArgumentName.Equals("Mandatory", StringComparison.OrdinalIgnoreCase)
                    && (n.ExpressionOmitted || (n.Argument is VariableExpressionAst v && v.VariablePath.UserPath.Equals("true", StringComparison.OrdinalIgnoreCase)))));

        private static string TypeName(Type? type) =>
            type == typeof(SwitchParameter) ? "boolean" : RpcTypeNames.Of(type);

        public void Dispose()
        {
            closing.Cancel();
            queue.CompleteAdding();
            while (queue.TryTake(out var left))
                left.Cancel();
            pool?.Dispose();
        }
    }

    /// <summary>
    /// One worker of an RPC server (RpcServerMethods): the object its runspace's script asks for calls. Public only because
    /// PowerShell calls methods of public types alone; not for use outside the server.
    /// </summary>
    public sealed class RpcServerWorker
    {
        private readonly BlockingCollection<RpcServerCall> queue;
        private readonly CancellationTokenSource stop;

        internal RpcServerWorker(BlockingCollection<RpcServerCall> queue, CancellationTokenSource stop)
        {
            this.queue = queue;
            this.stop = stop;
        }

        internal CancellationToken Token => stop.Token;

        /// <summary>Set when the worker was stopped because a call of its ran past its time.</summary>
        internal bool TimedOut { get; private set; }

        /// <summary>The next call to run (waiting for one), or null when the worker is to end.</summary>
        public RpcServerCall? Next()
        {
            try
            {
                while (true)
                {
                    var call = queue.Take(stop.Token);
                    if (call.Start(this))
                        return call;
                }
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }

        internal void StopForTimeout()
        {
            TimedOut = true;
            try
            {
                stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The worker has ended already (the server stopped): nothing left to stop.
            }
        }

        internal void Ended() => stop.Dispose();
    }

    /// <summary>One call waiting for, or running in, an RPC server's worker. Public only for the worker's script.</summary>
    public sealed class RpcServerCall
    {
        private readonly TaskCompletionSource<object?[]> completion = new TaskCompletionSource<object?[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        private RpcServerWorker? worker;
        private bool cancelled;

        internal RpcServerCall(int method, object arguments)
        {
            Method = method;
            Arguments = arguments;
        }

        /// <summary>Which method (its case in the worker's script).</summary>
        public int Method { get; }

        /// <summary>What the method is splatted with: an array (by position) or a hashtable (by name).</summary>
        public object Arguments { get; }

        internal Task<object?[]> Task => completion.Task;

        internal bool Start(RpcServerWorker by)
        {
            lock (completion)
            {
                if (cancelled)
                    return false;
                worker = by;
                return true;
            }
        }

        public void Succeed(object?[] output) => completion.TrySetResult(output ?? Array.Empty<object?>());

        public void Fail(ErrorRecord error) => Fail(error.Exception);

        internal void Fail(Exception error) => completion.TrySetException(Unwrap(error));

        /// <summary>Past its time or the server stopping: a waiting call is dropped, a running one stops its worker.</summary>
        internal void Cancel()
        {
            RpcServerWorker? running;
            lock (completion)
            {
                cancelled = true;
                running = worker;
            }
            completion.TrySetCanceled();
            running?.StopForTimeout();
        }

        /// <summary>The exception a user threw, from inside PowerShell's wrappers: an RpcFaultException keeps its code; a binding failure is bad params.</summary>
        private static Exception Unwrap(Exception e)
        {
            for (var inner = e; inner != null; inner = inner.InnerException)
            {
                if (inner is RpcFaultException fault)
                    return fault;
                if (inner is IContainsErrorRecord record && record.ErrorRecord?.Exception is RpcFaultException recorded)
                    return recorded;
            }
            if (e is ParameterBindingException binding)
                return new RpcFaultException(RpcErrorCodes.InvalidParams, binding.Message);
            return e;
        }
    }
}
