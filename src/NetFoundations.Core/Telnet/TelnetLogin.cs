using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Telnet
{
    /// <summary>Where and how to log in over Telnet; the prompts are regular expressions matched at the end of the text received.</summary>
    public sealed class TelnetLoginOptions
    {
        public TelnetLoginOptions(string computerName, int port, NetworkCredential credential)
        {
            if (string.IsNullOrWhiteSpace(computerName))
                throw new ArgumentException("A host name or address is needed.", nameof(computerName));
            Endpoints.ValidatePort(port, nameof(port));
            ComputerName = computerName;
            Port = port;
            Credential = credential ?? throw new ArgumentNullException(nameof(credential));
        }

        public string ComputerName { get; }
        public int Port { get; }
        public NetworkCredential Credential { get; }
        public string LoginPrompt { get; set; } = @"login:\s*$";
        public string PasswordPrompt { get; set; } = @"[Pp]assword:\s*$";
        public string ShellPrompt { get; set; } = @"[$#>%]\s*(?:\x1B\[[0-9;?]*[A-Za-z]\s*)*$";
        public string FailurePattern { get; set; } = @"(?i)login incorrect|authentication fail|access denied";
        public string TerminalType { get; set; } = "xterm";
        /// <summary>Bounds the connect and each expect step.</summary>
        public TimeSpan StepTimeout { get; set; } = TimeSpan.FromSeconds(20);
    }

    /// <summary>The output of one command run over a Telnet login.</summary>
    public sealed class TelnetCommandResult
    {
        public TelnetCommandResult(string computerName, int port, string command, string output, TimeSpan duration)
        {
            ComputerName = computerName;
            Port = port;
            Command = command;
            Output = output;
            Duration = duration;
        }

        public string ComputerName { get; }
        public int Port { get; }
        public string Command { get; }
        /// <summary>What the command printed: without the echo of the command line and the prompt after it.</summary>
        public string Output { get; }
        public TimeSpan Duration { get; }
    }

    /// <summary>The book's telnet_login: log in by the prompts, run a command, collect its output, log out.</summary>
    public static class TelnetLogin
    {
        public static async Task<TelnetCommandResult> RunCommandAsync(TelnetLoginOptions options, string command, Transcript transcript, CancellationToken cancellationToken)
        {
            if (string.IsNullOrEmpty(command))
                throw new ArgumentException("A command is needed.", nameof(command));
            var target = Endpoints.Format(options.ComputerName, options.Port);
            var watch = Stopwatch.StartNew();
            var shell = new Regex(options.ShellPrompt);
            using var client = await TelnetClient.ConnectAsync(options.ComputerName, options.Port, options.TerminalType, options.StepTimeout, transcript, cancellationToken).ConfigureAwait(false);
            await client.ExpectAsync(new Regex(options.LoginPrompt), options.StepTimeout, cancellationToken).ConfigureAwait(false);
            await client.SendLineAsync(options.Credential.UserName, false, cancellationToken).ConfigureAwait(false);
            await client.ExpectAsync(new Regex(options.PasswordPrompt), options.StepTimeout, cancellationToken).ConfigureAwait(false);
            await client.SendLineAsync(options.Credential.Password ?? string.Empty, true, cancellationToken).ConfigureAwait(false);
            var loggedIn = await client.ExpectAsync(new Regex($"(?<failed>{options.FailurePattern})|(?<shell>{options.ShellPrompt})"), options.StepTimeout, cancellationToken).ConfigureAwait(false);
            if (loggedIn.Match.Groups["failed"].Success)
                throw new AuthenticationFailedException($"Login to {target} as {options.Credential.UserName} failed: {loggedIn.Match.Value.Trim()}", target);
            transcript.Note($"logged in as {options.Credential.UserName}");

            await client.SendLineAsync(command, false, cancellationToken).ConfigureAwait(false);
            var reply = await client.ExpectAsync(shell, options.StepTimeout, cancellationToken).ConfigureAwait(false);
            var output = ExtractOutput(reply.Text);
            await client.SendLineAsync("exit", false, cancellationToken).ConfigureAwait(false);
            return new TelnetCommandResult(options.ComputerName, options.Port, command, output, watch.Elapsed);
        }

        private static readonly Regex TerminalEscape = new Regex(@"\x1B\[[0-?]*[ -/]*[@-~]");

        /// <summary>Drops terminal escapes, the echoed command line (first line) and the prompt (last line); lines end with \n.</summary>
        internal static string ExtractOutput(string text)
        {
            var lines = TerminalEscape.Replace(text, string.Empty).Replace("\r\n", "\n").Replace("\r", string.Empty).Split('\n').ToList();
            if (lines.Count > 0)
                lines.RemoveAt(lines.Count - 1);
            if (lines.Count > 0)
                lines.RemoveAt(0);
            return string.Join("\n", lines);
        }
    }
}
