using System;
using System.Diagnostics;
using System.IO;

namespace NetFoundations.PowerShell.Tests
{
    /// <summary>What one run of nfhost printed and returned.</summary>
    public sealed record HostRun(int ExitCode, string Output, string Error);

    /// <summary>Runs the engine host as a process of its own, as build.ps1 and users do: a fresh engine each time.</summary>
    public static class NfhostProcess
    {
        public static string HostPath()
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            var path = Path.Combine(ModuleSession.RepositoryRoot(), "src", "NetFoundations.Host", "bin", configuration, "net10.0", "nfhost.dll");
            Assert.True(File.Exists(path), "nfhost is not built: " + path);
            return path;
        }

        public static HostRun Run(string workingDirectory, string? input, params string[] arguments)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = workingDirectory,
            };
            start.ArgumentList.Add(HostPath());
            foreach (var argument in arguments)
                start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEndAsync();
            if (input != null)
                process.StandardInput.Write(input);
            process.StandardInput.Close();
            if (!process.WaitForExit(120_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("nfhost did not finish: " + string.Join(' ', arguments));
            }
            return new HostRun(process.ExitCode, output.Result.Replace("\r\n", "\n"), error.Result.Replace("\r\n", "\n"));
        }
    }
}
