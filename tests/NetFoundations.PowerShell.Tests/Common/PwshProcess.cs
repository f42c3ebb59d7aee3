using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace NetFoundations.PowerShell.Tests
{
    /// <summary>What one run of pwsh printed and returned.</summary>
    public sealed record PwshRun(int ExitCode, string Output, string Error);

    /// <summary>
    /// Runs the repository's pinned pwsh (the dotnet tool of .config/dotnet-tools.json) as a process of its own: a fresh
    /// session each time, for what a hosted engine cannot show (what another module loaded first, the process's OpenSSL).
    /// </summary>
    public static class PwshProcess
    {
        public static PwshRun Run(string command, IDictionary<string, string?>? environment = null)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                // dotnet finds the local tool through the manifest above the working directory.
                WorkingDirectory = ModuleSession.RepositoryRoot(),
            };
            foreach (var argument in new[] { "pwsh", "-NoProfile", "-NonInteractive", "-Command", command })
                start.ArgumentList.Add(argument);
            foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            {
                if (value == null)
                    start.Environment.Remove(name);
                else
                    start.Environment[name] = value;
            }
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEndAsync();
            process.StandardInput.Close();
            if (!process.WaitForExit(120_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("pwsh did not finish within 120 s: " + command);
            }
            return new PwshRun(process.ExitCode, output.Result.Replace("\r\n", "\n"), error.Result.Replace("\r\n", "\n"));
        }
    }
}
