using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipes;
using System.Linq;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Servers
{
    /// <summary>
    /// Starts a program with a socket as its standard input, as inetd starts a "wait" service: posix_spawn with a dup2
    /// of the socket onto descriptor 0 in the child only. The parent's socket keeps its close-on-exec flag throughout, so
    /// no other process started meanwhile (by any thread) inherits it, which clearing the flag around a fork could not
    /// promise. The child leads a process group of its own, so a kill reaches the processes it starts too; its standard
    /// output and error share one pipe back to the parent.
    /// </summary>
    internal sealed class UnixSpawn
    {
        private const int SIGKILL = 9;
        private const int SIGPIPE = 13;
        private const int EINTR = 4;
        private const int X_OK = 1;
        private const short POSIX_SPAWN_SETPGROUP = 0x02;
        private const short POSIX_SPAWN_SETSIGDEF = 0x04;
        private const short POSIX_SPAWN_SETSIGMASK = 0x08;

        // Opaque libc structures: glibc's are at most a few hundred bytes, macOS's a pointer; these sizes hold either.
        private const int ActionsSize = 1024;
        private const int AttributesSize = 1024;
        private const int SignalSetSize = 1024;

        private readonly int pid;
        private int reaped;

        private UnixSpawn(int pid, Stream output, Task<int> exit)
        {
            this.pid = pid;
            Output = output;
            Exit = exit;
        }

        /// <summary>The program's standard output and error, until it (and every process holding them) ends.</summary>
        public Stream Output { get; }

        /// <summary>Completes with the exit code, or 128 + the signal that ended it (as a shell reports it).</summary>
        public Task<int> Exit { get; }

        public static bool IsExecutable(string path) => access(path, X_OK) == 0;

        public static UnixSpawn Start(InetdProgram program, Socket standardInput)
        {
            var output = new AnonymousPipeServerStream(PipeDirection.In, HandleInheritability.None);
            var actions = Marshal.AllocHGlobal(ActionsSize);
            var attributes = Marshal.AllocHGlobal(AttributesSize);
            var signals = Marshal.AllocHGlobal(SignalSetSize);
            try
            {
                Check(posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
                Check(posix_spawnattr_init(attributes), "posix_spawnattr_init");
                try
                {
                    var writeEnd = (int)output.ClientSafePipeHandle.DangerousGetHandle();
                    Check(posix_spawn_file_actions_adddup2(actions, (int)standardInput.Handle, 0), "adddup2");
                    Check(posix_spawn_file_actions_adddup2(actions, writeEnd, 1), "adddup2");
                    Check(posix_spawn_file_actions_adddup2(actions, writeEnd, 2), "adddup2");
                    if (program.WorkingDirectory != null)
                        Check(posix_spawn_file_actions_addchdir_np(actions, program.WorkingDirectory), "addchdir");
                    // .NET ignores SIGPIPE, and an ignored signal stays ignored across exec: the child gets the default back.
                    Check(sigemptyset(signals), "sigemptyset");
                    Check(sigaddset(signals, SIGPIPE), "sigaddset");
                    Check(posix_spawnattr_setsigdefault(attributes, signals), "setsigdefault");
                    Check(sigemptyset(signals), "sigemptyset");
                    Check(posix_spawnattr_setsigmask(attributes, signals), "setsigmask");
                    Check(posix_spawnattr_setpgroup(attributes, 0), "setpgroup");
                    Check(posix_spawnattr_setflags(attributes, (short)(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)), "setflags");

                    var argv = new[] { program.Path }.Concat(program.Arguments).Concat(new string?[] { null }).ToArray();
                    var envp = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
                        .Select(e => (string?)$"{e.Key}={e.Value}").Concat(new string?[] { null }).ToArray();
                    var error = posix_spawn(out var pid, program.Path, actions, attributes, argv, envp);
                    if (error != 0)
                        throw new InvalidNetworkRequestException(
                            $"The program '{program.Path}' could not be started: {new System.ComponentModel.Win32Exception(error).Message}", program.Path);
                    GC.KeepAlive(standardInput);
                    output.DisposeLocalCopyOfClientHandle();
                    var exit = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                    var spawned = new UnixSpawn(pid, output, exit.Task);
                    var waiter = new Thread(() => exit.SetResult(spawned.WaitForExit())) { IsBackground = true, Name = "inetd wait " + pid };
                    waiter.Start();
                    return spawned;
                }
                finally
                {
                    posix_spawnattr_destroy(attributes);
                    posix_spawn_file_actions_destroy(actions);
                }
            }
            catch
            {
                output.Dispose();
                throw;
            }
            finally
            {
                Marshal.FreeHGlobal(signals);
                Marshal.FreeHGlobal(attributes);
                Marshal.FreeHGlobal(actions);
            }
        }

        /// <summary>Kills the program's process group (it and what it started), unless it has been reaped already.</summary>
        public void Kill()
        {
            if (Volatile.Read(ref reaped) == 0)
                kill(-pid, SIGKILL);
        }

        private int WaitForExit()
        {
            while (true)
            {
                var result = waitpid(pid, out var status, 0);
                if (result == pid)
                {
                    Volatile.Write(ref reaped, 1);
                    // What the program started lives on in its group when it exits: end it with the run.
                    kill(-pid, SIGKILL);
                    var signal = status & 0x7f;
                    return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
                }
                if (result == -1 && Marshal.GetLastWin32Error() != EINTR)
                {
                    Volatile.Write(ref reaped, 1);
                    return -1;
                }
            }
        }

        private static void Check(int result, string call)
        {
            if (result != 0)
                throw new InvalidOperationException($"{call} failed ({result}).");
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int access(string path, int mode);

        [DllImport("libc", SetLastError = true)]
        private static extern int kill(int pid, int signal);

        [DllImport("libc", SetLastError = true)]
        private static extern int waitpid(int pid, out int status, int options);

        [DllImport("libc")]
        private static extern int posix_spawn(out int pid, string path, IntPtr fileActions, IntPtr attributes, string?[] argv, string?[] envp);

        [DllImport("libc")]
        private static extern int posix_spawn_file_actions_init(IntPtr actions);

        [DllImport("libc")]
        private static extern int posix_spawn_file_actions_destroy(IntPtr actions);

        [DllImport("libc")]
        private static extern int posix_spawn_file_actions_adddup2(IntPtr actions, int fd, int newFd);

        [DllImport("libc")]
        private static extern int posix_spawn_file_actions_addchdir_np(IntPtr actions, string path);

        [DllImport("libc")]
        private static extern int posix_spawnattr_init(IntPtr attributes);

        [DllImport("libc")]
        private static extern int posix_spawnattr_destroy(IntPtr attributes);

        [DllImport("libc")]
        private static extern int posix_spawnattr_setflags(IntPtr attributes, short flags);

        [DllImport("libc")]
        private static extern int posix_spawnattr_setpgroup(IntPtr attributes, int group);

        [DllImport("libc")]
        private static extern int posix_spawnattr_setsigdefault(IntPtr attributes, IntPtr signals);

        [DllImport("libc")]
        private static extern int posix_spawnattr_setsigmask(IntPtr attributes, IntPtr signals);

        [DllImport("libc")]
        private static extern int sigemptyset(IntPtr signals);

        [DllImport("libc")]
        private static extern int sigaddset(IntPtr signals, int signal);
    }
}
