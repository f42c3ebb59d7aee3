using System;
using System.Collections.Generic;
using System.Management.Automation;
using NetFoundations.Core.Tcp;

namespace NetFoundations.PowerShell.Tcp
{
    /// <summary>
    /// Tests whether TCP ports accept connections, many hosts times many ports at once. Results come in
    /// input order: pipeline inputs in turn, within one its hosts in order, and for each host its ports in order.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "TcpPort", HelpUri = HelpLinks.Base + "Test-TcpPort.md")]
    [OutputType(typeof(TcpPortResult), typeof(bool))]
    public sealed class TestTcpPortCommand : ConnectingCmdlet
    {
        private readonly List<TcpPortTarget> targets = new List<TcpPortTarget>();

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] ComputerName { get; set; } = Array.Empty<string>();

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ValidateRange(1, 65535)]
        public int[] Port { get; set; } = Array.Empty<int>();

        /// <summary>Seconds one connect may wait for an answer (fractions allowed: 0.2 on a LAN).</summary>
        [Parameter]
        [ValidateRange(0.001, 600.0)]
        public double TimeoutSeconds { get; set; } = 1;

        /// <summary>How many connects may be under way at once.</summary>
        [Parameter]
        [ValidateRange(1, 10000)]
        public int ThrottleLimit { get; set; } = TcpPortScanner.DefaultThrottleLimit;

        /// <summary>Output only $true or $false per host and port.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        protected override void ProcessRecord()
        {
            var addresses = AddressesFor(ComputerName, out var valid);
            if (!valid)
                return;
            foreach (var host in ComputerName)
            {
                if (string.IsNullOrWhiteSpace(host))
                {
                    WriteError(new ErrorRecord(new ArgumentException("A host name or address is needed."), "InvalidArgument", ErrorCategory.InvalidArgument, host));
                    continue;
                }
                // Each address that came with the name is tested, and its result names it.
                foreach (var port in Port)
                {
                    if (addresses == null)
                        targets.Add(new TcpPortTarget(host, port));
                    else
                        foreach (var address in addresses)
                            targets.Add(new TcpPortTarget(host, port, address));
                }
            }
        }

        protected override void EndProcessing()
        {
            if (targets.Count == 0)
                return;
            // A sweep's transcript is a line per port: built only when someone reads it.
            var transcript = TranscriptPath != null || VerboseWanted ? NewTranscript() : null;
            var warned = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            const string activity = "Testing TCP ports";
            var timeout = TimeSpan.FromSeconds(TimeoutSeconds);
            Run(ct => TcpPortScanner.ScanAsync(targets, ThrottleLimit, timeout, transcript,
                result =>
                {
                    if (result.FailureKind == TcpPortFailure.NameResolution && warned.Add(result.ComputerName))
                        PostWarning(result.Message ?? $"The name {result.ComputerName} could not be resolved.");
                    // One wake-up of the pipeline thread per result would cost more than the connect.
                    PostGathered(Quiet ? (object)result.Open : result);
                },
                (finished, total) => PostProgress(new ProgressRecord(1, activity, $"{finished} of {total} tested")
                {
                    PercentComplete = (int)(finished * 100L / total),
                    RecordType = finished == total ? ProgressRecordType.Completed : ProgressRecordType.Processing,
                }),
                ct), TcpPortScanner.Deadline(targets.Count, ThrottleLimit, timeout), null);
        }
    }
}
