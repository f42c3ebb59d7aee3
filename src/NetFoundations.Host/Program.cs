using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace NetFoundations.Host
{
    /// <summary>
    /// nfhost: runs PowerShell on the bare engine where pwsh is not installed.
    ///   nfhost -File script.ps1 [-Name value | -Switch | value]...
    ///   nfhost -Command "text" [-NoExit]
    ///   nfhost                                  (interactive prompt; plain lines when stdin is redirected)
    /// The exit code follows the script: its 'exit N', 1 for a terminating error, else 0; 64 for bad usage.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            string? file = null, command = null;
            var noExit = false;
            var scriptArguments = new List<string>();
            for (var i = 0; i < args.Length; i++)
            {
                if (file != null) { scriptArguments.Add(args[i]); continue; }
                switch (args[i].ToLowerInvariant())
                {
                    case "-file" when i + 1 < args.Length: file = args[++i]; break;
                    case "-command" when i + 1 < args.Length: command = args[++i]; break;
                    case "-noexit": noExit = true; break;
                    case "-noprofile": case "-nologo": break;
                    case "-help": case "-?": case "--help":
                        Console.WriteLine("nfhost [-File script.ps1 [arguments]] [-Command text] [-NoExit]");
                        return 0;
                    case "-file":
                    case "-command":
                        Console.Error.WriteLine($"nfhost: {args[i]} needs a value. Try -help.");
                        return HostSession.UsageError;
                    default:
                        Console.Error.WriteLine($"nfhost: unknown argument '{args[i]}'. Try -help.");
                        return HostSession.UsageError;
                }
            }

            var host = new ConsoleHost();
            var state = InitialSessionState.CreateDefault2();
            using var runspace = RunspaceFactory.CreateRunspace(host, state);
            runspace.Open();
            var session = new HostSession(runspace, host);
            if (Console.IsOutputRedirected)
                session.UsePlainTextOutput();

            int exitCode = 0;
            if (file != null)
                exitCode = session.RunFile(file, scriptArguments);
            else if (command != null)
                exitCode = session.RunText(command);
            if (host.ExitCode.HasValue)
                return host.ExitCode.Value;
            if ((file == null && command == null) || noExit)
                exitCode = new InteractivePrompt(session).Run();
            return host.ExitCode ?? exitCode;
        }
    }
}
