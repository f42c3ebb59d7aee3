using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using NetFoundations.Core;
using NetFoundations.Core.Ssh;

namespace NetFoundations.PowerShell.Ssh
{
    /// <summary>Runs commands on sessions or hosts, in parallel; one result per host and command.</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "SshCommand", DefaultParameterSetName = SessionSet, HelpUri = HelpLinks.Base + "Invoke-SshCommand.md")]
    [OutputType(typeof(SshCommandResult), typeof(SshOutputLine))]
    public sealed class InvokeSshCommandCommand : SshConnectCmdlet
    {
        private const string SessionSet = "Session";
        private readonly List<SshCommandTarget> targets = new List<SshCommandTarget>();

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = SessionSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public SshSession[] Session { get; set; } = Array.Empty<SshSession>();

        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string[] Command { get; set; } = Array.Empty<string>();

        /// <summary>How many hosts at once.</summary>
        [Parameter]
        [ValidateRange(1, 1024)]
        public int ThrottleLimit { get; set; } = 32;

        /// <summary>Seconds each command may run (at most a day): a command always ends.</summary>
        [Parameter]
        [ValidateRange(0.1, 86400.0)]
        public double TimeoutSeconds { get; set; } = 300;

        /// <summary>Also writes each output line (SshOutputLine) as it arrives.</summary>
        [Parameter]
        public SwitchParameter Stream { get; set; }

        /// <summary>A non-zero exit status becomes an error (RemoteError) instead of a result.</summary>
        [Parameter]
        public SwitchParameter ErrorOnNonZeroExit { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == SessionSet)
            {
                foreach (var session in Session)
                    targets.Add(SshCommandTarget.Of(session));
                return;
            }
            WarnIfInsecure();
            var addresses = AddressesFor(ComputerName, out var valid);
            if (!valid)
                return;
            foreach (var host in ComputerName)
                targets.Add(SshCommandTarget.Connect(ConnectionOptions(host, addresses, ConnectBound(TimeoutSeconds))));
        }

        protected override void EndProcessing()
        {
            if (targets.Count == 0)
                return;
            var transcript = NewTranscript();
            long finished = 0;
            var activity = $"Running '{string.Join("; ", Command)}'";
            var progress = CountedProgress(activity, "hosts", () => Interlocked.Read(ref finished), () => targets.Count);
            try
            {
                Run(cancel => SshCommandRunner.RunAsync(targets, Command, ThrottleLimit, Seconds(TimeoutSeconds),
                        result => Post(() => WriteResult(result)),
                        Stream ? line => PostObject(line) : (Action<SshOutputLine>?)null,
                        (target, error) => Post(() => WriteError(ErrorMapping.ToErrorRecord(error, target.Name))),
                        _ => Interlocked.Increment(ref finished),
                        transcript, cancel),
                    SshCommandRunner.Deadline(targets, ThrottleLimit, TimeSpan.FromSeconds(TimeoutSeconds)), null);
            }
            finally
            {
                CompleteProgress(progress, activity);
            }
        }

        private void WriteResult(SshCommandResult result)
        {
            if (ErrorOnNonZeroExit && result.ExitStatus != 0)
            {
                var error = new RemoteErrorException(
                    $"'{result.Command}' on {result.ComputerName} exited with {(result.ExitStatus?.ToString() ?? "signal " + result.ExitSignal)}: {result.Error}",
                    result.ComputerName, result.ExitStatus?.ToString());
                WriteError(ErrorMapping.ToErrorRecord(error, result));
                return;
            }
            WriteObject(result);
        }
    }
}
