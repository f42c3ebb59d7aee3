using System;

namespace NetFoundations.Core.Telnet
{
    /// <summary>The output of one command run over a Telnet login.</summary>
    public sealed class TelnetCommandResult
    {
        public TelnetCommandResult(string computerName, int port, string command, string output, TimeSpan duration)
        {
            ComputerName = computerName;
            Port = port;
            Command = command;
            Output = output;
            DurationMs = duration.TotalMilliseconds;
        }

        public string ComputerName { get; }
        public int Port { get; }
        public string Command { get; }
        /// <summary>What the command printed: without the echo of the command line and the prompt after it.</summary>
        public string Output { get; }
        /// <summary>From connecting until the command's output was read, in milliseconds.</summary>
        public double DurationMs { get; }
    }
}
