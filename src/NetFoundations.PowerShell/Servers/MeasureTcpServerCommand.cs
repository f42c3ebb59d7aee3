using System;
using System.Linq;
using System.Management.Automation;
using NetFoundations.Core;
using NetFoundations.Core.Servers;
using NetFoundations.Core.Tcp;
using NetFoundations.PowerShell.Tcp;

namespace NetFoundations.PowerShell.Servers
{
    /// <summary>
    /// Puts a TCP server under load: many connections at once, each sending a request and reading its reply, closed loop
    /// or at a fixed rate; one result per -Connections value, with requests, errors by kind, throughput and latency
    /// percentiles.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Measure, "TcpServer", DefaultParameterSetName = LineSet, HelpUri = HelpLinks.Base + "Measure-TcpServer.md")]
    [OutputType(typeof(TcpLoadResult))]
    public sealed class MeasureTcpServerCommand : ConnectingCmdlet
    {
        private const string ZenSet = "Zen";
        private const string LineSet = "LineCount";
        private const string DelimiterSet = "Delimiter";
        private const string ByteCountSet = "ByteCount";
        private const string LengthPrefixSet = "LengthPrefix";

        /// <summary>A server's record (LocalAddress, LocalPort) binds by property name, so Start-TcpServer pipes in.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("LocalAddress")]
        [ValidateNotNullOrEmpty]
        public string ComputerName { get; set; } = string.Empty;

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("LocalPort")]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        /// <summary>Connections open at once; several values make a sweep, one result each.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ValidateRange(1, 10000)]
        public int[] Connections { get; set; } = { 10 };

        [Parameter]
        [ValidateRange(0.001, 86400)]
        public double DurationSeconds { get; set; } = 10;

        /// <summary>Requests in all (answered or failed) for each -Connections value.</summary>
        [Parameter]
        [ValidateRange(1, long.MaxValue)]
        public long Count { get; set; }

        /// <summary>Requests per second over all connections (the open loop); 0: each request when the last reply came.</summary>
        [Parameter]
        [ValidateRange(0, 10000000)]
        public double Rate { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ZenSet)]
        public SwitchParameter Zen { get; set; }

        [Parameter(Position = 2, ParameterSetName = LineSet)]
        [Parameter(Position = 2, ParameterSetName = DelimiterSet)]
        [Parameter(Position = 2, ParameterSetName = ByteCountSet)]
        [Parameter(Position = 2, ParameterSetName = LengthPrefixSet)]
        [AllowEmptyString]
        public string[]? Message { get; set; }

        [Parameter(ParameterSetName = LineSet)]
        [Parameter(ParameterSetName = DelimiterSet)]
        [Parameter(ParameterSetName = ByteCountSet)]
        [Parameter(ParameterSetName = LengthPrefixSet)]
        [ByteMessagesTransformation]
        public byte[][]? Bytes { get; set; }

        [Parameter(ParameterSetName = LineSet)]
        [Parameter(ParameterSetName = DelimiterSet)]
        [Parameter(ParameterSetName = ByteCountSet)]
        [Parameter(ParameterSetName = LengthPrefixSet)]
        [ValidateSet("UTF8", "ASCII", "Latin1", "Unicode", "BigEndianUnicode", "UTF32", IgnoreCase = true)]
        public string Encoding { get; set; } = TextEncodings.Default;

        [Parameter(ParameterSetName = LineSet)]
        [ValidateRange(1, int.MaxValue)]
        public int LineCount { get; set; } = 1;

        [Parameter(Mandatory = true, ParameterSetName = DelimiterSet)]
        [ValidateNotNullOrEmpty]
        public object? Delimiter { get; set; }

        [Parameter(ParameterSetName = DelimiterSet)]
        [Parameter(ParameterSetName = LengthPrefixSet)]
        [ValidateRange(1, int.MaxValue)]
        public int FrameCount { get; set; } = 1;

        [Parameter(Mandatory = true, ParameterSetName = ByteCountSet)]
        [ValidateRange(1, int.MaxValue)]
        public int ByteCount { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = LengthPrefixSet)]
        [ValidateSet("2", "4")]
        public int LengthPrefix { get; set; }

        [Parameter]
        [ValidateRange(0.001, 3600)]
        public double TimeoutSeconds { get; set; } = 10;

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int MaxReceiveBytes { get; set; } = TcpLoadRequest.DefaultMaxReceiveBytes;

        protected override void BeginProcessing()
        {
            if (ParameterSetName == ZenSet)
                return;
            if (Message != null && Bytes != null)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("Give -Message or -Bytes, not both."),
                    "MessageAndBytes", ErrorCategory.InvalidArgument, null));
            if ((Message == null || Message.Length == 0) && (Bytes == null || Bytes.Length == 0))
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("Give the requests to send: -Message or -Bytes (or -Zen for the Zen questions)."),
                    "NoMessage", ErrorCategory.InvalidArgument, null));
        }

        protected override void ProcessRecord()
        {
            var target = Endpoints.Format(ComputerName, Port);
            var transcript = NewTranscript();
            var counted = MyInvocation.BoundParameters.ContainsKey(nameof(Count));
            var timed = !counted || MyInvocation.BoundParameters.ContainsKey(nameof(DurationSeconds));
            foreach (var connections in Connections)
            {
                var request = NewRequest();
                request.Addresses = AddressesFor(ComputerName);
                request.Connections = connections;
                request.Count = counted ? Count : 0;
                request.Duration = timed ? TimeSpan.FromSeconds(DurationSeconds) : (TimeSpan?)null;
                request.Rate = Rate;
                request.Timeout = TimeSpan.FromSeconds(TimeoutSeconds);
                request.MaxReceiveBytes = MaxReceiveBytes;
                var activity = $"Measuring {target} with {connections} connections" + (Rate > 0 ? $" at {Rate:0.###} requests/s" : "");
                var ok = Run(async ct =>
                {
                    var result = await TcpLoadGenerator.RunAsync(request, transcript, status => PostProgress(Progress(activity, status, request)), ct)
                        .ConfigureAwait(false);
                    PostProgress(new ProgressRecord(1, activity, "Done") { RecordType = ProgressRecordType.Completed });
                    if (result.Requests == 0 && result.Errors > 0)
                        PostWarning($"{target} answered no request with {connections} connections: {result.FirstError}");
                    PostObject(result);
                }, request.Deadline, target);
                if (!ok)
                    return;
            }
        }

        private static ProgressRecord Progress(string activity, TcpLoadStatus status, TcpLoadRequest request)
        {
            var seconds = status.Elapsed.TotalSeconds;
            var done = status.Answered + status.Failed;
            var percent = -1;
            if (request.Duration is TimeSpan duration)
                percent = (int)Math.Min(100, seconds * 100 / duration.TotalSeconds);
            if (request.Count > 0)
                percent = Math.Max(percent, (int)Math.Min(100, done * 100 / request.Count));
            return new ProgressRecord(1, activity,
                $"{status.Answered:N0} answered, {status.Failed:N0} failed, {(seconds > 0 ? status.Answered / seconds : 0):N0} /s, {seconds:0.0} s")
            {
                PercentComplete = percent,
            };
        }

        private TcpLoadRequest NewRequest()
        {
            if (ParameterSetName == ZenSet)
                return TcpLoadRequest.Zen(ComputerName, Port);
            var encoding = TextEncodings.Get(Encoding);
            return new TcpLoadRequest(ComputerName, Port)
            {
                Messages = Bytes ?? Message!.Select(m => encoding.GetBytes(m)).ToArray(),
                ReplyFraming = Framing(encoding),
            };
        }

        private TcpFraming Framing(System.Text.Encoding encoding)
        {
            switch (ParameterSetName)
            {
                case DelimiterSet:
                    return TcpFraming.Delimited(TextEncodings.Bytes(Delimiter!, encoding), FrameCount);
                case ByteCountSet:
                    return TcpFraming.Exactly(ByteCount);
                case LengthPrefixSet:
                    return TcpFraming.LengthPrefixed(LengthPrefix, FrameCount);
                default:
                    return TcpFraming.Lines(LineCount);
            }
        }
    }
}
