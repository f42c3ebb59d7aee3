using System;
using System.Collections;
using System.IO;
using System.Management.Automation;
using System.Net;
using NetFoundations.Core.Servers;
using NetFoundations.Core.Tcp;

namespace NetFoundations.PowerShell.Servers
{
    /// <summary>
    /// Starts a TCP server that answers with a built-in service or a scriptblock; returns the server. It runs in the
    /// background, or with -Wait in the foreground until Ctrl+C.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "TcpServer", DefaultParameterSetName = ServiceFramingSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low,
        HelpUri = HelpLinks.Base + "Start-TcpServer.md")]
    [OutputType(typeof(TcpServer))]
    public sealed class StartTcpServerCommand : TlsServerCmdlet
    {
        private const string ServiceFramingSet = "ServiceFraming";
        private const string DelimiterSet = "Delimiter";
        private const string ByteCountSet = "ByteCount";
        private const string LengthPrefixSet = "LengthPrefix";
        private const string UntilCloseSet = "UntilClose";

        [Parameter(Position = 0)]
        public TcpServiceKind Service { get; set; } = TcpServiceKind.Echo;

        /// <summary>Answers each request: gets $Request and $Connection, outputs the replies.</summary>
        [Parameter]
        [ValidateNotNull]
        public ScriptBlock? ScriptBlock { get; set; }

        /// <summary>The scriptblock gets each request as a byte array rather than text.</summary>
        [Parameter]
        public SwitchParameter AsBytes { get; set; }

        [Parameter]
        [ValidateSet("UTF8", "ASCII", "Unicode", "BigEndianUnicode", "UTF32", "Latin1", IgnoreCase = true)]
        public string Encoding { get; set; } = TextEncodings.Default;

        /// <summary>Variables every run of the scriptblock sees (it does not see the caller's).</summary>
        [Parameter]
        [ValidateNotNull]
        public IDictionary? Variable { get; set; }

        /// <summary>Sent to each client as it connects, framed as the replies are.</summary>
        [Parameter]
        [ValidateNotNull]
        public object? Greeting { get; set; }

        /// <summary>0 picks a free port; the server's LocalPort says which.</summary>
        [Parameter(Position = 1)]
        [ValidateRange(0, 65535)]
        public int Port { get; set; }

        [Parameter]
        [ValidateNotNull]
        public IPAddress LocalAddress { get; set; } = IPAddress.Loopback;

        [Parameter]
        public ServerArchitecture Architecture { get; set; } = ServerArchitecture.AsyncAwait;

        [Parameter(Mandatory = true, ParameterSetName = DelimiterSet)]
        [ValidateNotNull]
        public object? Delimiter { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ByteCountSet)]
        [ValidateRange(1, int.MaxValue)]
        public int ByteCount { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = LengthPrefixSet)]
        [ValidateSet("2", "4")]
        public int LengthPrefix { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = UntilCloseSet)]
        public SwitchParameter UntilClose { get; set; }

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int MaxRequestBytes { get; set; } = TcpServerOptions.DefaultMaxRequestBytes;

        /// <summary>The WorkerPool architecture's threads; refused with the other architectures.</summary>
        [Parameter]
        [ValidateRange(1, TcpServerOptions.MaxWorkerCount)]
        public int WorkerCount { get; set; } = TcpServerOptions.DefaultWorkerCount;

        [Parameter]
        [ValidateRange(0.0, 3600.0)]
        public double ReplyDelaySeconds { get; set; }

        protected override void BeginProcessing()
        {
            if (ScriptBlock != null && MyInvocation.BoundParameters.ContainsKey(nameof(Service)))
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("Give a -Service or a -ScriptBlock, not both."),
                    "ServiceAndScriptBlock", ErrorCategory.InvalidArgument, Service));
            foreach (var name in new[] { nameof(AsBytes), nameof(Variable), nameof(MaxRunspaces) })
            {
                if (ScriptBlock == null && MyInvocation.BoundParameters.ContainsKey(name))
                    ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-{name} applies to a -ScriptBlock server only."),
                        "ScriptBlockParameterWithoutScriptBlock", ErrorCategory.InvalidArgument, name));
            }
            CheckServerParameters();
        }

        protected override void ProcessRecord()
        {
            var encoding = TextEncodings.Get(Encoding);
            var (certificate, authorities) = LoadServerTls();
            var options = new TcpServerOptions
            {
                LocalAddress = LocalAddress,
                Port = Port,
                Service = ScriptBlock == null ? Service : TcpServiceKind.Handler,
                Greeting = Greeting == null ? null : TextEncodings.Bytes(Greeting, encoding),
                Architecture = Architecture,
                Framing = Framing(encoding),
                IdleTimeout = TimeSpan.FromSeconds(TimeoutSeconds),
                MaxRequestBytes = MaxRequestBytes,
                MaxConnections = MaxConnections,
                WorkerCount = MyInvocation.BoundParameters.ContainsKey(nameof(WorkerCount)) ? WorkerCount : (int?)null,
                ReplyDelay = TimeSpan.FromSeconds(ReplyDelaySeconds),
                Certificate = certificate,
                TlsProtocols = TlsProtocol,
                ClientCertificateMode = ClientCertificateMode,
                ClientCertificateAuthorities = authorities,
            };
            var target = Core.Endpoints.Format(LocalAddress.ToString(), Port);
            var what = ScriptBlock == null ? $"Start the {Service} service" : "Start a server answering with a scriptblock";
            if (!ShouldProcess(target, what + (certificate == null ? "" : " over TLS")))
                return;
            if (ScriptBlock != null)
                options.Handler = NewHandler(encoding);
            StartAndServe(() => TcpServerHost.Start(options), server => server,
                server => new ProgressRecord(1, server.ToString(),
                    $"{server.ConnectionsOpen} open, {server.ConnectionsServed} served, {server.ConnectionsFailed} failed, {server.Requests} requests (Ctrl+C stops)"),
                TimeSpan.FromSeconds(10), target, options.Handler);
        }

        private ScriptBlockHandler NewHandler(System.Text.Encoding encoding)
        {
            var module = MyInvocation.MyCommand.Module;
            var manifest = module == null ? null : Path.Combine(module.ModuleBase, module.Name + ".psd1");
            var pool = new ScriptBlockPool(ScriptBlock!, MaxRunspaces, Variable, manifest != null && File.Exists(manifest) ? manifest : null);
            // In the foreground the scriptblock's errors are the command's; a background server has no stream to write to.
            return new ScriptBlockHandler(pool, encoding, AsBytes, Wait ? error => Post(() => WriteError(error)) : (Action<ErrorRecord>?)null);
        }

        private TcpFraming? Framing(System.Text.Encoding encoding)
        {
            switch (ParameterSetName)
            {
                case DelimiterSet:
                    return TcpFraming.Delimited(TextEncodings.Bytes(Delimiter!, encoding));
                case ByteCountSet:
                    return TcpFraming.Exactly(ByteCount);
                case LengthPrefixSet:
                    return TcpFraming.LengthPrefixed(LengthPrefix);
                case UntilCloseSet:
                    return TcpFraming.UntilClose;
                default:
                    return null;
            }
        }
    }
}
