using System;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using NetFoundations.Core.Ftp;

namespace NetFoundations.PowerShell.Ftp
{
    /// <summary>
    /// Base of the FTP cmdlets that work on a session: one from Connect-FtpSession (-Session, or the Session that
    /// listing entries carry, so they pipe in), or a one-shot connection that -ComputerName and Connect-FtpSession's
    /// own parameters open once per command and close at its end (also on an error or Ctrl+C).
    /// </summary>
    /// <remarks>
    /// -Session and -ComputerName are not parameter sets of their own: PowerShell's sets do not combine, and the
    /// cmdlets' sets (File/Tree, Items/Name/Raw, Compare/Plan) would each need a copy for both. BeginProcessing checks
    /// instead that exactly one is given and that the connection parameters come only with -ComputerName.
    /// </remarks>
    public abstract class FtpCmdlet : FtpServerCmdlet
    {
        /// <summary>Connect-FtpSession's parameters that only a one-shot connection uses: a session keeps those it was opened with.</summary>
        private static readonly string[] ConnectionParameters =
        {
            nameof(Credential), nameof(Security), nameof(ActiveMode), nameof(Port), nameof(Address), nameof(CertificateAuthorityPath),
            nameof(SkipCertificateCheck), nameof(AllowUnencryptedAuthentication), nameof(RevealSecrets),
        };

        private readonly object oneShotLock = new object();
        private FtpSession? oneShot;
        private bool oneShotClosed;
        private bool connectFailed;

        /// <summary>From Connect-FtpSession, or the Session of a piped listing entry; not with -ComputerName.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public FtpSession Session { get; set; } = null!;

        /// <summary>A one-shot connection to this server, opened once for the command and closed at its end.</summary>
        [Parameter]
        [Alias("HostName", "CN")]
        [ValidateNotNullOrEmpty]
        public string? ComputerName { get; set; }

        /// <summary>As Connect-FtpSession's, by name only here: these cmdlets' second position is a path.</summary>
        [Parameter]
        [Credential]
        public override PSCredential? Credential { get; set; }

        /// <summary>
        /// Seconds the server may keep the command waiting: for Get-FtpChildItem, New-FtpDirectory, Remove- and
        /// Rename-FtpItem the whole command; for a transfer (Receive-, Send-FtpItem) the longest time with no byte moved.
        /// A one-shot connection's connect and login are bounded by it too (at most an hour).
        /// </summary>
        [Parameter]
        [ValidateRange(0.1, 604800.0)]
        public override double TimeoutSeconds { get; set; } = 30;

        protected override void BeginProcessing()
        {
            var bound = MyInvocation.BoundParameters;
            if (ComputerName == null)
            {
                var misplaced = ConnectionParameters.Where(bound.ContainsKey).ToList();
                if (misplaced.Count > 0)
                    ThrowTerminatingError(new ErrorRecord(new ArgumentException(
                        $"-{string.Join(", -", misplaced)} open a one-shot connection and need -ComputerName; a session keeps the settings it was opened with."),
                        "ConnectionParameterWithoutComputerName", ErrorCategory.InvalidArgument, null));
                return;
            }
            if (bound.ContainsKey(nameof(Session)))
                ThrowTerminatingError(new ErrorRecord(new ArgumentException(
                    "Give -Session or -ComputerName, not both: -ComputerName opens a connection of its own."),
                    "SessionWithComputerName", ErrorCategory.InvalidArgument, null));
            PrepareConnections();
            var options = ConnectionOptions(ComputerName, AddressesFor(ComputerName));
            options.Timeout = Seconds(Math.Min(TimeoutSeconds, 3600));
            var transcript = NewTranscript(RevealSecrets);
            connectFailed = !Run(async cancel => Keep(await FtpConnection.ConnectAsync(options, transcript, cancel)), options.Timeout, options.Target);
        }

        /// <summary>
        /// Makes Session the one this input works on: the one-shot connection (over a piped entry's own session), else
        /// the one given or piped. False, with an error written, when there is none to work on.
        /// </summary>
        protected bool UseSession()
        {
            if (connectFailed)
                return false;   // the connect's error is written once, not once per input
            if (oneShot != null)
            {
                Session = oneShot;
                return true;
            }
            if (Session != null)
                return true;
            WriteError(new ErrorRecord(new ArgumentException(
                "No FTP session: give -Session (from Connect-FtpSession), pipe listing entries that carry one, or connect once with -ComputerName."),
                "NoFtpSession", ErrorCategory.InvalidArgument, null));
            return false;
        }

        /// <summary>Whether this command works over its own one-shot connection (-ComputerName).</summary>
        protected bool OneShot => ComputerName != null;

        protected override void EndProcessing() => CloseOneShot();

        /// <summary>Also after an error or Ctrl+C: StopProcessing cancels the running work (Core then shuts its sockets down), and this says goodbye.</summary>
        protected override void Dispose(bool disposing)
        {
            if (disposing)
                CloseOneShot();
            base.Dispose(disposing);
        }

        /// <summary>Keeps the connection made, unless the command already ended (a connect that outlived Ctrl+C): then it is closed.</summary>
        private void Keep(FtpSession session)
        {
            lock (oneShotLock)
            {
                if (!oneShotClosed)
                {
                    oneShot = session;
                    return;
                }
            }
            session.Disconnect();
        }

        /// <summary>Ends the one-shot connection (QUIT, bounded by its timeout), once.</summary>
        private void CloseOneShot()
        {
            FtpSession? session;
            lock (oneShotLock)
            {
                session = oneShot;
                oneShot = null;
                oneShotClosed = true;
            }
            if (session == null)
                return;
            try
            {
                // Disconnect bounds its QUIT by the session's timeout and closes the socket whatever the server does.
                Task.Run(session.Disconnect).Wait(Seconds(Math.Min(TimeoutSeconds, 3600)) + PipelineCmdlet.Grace);
            }
            catch (AggregateException)
            {
                // A failed goodbye: the connection is dropped all the same.
            }
        }

        protected Action<FtpProgress> ProgressReporter(string activity)
        {
            var id = Math.Abs(activity.GetHashCode() % 1000) + 1;
            return progress =>
            {
                var rate = progress.BytesPerSecond;
                var left = progress.TotalBytes > progress.BytesDone && rate > 0 ? (int)((progress.TotalBytes - progress.BytesDone) / rate) : -1;
                var files = progress.FilesTotal > 0 ? $"{progress.FilesDone} of {progress.FilesTotal} files, " : string.Empty;
                PostProgress(new ProgressRecord(id, activity,
                    $"{files}{Size(progress.BytesDone)} of {Size(progress.TotalBytes)} at {Size((long)rate)}/s")
                {
                    CurrentOperation = progress.File,
                    PercentComplete = progress.TotalBytes > 0 ? (int)Math.Min(100, progress.BytesDone * 100 / progress.TotalBytes) : -1,
                    SecondsRemaining = left,
                });
            };
        }

        /// <summary>
        /// How a tree transfer or mirror reports: each file's result and error as it comes (the others go on), the
        /// whole tree's progress under activity.
        /// </summary>
        protected FtpTreeOptions TreeOptions(bool force, int throttleLimit, string activity) => new FtpTreeOptions
        {
            Force = force,
            ThrottleLimit = throttleLimit,
            NoProgressTimeout = TimeSpan.FromSeconds(TimeoutSeconds),
            OnProgress = ProgressReporter(activity),
            OnFile = PostGathered,   // thousands of small files: one wake-up of the pipeline thread for many results
            OnError = (error, path) => Post(() => WriteError(ErrorMapping.ToErrorRecord(error, path))),
        };

        /// <summary>Ends the progress bar of a transfer, whatever its outcome.</summary>
        protected void CompleteTransferProgress(string activity)
        {
            var id = Math.Abs(activity.GetHashCode() % 1000) + 1;
            WriteProgress(new ProgressRecord(id, activity, "Done") { RecordType = ProgressRecordType.Completed });
        }

        private static string Size(long bytes) =>
            bytes >= 1 << 30 ? $"{bytes / (double)(1 << 30):0.0} GiB"
            : bytes >= 1 << 20 ? $"{bytes / (double)(1 << 20):0.0} MiB"
            : bytes >= 1 << 10 ? $"{bytes / 1024.0:0.0} KiB"
            : $"{bytes} B";
    }
}
