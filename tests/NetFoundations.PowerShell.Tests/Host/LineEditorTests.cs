using System;
using System.Collections.Generic;
using System.Management.Automation.Runspaces;
using NetFoundations.Host;

namespace NetFoundations.PowerShell.Tests.Host
{
    public sealed class LineEditorTests
    {
        private static ConsoleKeyInfo Key(ConsoleKey key, bool shift = false, bool control = false) => new ConsoleKeyInfo('\0', key, shift, false, control);

        private static LineEditorResult Type(LineEditor editor, string text)
        {
            var result = LineEditorResult.Editing;
            foreach (var c in text)
                result = editor.Handle(new ConsoleKeyInfo(c, ConsoleKey.NoName, false, false, false));
            return result;
        }

        private static LineEditor Editor(Func<string, int, Completions?>? complete = null) => new LineEditor(complete ?? ((_, _) => null));

        [Fact]
        public void CursorKeysEditInTheMiddle()
        {
            var editor = Editor();
            Type(editor, "Get-Cmmand");
            for (var i = 0; i < 5; i++) editor.Handle(Key(ConsoleKey.LeftArrow));
            Type(editor, "o");
            Assert.Equal(("Get-Command", 6), (editor.Text, editor.Cursor));
            editor.Handle(Key(ConsoleKey.Home));
            editor.Handle(Key(ConsoleKey.Delete));
            Assert.Equal(("et-Command", 0), (editor.Text, editor.Cursor));
            editor.Handle(Key(ConsoleKey.End));
            editor.Handle(Key(ConsoleKey.Backspace));
            editor.Handle(Key(ConsoleKey.RightArrow));
            Assert.Equal(("et-Comman", 9), (editor.Text, editor.Cursor));
            Assert.Equal(LineEditorResult.Accepted, editor.Handle(Key(ConsoleKey.Enter)));
        }

        [Fact]
        public void UpAndDownWalkTheHistoryAndComeBackToTheLineBeingTyped()
        {
            var editor = Editor();
            editor.AddHistory("first");
            editor.AddHistory("second");
            editor.Clear();
            Type(editor, "draft");
            editor.Handle(Key(ConsoleKey.UpArrow));
            Assert.Equal(("second", 6), (editor.Text, editor.Cursor));
            editor.Handle(Key(ConsoleKey.UpArrow));
            editor.Handle(Key(ConsoleKey.UpArrow));
            Assert.Equal("first", editor.Text);
            editor.Handle(Key(ConsoleKey.DownArrow));
            editor.Handle(Key(ConsoleKey.DownArrow));
            Assert.Equal("draft", editor.Text);
        }

        [Fact]
        public void ControlCClearsTheLineAndControlDOnAnEmptyLineEnds()
        {
            var editor = Editor();
            Type(editor, "half typed");
            Assert.Equal(LineEditorResult.Cancelled, editor.Handle(Key(ConsoleKey.C, control: true)));
            Assert.Equal(("", 0), (editor.Text, editor.Cursor));
            Type(editor, "ab");
            editor.Handle(Key(ConsoleKey.Home));
            Assert.Equal(LineEditorResult.Editing, editor.Handle(Key(ConsoleKey.D, control: true)));
            Assert.Equal("b", editor.Text);
            editor.Handle(Key(ConsoleKey.Delete));
            Assert.Equal(LineEditorResult.EndOfInput, editor.Handle(Key(ConsoleKey.D, control: true)));
        }

        [Fact]
        public void TabCyclesForwardAndShiftTabBackward()
        {
            var calls = new List<(string, int)>();
            var editor = Editor((input, cursor) =>
            {
                calls.Add((input, cursor));
                return new Completions(4, 3, new[] { "Get-Alpha", "Get-Beta", "Get-Gamma" });
            });
            Type(editor, "1 | Get | Out-Null");
            for (var i = 0; i < 11; i++) editor.Handle(Key(ConsoleKey.LeftArrow));
            editor.Handle(Key(ConsoleKey.Tab));
            Assert.Equal(("1 | Get-Alpha | Out-Null", 13), (editor.Text, editor.Cursor));
            editor.Handle(Key(ConsoleKey.Tab));
            Assert.Equal("1 | Get-Beta | Out-Null", editor.Text);
            editor.Handle(Key(ConsoleKey.Tab, shift: true));
            editor.Handle(Key(ConsoleKey.Tab, shift: true));
            Assert.Equal("1 | Get-Gamma | Out-Null", editor.Text);
            Assert.Equal(new[] { ("1 | Get | Out-Null", 7) }, calls);

            // any other key ends the cycle: the next Tab asks again
            Type(editor, "x");
            editor.Handle(Key(ConsoleKey.Tab));
            Assert.Equal(2, calls.Count);
        }

        [Fact]
        public void TabWithNoCompletionLeavesTheLine()
        {
            var editor = Editor((_, _) => new Completions(0, 0, Array.Empty<string>()));
            Type(editor, "zzz");
            editor.Handle(Key(ConsoleKey.Tab));
            Assert.Equal(("zzz", 3), (editor.Text, editor.Cursor));
        }

        [Fact]
        public void TabCompletesFromTheEngine()
        {
            using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
            runspace.Open();
            var editor = Editor((input, cursor) => PowerShellCompletion.Complete(runspace, input, cursor));
            Type(editor, "Get-Comm");
            editor.Handle(Key(ConsoleKey.Tab));
            Assert.Equal("Get-Command", editor.Text);
            Type(editor, " -Synt");
            editor.Handle(Key(ConsoleKey.Tab));
            Assert.Equal("Get-Command -Syntax", editor.Text);
        }
    }
}
