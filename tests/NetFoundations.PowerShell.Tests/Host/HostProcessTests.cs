using System;
using System.IO;

namespace NetFoundations.PowerShell.Tests.Host
{
    /// <summary>Starts nfhost as a process, as build.ps1 and users do, and checks its output and exit codes.</summary>
    public sealed class HostProcessTests : IDisposable
    {
        private readonly string folder = Directory.CreateTempSubdirectory("nfhost-tests-").FullName;

        private HostRun Start(string? input, params string[] arguments) => NfhostProcess.Run(folder, input, arguments);

        private string Script(string name, string text)
        {
            var path = Path.Combine(folder, name);
            File.WriteAllText(path, text);
            return path;
        }

        [Fact]
        public void ExitN_IsTheExitCode()
        {
            var run = Start(null, "-File", Script("exit3.ps1", "'before'\nexit 3\n'after'"));
            Assert.Equal(3, run.ExitCode);
            Assert.Equal("before\n", run.Output);
        }

        [Fact]
        public void TerminatingError_ExitsWith1AndAShortMessage()
        {
            var path = Script("throws.ps1", "'before'\nthrow 'the thing broke'\n");
            var run = Start(null, "-File", path);
            Assert.Equal(1, run.ExitCode);
            Assert.Equal($"the thing broke\n  at {path}:2 char:1\n", run.Error);
        }

        [Fact]
        public void NormalEnd_ExitsWith0EvenAfterANonTerminatingError()
        {
            var run = Start(null, "-File", Script("soft.ps1", "Get-Command -Name No-SuchCommand\n'went on'\n"));
            Assert.Equal(0, run.ExitCode);
            Assert.Equal("went on\n", run.Output);
            Assert.StartsWith("Get-Command: The term 'No-SuchCommand' is not recognized", run.Error);
            Assert.DoesNotContain("   at ", run.Error);
        }

        [Fact]
        public void MissingScript_ExitsWith64()
        {
            var run = Start(null, "-File", "no-such-script.ps1");
            Assert.Equal(64, run.ExitCode);
            Assert.Contains("'no-such-script.ps1' does not exist", run.Error);
        }

        [Fact]
        public void ScriptArguments_BindLikePwsh()
        {
            var path = Script("args.ps1", "param([string] $Name, [int] $Count, [switch] $Loud, [string[]] $Items, $Rest)\n" +
                "\"Name=$Name Count=$Count Loud=$Loud Items=$($Items -join '|') Rest=$Rest\"\n");
            Assert.Equal("Name=n Count=3 Loud=True Items=a|b Rest=pos\n", Start(null, "-File", path, "-Name", "n", "-Count:3", "-Loud", "-Items", "a,b", "pos").Output);
            Assert.Equal("Name=first Count=2 Loud=True Items= Rest=\n", Start(null, "-File", path, "-Loud", "first", "2").Output);
            Assert.Equal("Name=x Count=0 Loud=False Items= Rest=\n", Start(null, "-File", path, "-Loud:$false", "-Na", "x").Output);
        }

        [Fact]
        public void Command_PrintsPlainTextWhenRedirected()
        {
            var run = Start(null, "-Command", "1 + 1; $PSStyle.OutputRendering; [pscustomobject]@{ Name = 'n'; Port = 7 }");
            Assert.Equal(0, run.ExitCode);
            Assert.StartsWith("2\nPlainText\n", run.Output);
            Assert.Contains("Name Port", run.Output);
            Assert.DoesNotContain('\u001b', run.Output);
        }

        [Fact]
        public void Interactive_ReadsRedirectedLines()
        {
            var run = Start("$x = 21\nif ($x) {\n  $x * 2\n}\nfunction Get-Twice($v) { $v * 2 }\nGet-Twice 5\nexit 9\n'not reached'\n");
            Assert.Equal(9, run.ExitCode);
            Assert.Equal("42\n10\n", run.Output);
        }

        [Fact]
        public void Interactive_EndOfInputExitsWithTheLastCode()
        {
            var run = Start("'hello'\n");
            Assert.Equal(0, run.ExitCode);
            Assert.Equal("hello\n", run.Output);
        }

        public void Dispose() => Directory.Delete(folder, recursive: true);
    }
}
