using System;
using System.Management.Automation;
using System.Net;
using System.Threading.Tasks;
using NetFoundations.Core.Servers;
using NetFoundations.Core.Tcp;

namespace NetFoundations.PowerShell.Servers
{
    /// <summary>Starts a TCP server in the background that answers with a built-in service; returns the server.</summary>
    [Cmdlet(VerbsLifecycle.Start, "TcpServer", DefaultParameterSetName = ServiceFramingSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low,
        HelpUri = HelpLinks.Base + "Start-TcpServer.md")]
    [OutputType(typeof(TcpServer))]
    public sealed class StartTcpServerCommand : PipelineCmdlet
    {
        private const string ServiceFramingSet = "ServiceFraming";
        private const string DelimiterSet = "Delimiter";
        private const string ByteCountSet = "ByteCount";
        private const string LengthPrefixSet = "LengthPrefix";
        private const string UntilCloseSet = "UntilClose";

        [Parameter(Position = 0)]
        public TcpServiceKind Service { get; set; } = TcpServiceKind.Echo;

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

        /// <summary>How long a connection may go without completing a request or taking a reply.</summary>
        [Parameter]
        [ValidateRange(0.01, 86400.0)]
        public double TimeoutSeconds { get; set; } = 30;

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int MaxRequestBytes { get; set; } = TcpServerOptions.DefaultMaxRequestBytes;

        [Parameter]
        [ValidateRange(1, 100000)]
        public int MaxConnections { get; set; } = TcpServerOptions.DefaultMaxConnections;

        /// <summary>The WorkerPool architecture's threads; refused with the other architectures.</summary>
        [Parameter]
        [ValidateRange(1, TcpServerOptions.MaxWorkerCount)]
        public int WorkerCount { get; set; } = TcpServerOptions.DefaultWorkerCount;

        [Parameter]
        [ValidateRange(0.0, 3600.0)]
        public double ReplyDelaySeconds { get; set; }

        protected override void ProcessRecord()
        {
            var options = new TcpServerOptions
            {
                LocalAddress = LocalAddress,
                Port = Port,
                Service = Service,
                Architecture = Architecture,
                Framing = Framing(),
                IdleTimeout = TimeSpan.FromSeconds(TimeoutSeconds),
                MaxRequestBytes = MaxRequestBytes,
                MaxConnections = MaxConnections,
                WorkerCount = MyInvocation.BoundParameters.ContainsKey(nameof(WorkerCount)) ? WorkerCount : (int?)null,
                ReplyDelay = TimeSpan.FromSeconds(ReplyDelaySeconds),
            };
            var target = Core.Endpoints.Format(LocalAddress.ToString(), Port);
            if (!ShouldProcess(target, $"Start the {Service} service"))
                return;
            Run(_ =>
            {
                PostObject(TcpServerHost.Start(options));
                return Task.CompletedTask;
            }, TimeSpan.FromSeconds(10), target);
        }

        private TcpFraming? Framing()
        {
            switch (ParameterSetName)
            {
                case DelimiterSet:
                    return TcpFraming.Delimited(Delimiter is string text
                        ? new System.Text.UTF8Encoding(false).GetBytes(text)
                        : LanguagePrimitives.ConvertTo<byte[]>(Delimiter));
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
