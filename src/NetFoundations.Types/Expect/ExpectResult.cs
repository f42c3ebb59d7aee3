using System;
using System.Collections.Generic;

namespace NetFoundations.Core.Expect
{
    /// <summary>What one Expect step saw: the text that came before the match, the match and its groups.</summary>
    public sealed class ExpectResult
    {
        public ExpectResult(string computerName, int port, string command, string pattern, string output, string text, string match,
            IReadOnlyDictionary<string, string> groups, TimeSpan duration)
        {
            ComputerName = computerName;
            Port = port;
            Command = command;
            Pattern = pattern;
            Output = output;
            Text = text;
            Match = match;
            Groups = groups;
            DurationMs = duration.TotalMilliseconds;
        }

        public string ComputerName { get; }
        public int Port { get; }
        /// <summary>What was sent since the previous Expect step, one send a line; a secret shows as (secret).</summary>
        public string Command { get; }
        public string Pattern { get; }
        /// <summary>
        /// The complete lines received before the line of the match, without terminal escapes, carriage returns
        /// and the echo of the lines sent: a command's output when the pattern is the prompt.
        /// </summary>
        public string Output { get; }
        /// <summary>Everything received before the match, as it came.</summary>
        public string Text { get; }
        /// <summary>The text the pattern matched.</summary>
        public string Match { get; }
        /// <summary>The pattern's groups that matched, by name or number.</summary>
        public IReadOnlyDictionary<string, string> Groups { get; }
        /// <summary>How long the step waited for the match, in milliseconds.</summary>
        public double DurationMs { get; }
    }
}
