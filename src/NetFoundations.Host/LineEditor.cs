using System;
using System.Collections.Generic;
using System.Text;

namespace NetFoundations.Host
{
    /// <summary>What completing the text at a cursor offers: the span to replace and the candidates.</summary>
    public sealed class Completions
    {
        public Completions(int replacementIndex, int replacementLength, IReadOnlyList<string> matches)
        {
            ReplacementIndex = replacementIndex;
            ReplacementLength = replacementLength;
            Matches = matches;
        }

        public int ReplacementIndex { get; }
        public int ReplacementLength { get; }
        public IReadOnlyList<string> Matches { get; }
    }

    public enum LineEditorResult
    {
        /// <summary>The key edited the line (or did nothing); keep reading.</summary>
        Editing,
        /// <summary>Enter: the line is complete.</summary>
        Accepted,
        /// <summary>Ctrl+C: the line was abandoned.</summary>
        Cancelled,
        /// <summary>Ctrl+D on an empty line: the user wants to leave.</summary>
        EndOfInput,
    }

    /// <summary>
    /// The editing logic of the interactive prompt, without a terminal: feed it keys, read Text and Cursor.
    /// Tab / Shift+Tab cycle through completions, Up/Down walk the history.
    /// </summary>
    public sealed class LineEditor
    {
        private readonly Func<string, int, Completions?> complete;
        private readonly List<string> history = new List<string>();
        private readonly StringBuilder text = new StringBuilder();
        private int historyIndex;
        private string pendingLine = string.Empty;
        private CompletionCycle? cycle;

        public LineEditor(Func<string, int, Completions?> complete)
        {
            this.complete = complete;
        }

        public string Text => text.ToString();
        public int Cursor { get; private set; }
        public IReadOnlyList<string> History => history;

        /// <summary>Starts a new, empty line.</summary>
        public void Clear()
        {
            SetText(string.Empty, 0);
            historyIndex = history.Count;
            pendingLine = string.Empty;
        }

        public void AddHistory(string line)
        {
            if (line.Trim().Length > 0 && (history.Count == 0 || history[history.Count - 1] != line))
                history.Add(line);
            historyIndex = history.Count;
        }

        public LineEditorResult Handle(ConsoleKeyInfo key)
        {
            var control = (key.Modifiers & ConsoleModifiers.Control) != 0;
            if (key.Key == ConsoleKey.Tab)
            {
                Complete(backward: (key.Modifiers & ConsoleModifiers.Shift) != 0);
                return LineEditorResult.Editing;
            }
            cycle = null;
            if (control && key.Key == ConsoleKey.C)
            {
                Clear();
                return LineEditorResult.Cancelled;
            }
            if (control && key.Key == ConsoleKey.D)
            {
                if (text.Length == 0)
                    return LineEditorResult.EndOfInput;
                Delete();
                return LineEditorResult.Editing;
            }
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    return LineEditorResult.Accepted;
                case ConsoleKey.LeftArrow:
                    Cursor = Math.Max(0, Cursor - 1);
                    break;
                case ConsoleKey.RightArrow:
                    Cursor = Math.Min(text.Length, Cursor + 1);
                    break;
                case ConsoleKey.Home:
                    Cursor = 0;
                    break;
                case ConsoleKey.End:
                    Cursor = text.Length;
                    break;
                case ConsoleKey.A when control:
                    Cursor = 0;
                    break;
                case ConsoleKey.E when control:
                    Cursor = text.Length;
                    break;
                case ConsoleKey.Backspace:
                    if (Cursor > 0)
                    {
                        text.Remove(Cursor - 1, 1);
                        Cursor--;
                    }
                    break;
                case ConsoleKey.Delete:
                    Delete();
                    break;
                case ConsoleKey.Escape:
                    SetText(string.Empty, 0);
                    break;
                case ConsoleKey.UpArrow:
                    ShowHistory(historyIndex - 1);
                    break;
                case ConsoleKey.DownArrow:
                    ShowHistory(historyIndex + 1);
                    break;
                default:
                    if (!control && key.KeyChar >= ' ')
                    {
                        text.Insert(Cursor, key.KeyChar);
                        Cursor++;
                    }
                    break;
            }
            return LineEditorResult.Editing;
        }

        private void Delete()
        {
            if (Cursor < text.Length)
                text.Remove(Cursor, 1);
        }

        private void SetText(string value, int cursor)
        {
            text.Clear().Append(value);
            Cursor = cursor;
        }

        private void ShowHistory(int index)
        {
            if (index < 0 || index > history.Count)
                return;
            if (historyIndex == history.Count)
                pendingLine = Text;
            historyIndex = index;
            var line = index == history.Count ? pendingLine : history[index];
            SetText(line, line.Length);
        }

        private void Complete(bool backward)
        {
            if (cycle == null)
            {
                var offered = complete(Text, Cursor);
                if (offered == null || offered.Matches.Count == 0)
                    return;
                cycle = new CompletionCycle(Text, offered, backward ? offered.Matches.Count - 1 : 0);
            }
            else
            {
                var count = cycle.Offered.Matches.Count;
                cycle.Index = (cycle.Index + (backward ? count - 1 : 1)) % count;
            }
            var match = cycle.Offered.Matches[cycle.Index];
            var start = cycle.Offered.ReplacementIndex;
            var original = cycle.OriginalText;
            SetText(original.Substring(0, start) + match + original.Substring(start + cycle.Offered.ReplacementLength), start + match.Length);
        }

        private sealed class CompletionCycle
        {
            public CompletionCycle(string originalText, Completions offered, int index)
            {
                OriginalText = originalText;
                Offered = offered;
                Index = index;
            }

            public string OriginalText { get; }
            public Completions Offered { get; }
            public int Index { get; set; }
        }
    }
}
