using System;

namespace NetFoundations.Core.Ssh
{
    /// <summary>What one command did on one host. A non-zero exit status is data, not an error.</summary>
    public sealed class SshCommandResult
    {
        public SshCommandResult(string computerName, int port, string command, int? exitStatus, string? exitSignal, string output, string error, TimeSpan duration)
        {
            ComputerName = computerName;
            Port = port;
            Command = command;
            ExitStatus = exitStatus;
            ExitSignal = exitSignal;
            Output = output;
            Error = error;
            DurationMs = duration.TotalMilliseconds;
        }

        public string ComputerName { get; }
        public int Port { get; }
        public string Command { get; }
        /// <summary>The command's exit status; null when it ended by a signal or the server sent none.</summary>
        public int? ExitStatus { get; }
        public string? ExitSignal { get; }
        /// <summary>Standard output, without its final line break.</summary>
        public string Output { get; }
        /// <summary>Standard error, without its final line break.</summary>
        public string Error { get; }
        public double DurationMs { get; }
        public bool Succeeded => ExitStatus == 0;
    }

    /// <summary>One line of a command's output as it arrived (for streaming).</summary>
    public sealed class SshOutputLine
    {
        public SshOutputLine(string computerName, string command, bool isError, string line)
        {
            ComputerName = computerName;
            Command = command;
            IsError = isError;
            Line = line;
        }

        public string ComputerName { get; }
        public string Command { get; }
        /// <summary>True for standard error.</summary>
        public bool IsError { get; }
        public string Line { get; }

        public override string ToString() => Line;
    }
}
