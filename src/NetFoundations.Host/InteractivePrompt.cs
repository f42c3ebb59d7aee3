using System;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using PowerShellPipeline = System.Management.Automation.PowerShell;

namespace NetFoundations.Host
{
    /// <summary>
    /// The read-eval-print loop: a line editor with completion and history on a terminal, plain lines
    /// (and no prompt) when stdin is redirected. Input that does not parse yet continues on the next line.
    /// </summary>
    internal sealed class InteractivePrompt
    {
        private readonly HostSession session;
        private readonly LineEditor? editor;

        public InteractivePrompt(HostSession session)
        {
            this.session = session;
            if (!Console.IsInputRedirected)
                editor = new LineEditor((input, cursor) => PowerShellCompletion.Complete(session.Runspace, input, cursor));
        }

        public int Run()
        {
            var last = 0;
            while (session.Host.ExitCode == null)
            {
                var command = ReadCommand();
                if (command == null)
                    break;
                if (command.Trim().Length == 0)
                    continue;
                editor?.AddHistory(command);
                last = session.RunText(command);
            }
            return session.Host.ExitCode ?? last;
        }

        private string? ReadCommand()
        {
            var text = ReadLine("NF " + session.Runspace.SessionStateProxy.Path.CurrentLocation + "> ");
            while (text != null && IsIncomplete(text))
            {
                var more = ReadLine(">> ");
                if (more == null || more.Length == 0)
                    break;
                text += "\n" + more;
            }
            return text;
        }

        private static bool IsIncomplete(string text)
        {
            Parser.ParseInput(text, out _, out var errors);
            return errors.Any(e => e.IncompleteInput);
        }

        private string? ReadLine(string prompt)
        {
            if (editor == null)
                return Console.ReadLine();
            editor.Clear();
            Render(prompt);
            Console.TreatControlCAsInput = true;
            try
            {
                while (true)
                {
                    switch (editor.Handle(Console.ReadKey(intercept: true)))
                    {
                        case LineEditorResult.Accepted:
                            Console.WriteLine();
                            return editor.Text;
                        case LineEditorResult.EndOfInput:
                            Console.WriteLine();
                            return null;
                        case LineEditorResult.Cancelled:
                            Console.WriteLine("^C");
                            break;
                    }
                    Render(prompt);
                }
            }
            finally
            {
                Console.TreatControlCAsInput = false;
            }
        }

        private void Render(string prompt)
        {
            var back = editor!.Text.Length - editor.Cursor;
            Console.Write("\r" + prompt + editor.Text + "\u001b[K" + (back > 0 ? $"\u001b[{back}D" : string.Empty));
        }
    }

    /// <summary>The engine's own completion (what TabExpansion2 offers) for a line at a cursor.</summary>
    public static class PowerShellCompletion
    {
        public static Completions? Complete(Runspace runspace, string input, int cursor)
        {
            using var ps = PowerShellPipeline.Create();
            ps.Runspace = runspace;
            try
            {
                var result = CommandCompletion.CompleteInput(input, cursor, null, ps);
                return new Completions(result.ReplacementIndex, result.ReplacementLength,
                    result.CompletionMatches.Select(m => m.CompletionText).ToList());
            }
            catch (Exception e) when (e is RuntimeException || e is InvalidOperationException)
            {
                return null;
            }
        }
    }
}
