using System;
using System.Collections;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using NetFoundations.Core.Rpc;
using NetFoundations.Core.Servers;

namespace NetFoundations.PowerShell.Rpc
{
    /// <summary>
    /// Starts an XML-RPC and JSON-RPC server (HTTP, or HTTPS with -Certificate) whose methods are scriptblocks (-Method)
    /// and existing commands (-Command); returns the server. It runs in the background (Stop-TcpServer stops it), or
    /// with -Wait in the foreground until Ctrl+C.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "RpcServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low,
        HelpUri = HelpLinks.Base + "Start-RpcServer.md")]
    [OutputType(typeof(RpcServer))]
    public sealed class StartRpcServerCommand : TlsServerCmdlet
    {
        /// <summary>Methods by name: each value a scriptblock, or the name of a command to expose under this name.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNull]
        public IDictionary? Method { get; set; }

        /// <summary>Existing cmdlets and functions exposed under their own names.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Command { get; set; }

        /// <summary>0 picks a free port; the server's LocalPort says which.</summary>
        [Parameter]
        [ValidateRange(0, 65535)]
        public int Port { get; set; }

        [Parameter]
        [ValidateNotNull]
        [Alias("LocalAddress")]
        public IPAddress Address { get; set; } = IPAddress.Loopback;

        /// <summary>Offer no system.listMethods, system.methodSignature or system.methodHelp.</summary>
        [Parameter]
        public SwitchParameter NoIntrospection { get; set; }

        /// <summary>Offer no system.multicall.</summary>
        [Parameter]
        public SwitchParameter NoMulticall { get; set; }

        /// <summary>Variables every method sees (methods do not see the caller's).</summary>
        [Parameter]
        [ValidateNotNull]
        public IDictionary? Variable { get; set; }

        /// <summary>How long one call may run before it is answered with an error.</summary>
        [Parameter]
        [ValidateRange(0.01, 86400.0)]
        public double MaxCallSeconds { get; set; } = 60;

        /// <summary>The largest request body taken; larger ones are answered 413 unread.</summary>
        [Parameter]
        [ValidateRange(1024, int.MaxValue)]
        public int MaxRequestBytes { get; set; } = RpcDispatcherOptions.DefaultMaxRequestBytes;

        /// <summary>The most calls in one system.multicall or JSON-RPC batch.</summary>
        [Parameter]
        [ValidateRange(1, 1000000)]
        public int MaxBatchCalls { get; set; } = RpcDispatcherOptions.DefaultMaxBatchCalls;

        protected override void BeginProcessing()
        {
            if ((Method == null || Method.Count == 0) && (Command == null || Command.Length == 0))
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("Give the server methods: -Method @{ name = { scriptblock } } or -Command names."),
                    "NoMethods", ErrorCategory.InvalidArgument, null));
            CheckServerParameters();
        }

        protected override void ProcessRecord()
        {
            var (certificate, authorities) = LoadServerTls();
            var target = Core.Endpoints.Format(Address.ToString(), Port);
            if (!ShouldProcess(target, "Start an XML-RPC and JSON-RPC server" + (certificate == null ? "" : " over HTTPS")))
                return;
            var methods = Methods();
            var module = MyInvocation.MyCommand.Module;
            var manifest = module == null ? null : Path.Combine(module.ModuleBase, module.Name + ".psd1");
            var options = new RpcServerOptions
            {
                LocalAddress = Address,
                Port = Port,
                Methods = methods.Methods,
                Dispatch = new RpcDispatcherOptions
                {
                    Introspection = !NoIntrospection,
                    Multicall = !NoMulticall,
                    MaxRequestBytes = MaxRequestBytes,
                    MaxBatchCalls = MaxBatchCalls,
                    CallTimeout = TimeSpan.FromSeconds(MaxCallSeconds),
                },
                IdleTimeout = TimeSpan.FromSeconds(TimeoutSeconds),
                MaxConnections = MaxConnections,
                Certificate = certificate,
                TlsProtocols = TlsProtocol,
                ClientCertificateMode = ClientCertificateMode,
                ClientCertificateAuthorities = authorities,
                Owned = methods,
                // In the foreground a method's failure is the command's error; a background server keeps it (Server.GetErrors()).
                MethodFailed = Wait ? (name, e) => Post(() => WriteError(new ErrorRecord(e, "RpcMethodFailed", ErrorCategory.InvalidResult, name))) : (Action<string, Exception>?)null,
            };
            StartAndServe(() =>
                {
                    methods.Open(MaxRunspaces, Variable, manifest != null && File.Exists(manifest) ? manifest : null);
                    return RpcServerHost.Start(options);
                }, server => server.Server,
                server => new ProgressRecord(1, server.ToString(),
                    $"{server.Calls} calls, {server.Faults} faults, {server.Server.ConnectionsOpen} connections open, {server.Requests} requests (Ctrl+C stops)"),
                TimeSpan.FromSeconds(30), target, methods);
        }

        /// <summary>The methods given, checked here (a command that does not exist ends the command before anything listens).</summary>
        private RpcServerMethods Methods()
        {
            var methods = new RpcServerMethods();
            try
            {
                foreach (DictionaryEntry entry in Method ?? new Hashtable())
                {
                    var name = Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
                    var value = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
                    switch (value)
                    {
                        case ScriptBlock script:
                            methods.AddScriptBlock(name, script);
                            break;
                        case string commandName:
                            methods.AddCommand(name, Find(commandName), HelpOf(commandName));
                            break;
                        default:
                            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"The method {name} is neither a scriptblock nor a command name."),
                                "InvalidMethod", ErrorCategory.InvalidArgument, entry.Value));
                            break;
                    }
                }
                foreach (var name in Command ?? Array.Empty<string>())
                {
                    var command = Find(name);
                    methods.AddCommand(command is AliasInfo ? name : command.Name, command, HelpOf(name));
                }
                return methods;
            }
            catch
            {
                methods.Dispose();
                throw;
            }
        }

        private CommandInfo Find(string name)
        {
            var command = InvokeCommand.GetCommand(name, CommandTypes.Cmdlet | CommandTypes.Function | CommandTypes.Alias);
            if (command == null)
                ThrowTerminatingError(new ErrorRecord(new ItemNotFoundException($"There is no cmdlet or function named {name} to expose."),
                    "CommandNotFound", ErrorCategory.ObjectNotFound, name));
            return command!;
        }

        /// <summary>Get-Help's synopsis and description of a command, as methodHelp's text.</summary>
        private string HelpOf(string name)
        {
            var text = InvokeCommand.InvokeScript(false, ScriptBlock.Create(@"
param($Name)
$help = Get-Help -Name $Name -ErrorAction Ignore | Select-Object -First 1
if ($null -eq $help -or $help -is [string]) { return '' }
$parts = @($help.Synopsis) + @($help.description | ForEach-Object { $_.Text })
($parts | Where-Object { $_ -and $_.Trim() } | ForEach-Object { $_.Trim() }) -join ""`n`n""
"), null, name);
            return text.Count == 0 ? string.Empty : Convert.ToString(text[0]?.BaseObject, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
        }
    }
}
