using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Tasks;

namespace NetFoundations.Core.Servers
{
    /// <summary>
    /// The native program an inetd-style service runs: found once when the service starts (a missing program is an
    /// error then, not on every connection), started with its arguments passed one by one, and killed with its children.
    /// </summary>
    internal sealed class InetdProgram
    {
        /// <summary>Longest stderr line kept; the rest of a longer line is dropped.</summary>
        private const int MaxErrorLineChars = 512;

        private static readonly MethodInfo? KillTree = typeof(Process).GetMethod("Kill", new[] { typeof(bool) });

        private InetdProgram(string path, IReadOnlyList<string> arguments, string? workingDirectory)
        {
            Path = path;
            Arguments = arguments;
            WorkingDirectory = workingDirectory;
        }

        public string Path { get; }
        public IReadOnlyList<string> Arguments { get; }
        public string? WorkingDirectory { get; }

        /// <summary>The program and its arguments as a person would type them, on one line and shortened, for the server's record.</summary>
        public string Describe() => Shorten(string.Join(" ", new[] { Path }.Concat(Arguments).Select(QuoteForDisplay)));

        /// <summary>A command for display: line breaks (an inline script's) as spaces, at most 100 characters.</summary>
        internal static string Shorten(string command)
        {
            var line = System.Text.RegularExpressions.Regex.Replace(command, @"\s*[\r\n]+\s*", " ");
            return line.Length <= 100 ? line : line.Substring(0, 97) + "...";
        }

        /// <summary>Finds the program: a path (relative to the current directory) or a name on PATH.</summary>
        public static InetdProgram Resolve(string filePath, IEnumerable<string> arguments, string? workingDirectory)
        {
            if (string.IsNullOrWhiteSpace(filePath))
                throw new InvalidNetworkRequestException("No program was given.", null);
            if (workingDirectory != null && !Directory.Exists(workingDirectory))
                throw new InvalidNetworkRequestException($"The working directory '{workingDirectory}' does not exist.", workingDirectory);
            var path = Find(filePath)
                ?? throw new InvalidNetworkRequestException(
                    $"The program '{filePath}' was not found (neither a file nor a name on PATH).", filePath);
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && !UnixSpawn.IsExecutable(path))
                throw new InvalidNetworkRequestException($"The program '{path}' is not executable.", path);
            return new InetdProgram(path, arguments.ToList(), workingDirectory);
        }

        private static string? Find(string filePath)
        {
            if (filePath.IndexOf(System.IO.Path.DirectorySeparatorChar) >= 0 || filePath.IndexOf(System.IO.Path.AltDirectorySeparatorChar) >= 0)
                return WithExtension(System.IO.Path.GetFullPath(filePath));
            foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator))
            {
                if (folder.Length == 0)
                    continue;
                var found = WithExtension(System.IO.Path.Combine(folder, filePath));
                if (found != null)
                    return found;
            }
            return null;
        }

        /// <summary>The file itself, or on Windows the file with one of PATHEXT's extensions.</summary>
        private static string? WithExtension(string path)
        {
            if (File.Exists(path))
                return path;
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                return null;
            foreach (var extension in (Environment.GetEnvironmentVariable("PATHEXT") ?? ".COM;.EXE;.BAT;.CMD").Split(';'))
            {
                if (extension.Length > 0 && File.Exists(path + extension))
                    return path + extension;
            }
            return null;
        }

        /// <summary>
        /// Starts a run for one connection, its three standard streams redirected. The client's addresses are in the
        /// environment as UCSPI's tcpserver names them (TCPREMOTEIP, TCPREMOTEPORT, TCPLOCALIP, TCPLOCALPORT).
        /// </summary>
        public Process Start(System.Net.IPEndPoint? remote, System.Net.IPEndPoint? local, Action exited)
        {
            var info = new ProcessStartInfo(Path, JoinArguments(Arguments))
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                CreateNoWindow = true,
            };
            if (WorkingDirectory != null)
                info.WorkingDirectory = WorkingDirectory;
            if (remote != null)
            {
                info.Environment["TCPREMOTEIP"] = remote.Address.ToString();
                info.Environment["TCPREMOTEPORT"] = remote.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            if (local != null)
            {
                info.Environment["TCPLOCALIP"] = local.Address.ToString();
                info.Environment["TCPLOCALPORT"] = local.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            var process = new Process { StartInfo = info, EnableRaisingEvents = true };
            process.Exited += (_, __) => exited();
            try
            {
                process.Start();
            }
            catch (Win32Exception e)
            {
                process.Dispose();
                throw new InvalidNetworkRequestException($"The program '{Path}' could not be started: {e.Message}", Path, e);
            }
            return process;
        }

        /// <summary>Kills the run and the processes it started (on .NET Framework, taskkill /T does it); waits a little for the end.</summary>
        public static void Kill(Process process)
        {
            try
            {
                if (process.HasExited)
                    return;
                if (KillTree != null)
                    KillTree.Invoke(process, new object[] { true });
                else if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                    TaskKill(process.Id);
                else
                    process.Kill();
                process.WaitForExit(2000);
            }
            catch (Exception e) when (e is InvalidOperationException || e is Win32Exception || e is TargetInvocationException || e is NotSupportedException)
            {
                // It ended meanwhile, or cannot be killed any more than it has been.
            }
        }

        private static void TaskKill(int pid)
        {
            using var taskkill = Process.Start(new ProcessStartInfo("taskkill", $"/T /F /PID {pid}") { UseShellExecute = false, CreateNoWindow = true });
            taskkill?.WaitForExit(5000);
        }

        /// <summary>
        /// Reads a run's standard error to its end (so the program never blocks on it), keeping its lines in the record's
        /// bounded tail, each prefixed with the client and cut at 512 characters. Returns the last line.
        /// </summary>
        public static async Task<string?> DrainErrors(Stream errors, string peer, TcpServer record)
        {
            var buffer = new byte[4096];
            var line = new MemoryStream();
            var cut = false;
            string? last = null;
            void Emit()
            {
                if (line.Length == 0 && !cut)
                    return;
                var text = Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length).TrimEnd('\r');
                last = text;
                record.StandardErrorLine(peer + ": " + text);
                line.SetLength(0);
                cut = false;
            }
            try
            {
                int count;
                while ((count = await errors.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false)) > 0)
                {
                    for (var i = 0; i < count; i++)
                    {
                        if (buffer[i] == (byte)'\n')
                            Emit();
                        else if (line.Length < MaxErrorLineChars)
                            line.WriteByte(buffer[i]);
                        else
                            cut = true;
                    }
                }
            }
            catch (Exception e) when (e is IOException || e is ObjectDisposedException)
            {
                // The run was killed and its pipe closed.
            }
            Emit();
            return last;
        }

        /// <summary>Arguments as one command line that both Windows programs and .NET on Unix split back into the same list.</summary>
        internal static string JoinArguments(IEnumerable<string> arguments)
        {
            var line = new StringBuilder();
            foreach (var argument in arguments)
            {
                if (line.Length > 0)
                    line.Append(' ');
                if (argument.Length > 0 && argument.IndexOfAny(new[] { ' ', '\t', '\n', '\v', '"' }) < 0)
                {
                    line.Append(argument);
                    continue;
                }
                line.Append('"');
                var backslashes = 0;
                foreach (var c in argument)
                {
                    if (c == '\\')
                    {
                        backslashes++;
                        continue;
                    }
                    // Backslashes before a quote are doubled, and the quote escaped; elsewhere they are literal.
                    line.Append('\\', c == '"' ? backslashes * 2 + 1 : backslashes);
                    backslashes = 0;
                    line.Append(c);
                }
                line.Append('\\', backslashes * 2);
                line.Append('"');
            }
            return line.ToString();
        }

        private static string QuoteForDisplay(string argument) =>
            argument.Length > 0 && argument.IndexOfAny(new[] { ' ', '\t', '\n', '"', '\'' }) < 0 ? argument : "'" + argument.Replace("'", "''") + "'";
    }
}
