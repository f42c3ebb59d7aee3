using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Expect;

namespace NetFoundations.Core.Telnet
{
    /// <summary>Where and how to connect and log in over Telnet; the prompts are regular expressions matched at the end of the text received.</summary>
    public sealed class TelnetLoginOptions
    {
        /// <param name="credential">The login; null to skip the scripted login (steps answer the prompts themselves).</param>
        public TelnetLoginOptions(string computerName, int port, NetworkCredential? credential)
        {
            if (string.IsNullOrWhiteSpace(computerName))
                throw new ArgumentException("A host name or address is needed.", nameof(computerName));
            Endpoints.ValidatePort(port, nameof(port));
            ComputerName = computerName;
            Port = port;
            Credential = credential;
        }

        public string ComputerName { get; }
        public int Port { get; }
        /// <summary>Connect to these, in order, instead of resolving ComputerName, which stays the name shown (Endpoints.AddressesAsync).</summary>
        public IReadOnlyList<IPAddress>? Addresses { get; set; }
        public NetworkCredential? Credential { get; }
        public string LoginPrompt { get; set; } = @"login:\s*$";
        public string PasswordPrompt { get; set; } = @"[Pp]assword:\s*$";
        public string ShellPrompt { get; set; } = @"[$#>%]\s*(?:\x1B\[[0-9;?]*[A-Za-z]\s*)*$";
        public string FailurePattern { get; set; } = @"(?i)login incorrect|authentication fail|access denied";
        public string TerminalType { get; set; } = "xterm";
        /// <summary>Bounds the connect and each expect step.</summary>
        public TimeSpan StepTimeout { get; set; } = TimeSpan.FromSeconds(20);
    }

    /// <summary>The book's telnet_login: log in by the prompts, then run expect steps, or a command and collect its output.</summary>
    public static class TelnetLogin
    {
        /// <summary>Connects, logs in when the options carry a credential, then runs the steps; onResult sees each Expect step's result.</summary>
        public static async Task<IReadOnlyList<ExpectResult>> RunStepsAsync(TelnetLoginOptions options, IReadOnlyList<ExpectStep> steps, Action<ExpectResult>? onResult,
            Transcript transcript, CancellationToken cancellationToken)
        {
            var client = await TelnetClient.ConnectAsync(options.ComputerName, options.Addresses, options.Port, options.TerminalType, options.StepTimeout, transcript, cancellationToken).ConfigureAwait(false);
            using var shell = new ExpectSession(client, transcript);
            if (options.Credential != null)
                await LogInAsync(shell, options, options.Credential, transcript, cancellationToken).ConfigureAwait(false);
            return await shell.RunAsync(steps, options.StepTimeout, onResult, cancellationToken).ConfigureAwait(false);
        }

        public static async Task<TelnetCommandResult> RunCommandAsync(TelnetLoginOptions options, string command, Transcript transcript, CancellationToken cancellationToken)
        {
            if (string.IsNullOrEmpty(command))
                throw new ArgumentException("A command is needed.", nameof(command));
            if (options.Credential == null)
                throw new ArgumentException("A credential is needed to log in.", nameof(options));
            var watch = Stopwatch.StartNew();
            var steps = CommandSteps(options, command);
            var results = await RunStepsAsync(options, steps, null, transcript, cancellationToken).ConfigureAwait(false);
            return new TelnetCommandResult(options.ComputerName, options.Port, command, results[0].Output, watch.Elapsed);
        }

        /// <summary>
        /// The longest RunStepsAsync can take with these steps: the connect, the login when there is a credential, and
        /// the steps, each by its own timeout (ExpectSession.Deadline).
        /// </summary>
        public static TimeSpan Deadline(TelnetLoginOptions options, IEnumerable<ExpectStep> steps)
        {
            var login = options.Credential == null ? TimeSpan.Zero : ExpectSession.Deadline(LoginSteps(options, options.Credential), options.StepTimeout);
            return options.StepTimeout + login + ExpectSession.Deadline(steps, options.StepTimeout);
        }

        /// <summary>The longest RunCommandAsync can take.</summary>
        public static TimeSpan Deadline(TelnetLoginOptions options, string command) => Deadline(options, CommandSteps(options, command));

        private static ExpectStep[] CommandSteps(TelnetLoginOptions options, string command) =>
            new[] { ExpectStep.Send(command), ExpectStep.Expect(options.ShellPrompt), ExpectStep.Send("exit") };

        private static ExpectStep[] LoginSteps(TelnetLoginOptions options, NetworkCredential credential) => new[]
        {
            ExpectStep.Expect(options.LoginPrompt),
            ExpectStep.Send(credential.UserName),
            ExpectStep.Expect(options.PasswordPrompt),
            ExpectStep.SendSecret(credential),
            ExpectStep.Expect($"(?<failed>{options.FailurePattern})|(?<shell>{options.ShellPrompt})"),
        };

        private static async Task LogInAsync(ExpectSession shell, TelnetLoginOptions options, NetworkCredential credential, Transcript transcript, CancellationToken cancellationToken)
        {
            var steps = LoginSteps(options, credential);
            var loggedIn = (await shell.RunAsync(steps, options.StepTimeout, null, cancellationToken).ConfigureAwait(false)).Last();
            if (loggedIn.Groups.ContainsKey("failed"))
                throw new AuthenticationFailedException($"Login to {shell.Target} as {credential.UserName} failed: {loggedIn.Match.Trim()}", shell.Target);
            transcript.Note($"logged in as {credential.UserName}");
        }
    }
}
