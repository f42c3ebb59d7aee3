using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text.RegularExpressions;

namespace NetFoundations.Host
{
    /// <summary>A plain console host: enough UI for Out-Default, the verbose/warning/error streams and prompts.</summary>
    internal sealed class ConsoleHost : PSHost
    {
        private readonly Guid id = Guid.NewGuid();
        private readonly ConsoleUserInterface ui = new ConsoleUserInterface();

        public int? ExitCode { get; private set; }

        public override string Name => "NetFoundations.Host";
        public override Version Version => typeof(ConsoleHost).Assembly.GetName().Version ?? new Version(0, 1);
        public override Guid InstanceId => id;
        public override PSHostUserInterface UI => ui;
        public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;
        public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;
        public override void EnterNestedPrompt() => throw new NotSupportedException("Nested prompts are not supported by this host.");
        public override void ExitNestedPrompt() => throw new NotSupportedException("Nested prompts are not supported by this host.");
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }
        public override void SetShouldExit(int exitCode) => ExitCode = exitCode;
    }

    internal sealed class ConsoleUserInterface : PSHostUserInterface
    {
        private readonly ConsoleRawUserInterface raw = new ConsoleRawUserInterface();

        public override PSHostRawUserInterface RawUI => raw;

        public override string ReadLine() => Console.ReadLine() ?? string.Empty;

        public override SecureString ReadLineAsSecureString()
        {
            var secret = new SecureString();
            if (Console.IsInputRedirected)
            {
                foreach (var c in Console.ReadLine() ?? string.Empty)
                    secret.AppendChar(c);
            }
            else
            {
                for (var key = Console.ReadKey(true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(true))
                {
                    if (key.Key == ConsoleKey.Backspace) { if (secret.Length > 0) secret.RemoveAt(secret.Length - 1); }
                    else secret.AppendChar(key.KeyChar);
                }
                Console.WriteLine();
            }
            secret.MakeReadOnly();
            return secret;
        }

        // The engine decorates tables and messages with ANSI escapes; a file or a pipe gets plain text.
        private static readonly Regex Escapes = new Regex(@"\u001b(\[[0-9;?]*[ -/]*[@-~]|\][^\u0007\u001b]*(\u0007|\u001b\\))", RegexOptions.Compiled);

        private static string Plain(string value, bool redirected) => redirected && value.IndexOf('\u001b') >= 0 ? Escapes.Replace(value, string.Empty) : value;

        public override void Write(string value) => Console.Out.Write(Plain(value, Console.IsOutputRedirected));

        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Write(value);

        public override void WriteLine(string value) => Console.Out.WriteLine(Plain(value, Console.IsOutputRedirected));

        public override void WriteErrorLine(string value) => Console.Error.WriteLine(Plain(value, Console.IsErrorRedirected));

        public override void WriteDebugLine(string message) => Console.Out.WriteLine("DEBUG: " + message);

        public override void WriteVerboseLine(string message) => Console.Out.WriteLine("VERBOSE: " + message);

        public override void WriteWarningLine(string message) => Console.Out.WriteLine("WARNING: " + message);

        public override void WriteProgress(long sourceId, ProgressRecord record)
        {
            // Progress is interactive-only: redrawn on one line, never into redirected output.
            if (Console.IsOutputRedirected)
                return;
            var line = record.RecordType == ProgressRecordType.Completed
                ? string.Empty
                : $"{record.Activity}: {record.StatusDescription}" + (record.PercentComplete >= 0 ? $" {record.PercentComplete}%" : string.Empty);
            var width = Math.Max(1, raw.BufferSize.Width - 1);
            if (line.Length > width)
                line = line.Substring(0, width);
            Console.Out.Write("\r" + line.PadRight(width) + "\r");
        }

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
        {
            if (!string.IsNullOrEmpty(caption)) WriteLine(caption);
            if (!string.IsNullOrEmpty(message)) WriteLine(message);
            var answers = new Dictionary<string, PSObject>();
            foreach (var field in descriptions)
            {
                Write(field.Name + ": ");
                answers[field.Name] = field.ParameterTypeName == typeof(SecureString).Name
                    ? PSObject.AsPSObject(ReadLineAsSecureString())
                    : PSObject.AsPSObject(ReadLine());
            }
            return answers;
        }

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            if (!string.IsNullOrEmpty(caption)) WriteLine(caption);
            if (!string.IsNullOrEmpty(message)) WriteLine(message);
            if (Console.IsInputRedirected)
                return defaultChoice;
            for (var i = 0; i < choices.Count; i++)
                WriteLine($"[{i}] {choices[i].Label.Replace("&", string.Empty)}" + (i == defaultChoice ? " (default)" : string.Empty));
            Write("Choice: ");
            return int.TryParse(ReadLine(), out var chosen) && chosen >= 0 && chosen < choices.Count ? chosen : defaultChoice;
        }

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            PromptForCredential(caption, message, userName, targetName, PSCredentialTypes.Default, PSCredentialUIOptions.Default);

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
            PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options)
        {
            if (!string.IsNullOrEmpty(message)) WriteLine(message);
            if (string.IsNullOrEmpty(userName))
            {
                Write("User: ");
                userName = ReadLine();
            }
            Write("Password for " + userName + ": ");
            return new PSCredential(userName, ReadLineAsSecureString());
        }
    }

    internal sealed class ConsoleRawUserInterface : PSHostRawUserInterface
    {
        private static int SafeWidth()
        {
            try { return Console.IsOutputRedirected ? 120 : Math.Max(40, Console.WindowWidth); }
            catch (Exception) { return 120; }
        }

        public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
        public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
        public override Size BufferSize { get => new Size(SafeWidth(), 9999); set { } }
        public override Coordinates CursorPosition { get => new Coordinates(0, 0); set { } }
        public override int CursorSize { get; set; } = 25;
        public override bool KeyAvailable => !Console.IsInputRedirected && Console.KeyAvailable;
        public override Size MaxPhysicalWindowSize => new Size(SafeWidth(), 100);
        public override Size MaxWindowSize => new Size(SafeWidth(), 100);
        public override Coordinates WindowPosition { get => new Coordinates(0, 0); set { } }
        public override Size WindowSize { get => new Size(SafeWidth(), 50); set { } }
        public override string WindowTitle { get; set; } = "NetFoundations";
        public override void FlushInputBuffer() { }
        public override BufferCell[,] GetBufferContents(Rectangle rectangle) => new BufferCell[0, 0];
        public override KeyInfo ReadKey(ReadKeyOptions options)
        {
            var key = Console.ReadKey((options & ReadKeyOptions.NoEcho) != 0);
            return new KeyInfo((int)key.Key, key.KeyChar, default, true);
        }
        public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
        public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
        public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
    }
}
