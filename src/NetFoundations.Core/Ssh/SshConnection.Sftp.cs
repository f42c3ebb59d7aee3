using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using Renci.SshNet.Sftp;

namespace NetFoundations.Core.Ssh
{
    /// <summary>SFTP on a session: list, download, upload, remove, make directory, rename.</summary>
    public sealed partial class SshConnection
    {
        private const int MaxDepth = 64;
        // Bytes asked for in each SFTP read and write: SSH.NET's 32 KiB default halves the rate on a fast link;
        // OpenSSH's sftp-server answers reads of up to 256 KiB.
        private const uint SftpBufferSize = 256 * 1024;
        private readonly object sftpGate = new object();
        private SftpClient? sftpClient;

        /// <summary>
        /// How long a failed or stopped upload tries to remove its remote partial files before its connection is closed:
        /// short, so that the command still ends within its deadline and the 2 s grace when the server is frozen.
        /// </summary>
        internal static readonly TimeSpan PartialRemovalBound = TimeSpan.FromSeconds(1);

        /// <summary>Lists a directory's entries (or the one file a path names), optionally recursively and filtered by a wildcard on the name.</summary>
        public Task ListAsync(string path, bool recurse, string? filter, Action<SftpItem> onItem, Transcript transcript, CancellationToken cancellationToken) =>
            SftpAsync(path, transcript, cancellationToken, async (sftp, cancellationToken) =>
            {
                var root = await sftp.GetAsync(path, cancellationToken).ConfigureAwait(false);
                var match = filter == null ? null : Wildcard.ToRegex(filter, ignoreCase: false);
                if (!root.IsDirectory)
                {
                    if (match == null || match.IsMatch(root.Name))
                        onItem(ToItem(root));
                    return;
                }
                await ListDirectoryAsync(sftp, root.FullName, recurse, match, onItem, 0, transcript, cancellationToken).ConfigureAwait(false);
            });

        /// <summary>
        /// Downloads a file or a directory tree. Each file goes to a temporary name and is renamed only when complete.
        /// When nothing has moved for noProgressTimeout (no bytes, no answer) the transfer ends with a NetworkTimeoutException
        /// and its connection is closed.
        /// </summary>
        public Task<SftpTransferResult> DownloadAsync(string remotePath, string localPath, bool force, TimeSpan noProgressTimeout, Action<SftpProgress>? onProgress, Transcript transcript, CancellationToken cancellationToken) =>
            SftpAsync(remotePath, transcript, cancellationToken, noProgressTimeout, null, async (sftp, deadline) =>
            {
                var cancellationToken = deadline.Token;
                var watch = Stopwatch.StartNew();
                var root = await sftp.GetAsync(remotePath, cancellationToken).ConfigureAwait(false);
                var destination = Directory.Exists(localPath) ? Path.Combine(localPath, root.Name) : localPath;
                var files = new List<(ISftpFile File, string Local)>();
                await PlanDownloadAsync(sftp, root, destination, files, 0, deadline).ConfigureAwait(false);
                if (!force)
                {
                    var existing = files.FirstOrDefault(f => File.Exists(f.Local)).Local;
                    if (existing != null)
                        throw new IOException($"{existing} exists: use -Force to overwrite it.");
                }
                var progress = new TransferProgress(SftpDirection.Download, files.Sum(f => f.File.Length), watch, onProgress, deadline.Moved);
                foreach (var (file, local) in files)
                {
                    transcript.Note($"download {file.FullName} -> {local} ({file.Length} bytes)");
                    progress.StartFile(file.FullName);
                    await DownloadFileAsync(sftp, file.FullName, local, progress, cancellationToken).ConfigureAwait(false);
                }
                return new SftpTransferResult(ComputerName, SftpDirection.Download, root.FullName, Path.GetFullPath(destination), files.Count, progress.Total, watch.Elapsed);
            });

        /// <summary>
        /// Uploads a file or a directory tree. Each file goes to a temporary remote name and is renamed when complete.
        /// When nothing has moved for noProgressTimeout the transfer ends with a NetworkTimeoutException and its connection is closed.
        /// </summary>
        /// <remarks>
        /// A failed or stopped upload removes its remote partial file while the server still answers (within
        /// PartialRemovalBound); from a frozen server it cannot, and the hidden .name.*.partial file stays there.
        /// </remarks>
        public Task<SftpTransferResult> UploadAsync(string localPath, string remotePath, bool force, TimeSpan noProgressTimeout, Action<SftpProgress>? onProgress, Transcript transcript, CancellationToken cancellationToken)
        {
            var partials = new RemotePartials();
            return SftpAsync(remotePath, transcript, cancellationToken, noProgressTimeout, partials, async (sftp, deadline) =>
            {
                var cancellationToken = deadline.Token;
                var watch = Stopwatch.StartNew();
                var isDirectory = Directory.Exists(localPath);
                if (!isDirectory && !File.Exists(localPath))
                    throw new FileNotFoundException($"{localPath} does not exist.", localPath);
                var name = Path.GetFileName(Path.GetFullPath(localPath).TrimEnd(Path.DirectorySeparatorChar));
                var destination = await IsRemoteDirectoryAsync(sftp, remotePath, cancellationToken).ConfigureAwait(false) ? CombineRemote(remotePath, name) : remotePath;
                var files = new List<(string Local, string Remote)>();
                var folders = new List<string>();
                if (isDirectory)
                    PlanUpload(localPath, destination, files, folders, 0);
                else
                    files.Add((localPath, destination));
                if (!force)
                {
                    foreach (var (_, remote) in files)
                    {
                        if (await sftp.ExistsAsync(remote, cancellationToken).ConfigureAwait(false))
                            throw new IOException($"{remote} exists on {ComputerName}: use -Force to overwrite it.");
                        deadline.Moved();
                    }
                }
                foreach (var folder in folders)
                {
                    if (!await sftp.ExistsAsync(folder, cancellationToken).ConfigureAwait(false))
                        await sftp.CreateDirectoryAsync(folder, cancellationToken).ConfigureAwait(false);
                    deadline.Moved();
                }
                var progress = new TransferProgress(SftpDirection.Upload, files.Sum(f => new FileInfo(f.Local).Length), watch, onProgress, deadline.Moved);
                foreach (var (local, remote) in files)
                {
                    transcript.Note($"upload {local} -> {remote}");
                    progress.StartFile(local);
                    await UploadFileAsync(sftp, local, remote, partials, progress, cancellationToken).ConfigureAwait(false);
                }
                return new SftpTransferResult(ComputerName, SftpDirection.Upload, destination, Path.GetFullPath(localPath), files.Count, progress.Total, watch.Elapsed);
            });
        }

        /// <summary>Removes a file, or a directory (with its contents only when recurse is set).</summary>
        public Task RemoveAsync(string path, bool recurse, Transcript transcript, CancellationToken cancellationToken) =>
            SftpAsync(path, transcript, cancellationToken, async (sftp, cancellationToken) =>
            {
                var item = await sftp.GetAsync(path, cancellationToken).ConfigureAwait(false);
                await RemoveTreeAsync(sftp, item, recurse, 0, transcript, cancellationToken).ConfigureAwait(false);
            });

        public Task<SftpItem> NewDirectoryAsync(string path, Transcript transcript, CancellationToken cancellationToken) =>
            SftpAsync(path, transcript, cancellationToken, async (sftp, cancellationToken) =>
            {
                transcript.Note($"mkdir {path}");
                await sftp.CreateDirectoryAsync(path, cancellationToken).ConfigureAwait(false);
                return ToItem(await sftp.GetAsync(path, cancellationToken).ConfigureAwait(false));
            });

        public Task<SftpItem> RenameAsync(string path, string newPath, Transcript transcript, CancellationToken cancellationToken) =>
            SftpAsync(path, transcript, cancellationToken, async (sftp, cancellationToken) =>
            {
                await sftp.GetAsync(path, cancellationToken).ConfigureAwait(false);
                if (await sftp.ExistsAsync(newPath, cancellationToken).ConfigureAwait(false))
                    throw new IOException($"{newPath} exists on {ComputerName}.");
                transcript.Note($"rename {path} -> {newPath}");
                await sftp.RenameFileAsync(path, newPath, cancellationToken).ConfigureAwait(false);
                return ToItem(await sftp.GetAsync(newPath, cancellationToken).ConfigureAwait(false));
            });

        private async Task SftpAsync(string path, Transcript transcript, CancellationToken cancellationToken, Func<SftpClient, CancellationToken, Task> work) =>
            await SftpAsync<object?>(path, transcript, cancellationToken, async (sftp, token) => { await work(sftp, token).ConfigureAwait(false); return null; }).ConfigureAwait(false);

        /// <summary>Runs one SFTP request (or a walk of a tree), bounded by the caller's token alone.</summary>
        private Task<T> SftpAsync<T>(string path, Transcript transcript, CancellationToken cancellationToken, Func<SftpClient, CancellationToken, Task<T>> work) =>
            SftpAsync(path, transcript, cancellationToken, Timeout.InfiniteTimeSpan, null, (sftp, deadline) => work(sftp, deadline.Token));

        /// <summary>
        /// Runs SFTP work on the session's SFTP connection (opened on first use). When the caller's token is cancelled or
        /// nothing has moved for noProgressTimeout, the SFTP connection is shut down and closed (SSH.NET does not watch the
        /// token in every wait; a shutdown ends a read, a wait for the server, and a send a frozen server blocks) and the
        /// work is no longer waited for. Before that, the work's remote partial files are removed, for at most
        /// PartialRemovalBound.
        /// </summary>
        private async Task<T> SftpAsync<T>(string path, Transcript transcript, CancellationToken cancellationToken, TimeSpan noProgressTimeout,
            RemotePartials? partials, Func<SftpClient, ProgressDeadline, Task<T>> work)
        {
            if (string.IsNullOrEmpty(path))
                throw new ArgumentException("A remote path is needed.", nameof(path));
            using var deadline = new ProgressDeadline(noProgressTimeout, cancellationToken);
            var token = deadline.Token;
            // Set before the work is given up (UntilCancelled's own callback may run first), completed when the partial
            // files are removed or their bound has passed.
            var removed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var closing = Task.CompletedTask;
            try
            {
                var sftp = await SftpClientAsync(transcript, token).ConfigureAwait(false);
                closing = removed.Task;
                try
                {
                    // Closing may itself wait on the frozen connection: it runs beside, never on the thread that cancels.
                    using (token.Register(() => Task.Run(async () =>
                        {
                            // The session's next transfer, which may start as soon as this one has ended, opens a new
                            // SFTP connection rather than taking this one as it closes.
                            DetachSftp(sftp);
                            try
                            {
                                await RemovePartialsAsync(sftp, partials, transcript).ConfigureAwait(false);
                            }
                            finally
                            {
                                removed.TrySetResult(true);
                            }
                            CloseSftp(sftp);
                        })))
                        return await UntilCancelled(work(sftp, deadline), token).ConfigureAwait(false);
                }
                catch (Exception e) when (!token.IsCancellationRequested)
                {
                    var translated = SshErrors.Translate(e, options.Target, path);
                    transcript.ClientError(translated.Message);
                    if (sftp.IsConnected)
                        await RemovePartialsAsync(sftp, partials, transcript).ConfigureAwait(false);
                    if (!sftp.IsConnected)
                        DropSftp(sftp);
                    throw translated;
                }
            }
            catch (Exception e) when (deadline.Passed)
            {
                await ClosedAsync().ConfigureAwait(false);
                var message = $"Nothing moved between {options.Target} and here for {noProgressTimeout.TotalSeconds:0.###} s: {path} was stopped and its SFTP connection closed.";
                transcript.ClientError(message);
                throw new NetworkTimeoutException(message, options.Target, e);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                await ClosedAsync().ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                throw;
            }

            // The partial files go before the command ends, or not at all (a frozen server): bounded either way.
            Task ClosedAsync() => Task.WhenAny(closing, Task.Delay(PartialRemovalBound));
        }

        /// <summary>Removes the remote partial files of uploads that did not finish; waits at most PartialRemovalBound, never fails.</summary>
        private static async Task RemovePartialsAsync(SftpClient sftp, RemotePartials? partials, Transcript transcript)
        {
            var left = partials?.TakeAll();
            if (left == null || left.Count == 0)
                return;
            // Off this thread: SSH.NET sends the request before its first await, and that send waits (as long as the
            // connect timeout) for room in the channel's window, which an upload to a frozen server has filled.
            var removing = Task.Run(() => Task.WhenAll(left.Select(async partial =>
            {
                await sftp.DeleteFileAsync(partial, CancellationToken.None).ConfigureAwait(false);
                transcript.Note($"removed the partial file {partial}");
            })));
            // Observed, so that a failure on the closed connection is not an unobserved exception.
            _ = removing.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
            if (await Task.WhenAny(removing, Task.Delay(PartialRemovalBound)).ConfigureAwait(false) != removing || removing.IsFaulted)
                transcript.ClientError($"could not remove the partial file{(left.Count > 1 ? "s" : string.Empty)} {string.Join(", ", left)} from {sftp.ConnectionInfo.Host}");
        }

        /// <summary>The work's result, or OperationCanceledException as soon as the token is cancelled, whether or not the work has ended.</summary>
        internal static async Task<T> UntilCancelled<T>(Task<T> work, CancellationToken token)
        {
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (token.Register(() => cancelled.TrySetResult(true)))
            {
                if (await Task.WhenAny(work, cancelled.Task).ConfigureAwait(false) != work)
                {
                    // Observed, so that its eventual failure on the closed connection is not an unobserved exception.
                    _ = work.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
                    throw new OperationCanceledException(token);
                }
            }
            return await work.ConfigureAwait(false);
        }

        private async Task<SftpClient> SftpClientAsync(Transcript transcript, CancellationToken cancellationToken)
        {
            lock (sftpGate)
            {
                if (sftpClient != null && sftpClient.IsConnected)
                    return sftpClient;
            }
            if (!IsConnected)
                throw new ConnectionLostException($"The SSH session {this} is closed.", options.Target);
            // The SFTP connection must present the very key this session was opened with.
            var trust = new HostKeyTrust(options, transcript, Session.GetHostKey());
            var sftp = new SftpClient(CreateConnectionInfo(options, address, trust.PreferredKeyTypes, transcript)) { BufferSize = SftpBufferSize };
            await ConnectClientAsync(sftp, options, trust, transcript, cancellationToken).ConfigureAwait(false);
            transcript.Note("sftp subsystem open");
            lock (sftpGate)
            {
                if (sftpClient != null && sftpClient.IsConnected)
                {
                    sftp.Dispose();
                    return sftpClient;
                }
                sftpClient?.Dispose();
                sftpClient = sftp;
                return sftp;
            }
        }

        private void DropSftp(SftpClient sftp)
        {
            DetachSftp(sftp);
            CloseSftp(sftp);
        }

        /// <summary>The session no longer hands out this SFTP connection.</summary>
        private void DetachSftp(SftpClient sftp)
        {
            lock (sftpGate)
            {
                if (ReferenceEquals(sftpClient, sftp))
                    sftpClient = null;
            }
        }

        private static void CloseSftp(SftpClient sftp)
        {
            // Without it, a send blocked on a frozen server would keep SSH.NET's dispose (and this thread) waiting.
            SshNetSocket.Shutdown(sftp);
            sftp.Dispose();
        }

        private async Task ListDirectoryAsync(SftpClient sftp, string path, bool recurse, Regex? match, Action<SftpItem> onItem, int depth, Transcript transcript, CancellationToken cancellationToken)
        {
            transcript.Note($"list {path}");
            foreach (var child in await ChildrenAsync(sftp, path, cancellationToken).ConfigureAwait(false))
            {
                if (match == null || match.IsMatch(child.Name))
                    onItem(ToItem(child));
                if (recurse && child.IsDirectory && !child.IsSymbolicLink && depth < MaxDepth)
                    await ListDirectoryAsync(sftp, child.FullName, recurse, match, onItem, depth + 1, transcript, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// A directory's entries by name, without . and .. (the synchronous listing: the async one needs
        /// IAsyncEnumerable, which netstandard2.0 lacks; Ctrl+C still ends it by closing the connection).
        /// </summary>
        private static Task<List<ISftpFile>> ChildrenAsync(SftpClient sftp, string path, CancellationToken cancellationToken) =>
            Task.Run(() => sftp.ListDirectory(path).Where(f => f.Name != "." && f.Name != "..").OrderBy(f => f.Name, StringComparer.Ordinal).ToList(), cancellationToken);

        private static async Task PlanDownloadAsync(SftpClient sftp, ISftpFile item, string local, List<(ISftpFile, string)> files, int depth, ProgressDeadline deadline)
        {
            if (!item.IsDirectory)
            {
                files.Add((item, local));
                return;
            }
            if (depth >= MaxDepth)
                throw new InvalidNetworkRequestException($"{item.FullName} is nested deeper than {MaxDepth} levels.", item.FullName);
            Directory.CreateDirectory(local);
            var children = await ChildrenAsync(sftp, item.FullName, deadline.Token).ConfigureAwait(false);
            deadline.Moved();
            foreach (var child in children)
            {
                if (child.IsSymbolicLink)
                    continue;
                if (child.IsDirectory || child.IsRegularFile)
                    await PlanDownloadAsync(sftp, child, Path.Combine(local, child.Name), files, depth + 1, deadline).ConfigureAwait(false);
            }
        }

        private static async Task DownloadFileAsync(SftpClient sftp, string remote, string local, TransferProgress progress, CancellationToken cancellationToken)
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(local))!;
            var partial = Path.Combine(folder, $".{Path.GetFileName(local)}.{Guid.NewGuid():N}.partial");
            try
            {
                long length;
                using (var stream = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                // SSH.NET does not always look at the token while its reads run ahead, nor end at once when it does:
                // closing the file ends the copy, and removing it here means a stop leaves nothing behind while it unwinds.
                using (cancellationToken.Register(() => { CloseQuietly(stream); DeleteQuietly(partial); }))
                {
                    await sftp.DownloadFileAsync(remote, stream, new Reporter<DownloadFileProgressReport>(r => progress.Report((long)r.TotalBytesDownloaded)), cancellationToken).ConfigureAwait(false);
                    length = stream.Length;
                }
                cancellationToken.ThrowIfCancellationRequested();   // a stopped download never gets the final name
                if (File.Exists(local))
                    File.Replace(partial, local, null);
                else
                    File.Move(partial, local);
                progress.EndFile(length);
            }
            finally
            {
                if (File.Exists(partial))
                    File.Delete(partial);
            }
        }

        private static void CloseQuietly(Stream stream)
        {
            try { stream.Dispose(); }
            catch (Exception) { }   // the copy being stopped fails on the closed file, and that failure is the one reported
        }

        private static void DeleteQuietly(string path)
        {
            try { File.Delete(path); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }   // the finally below tries again
        }

        /// <summary>Uploads to a hidden partial name, then renames; until then the partial file is in partials (see SftpAsync).</summary>
        private static async Task UploadFileAsync(SftpClient sftp, string local, string remote, RemotePartials partials, TransferProgress progress, CancellationToken cancellationToken)
        {
            var partial = CombineRemote(ParentOf(remote), $".{NameOf(remote)}.{Guid.NewGuid():N}.partial");
            partials.Add(partial);
            using (var stream = new FileStream(local, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true))
                await sftp.UploadFileAsync(stream, partial, false, new Reporter<UploadFileProgressReport>(r => progress.Report((long)r.TotalBytesUploaded)), cancellationToken).ConfigureAwait(false);
            // posix-rename@openssh.com replaces an existing file in one step.
            await Task.Run(() => sftp.RenameFile(partial, remote, true), cancellationToken).ConfigureAwait(false);
            partials.Remove(partial);
            progress.EndFile(new FileInfo(local).Length);
        }

        private static void PlanUpload(string local, string remote, List<(string, string)> files, List<string> folders, int depth)
        {
            if (depth >= MaxDepth)
                throw new InvalidNetworkRequestException($"{local} is nested deeper than {MaxDepth} levels.", local);
            folders.Add(remote);
            foreach (var file in Directory.GetFiles(local).OrderBy(f => f, StringComparer.Ordinal))
                files.Add((file, CombineRemote(remote, Path.GetFileName(file))));
            foreach (var folder in Directory.GetDirectories(local).OrderBy(f => f, StringComparer.Ordinal))
                PlanUpload(folder, CombineRemote(remote, Path.GetFileName(folder)), files, folders, depth + 1);
        }

        private static async Task<bool> IsRemoteDirectoryAsync(SftpClient sftp, string path, CancellationToken cancellationToken) =>
            await sftp.ExistsAsync(path, cancellationToken).ConfigureAwait(false)
            && (await sftp.GetAsync(path, cancellationToken).ConfigureAwait(false)).IsDirectory;

        private async Task RemoveTreeAsync(SftpClient sftp, ISftpFile item, bool recurse, int depth, Transcript transcript, CancellationToken cancellationToken)
        {
            if (item.IsDirectory && !item.IsSymbolicLink)
            {
                if (recurse && depth < MaxDepth)
                {
                    foreach (var child in await ChildrenAsync(sftp, item.FullName, cancellationToken).ConfigureAwait(false))
                        await RemoveTreeAsync(sftp, child, recurse, depth + 1, transcript, cancellationToken).ConfigureAwait(false);
                }
                transcript.Note($"rmdir {item.FullName}");
                await sftp.DeleteDirectoryAsync(item.FullName, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                transcript.Note($"remove {item.FullName}");
                await sftp.DeleteFileAsync(item.FullName, cancellationToken).ConfigureAwait(false);
            }
        }

        private SftpItem ToItem(ISftpFile file)
        {
            var mode = new StringBuilder(10);
            mode.Append(file.IsDirectory ? 'd' : file.IsSymbolicLink ? 'l' : '-');
            mode.Append(file.OwnerCanRead ? 'r' : '-').Append(file.OwnerCanWrite ? 'w' : '-').Append(file.OwnerCanExecute ? 'x' : '-');
            mode.Append(file.GroupCanRead ? 'r' : '-').Append(file.GroupCanWrite ? 'w' : '-').Append(file.GroupCanExecute ? 'x' : '-');
            mode.Append(file.OthersCanRead ? 'r' : '-').Append(file.OthersCanWrite ? 'w' : '-').Append(file.OthersCanExecute ? 'x' : '-');
            return new SftpItem(Session, file.FullName, file.Name, file.Length, file.IsDirectory, file.IsSymbolicLink,
                file.LastWriteTime, mode.ToString(), file.UserId, file.GroupId);
        }

        private static string CombineRemote(string folder, string name) => folder.EndsWith("/", StringComparison.Ordinal) ? folder + name : folder + "/" + name;

        private static string ParentOf(string remote)
        {
            var slash = remote.TrimEnd('/').LastIndexOf('/');
            return slash < 0 ? "." : slash == 0 ? "/" : remote.Substring(0, slash);
        }

        private static string NameOf(string remote) => remote.TrimEnd('/').Substring(remote.TrimEnd('/').LastIndexOf('/') + 1);

        /// <summary>The remote partial files of an upload that are not yet renamed to their final names.</summary>
        private sealed class RemotePartials
        {
            private readonly List<string> names = new List<string>();

            public void Add(string name) { lock (names) names.Add(name); }

            public void Remove(string name) { lock (names) names.Remove(name); }

            /// <summary>The names left, once: a second call gets none.</summary>
            public List<string> TakeAll()
            {
                lock (names)
                {
                    var all = names.ToList();
                    names.Clear();
                    return all;
                }
            }
        }

        /// <summary>Calls back on the reporting thread (Progress&lt;T&gt; would post to the thread pool out of order).</summary>
        private sealed class Reporter<T> : IProgress<T>
        {
            private readonly Action<T> report;
            public Reporter(Action<T> report) => this.report = report;
            public void Report(T value) => report(value);
        }

        /// <summary>Totals over the files of one transfer, reported at most a few times a second.</summary>
        private sealed class TransferProgress
        {
            private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
            private readonly SftpDirection direction;
            private readonly long totalBytes;
            private readonly Stopwatch watch;
            private readonly Action<SftpProgress>? onProgress;
            private readonly Action moved;
            private string file = string.Empty;
            private long done;
            private long current;
            private TimeSpan lastReport = -Interval;

            public TransferProgress(SftpDirection direction, long totalBytes, Stopwatch watch, Action<SftpProgress>? onProgress, Action moved)
            {
                this.moved = moved;
                this.direction = direction;
                this.totalBytes = totalBytes;
                this.watch = watch;
                this.onProgress = onProgress;
            }

            public long Total => done;

            public void StartFile(string name)
            {
                file = name;
                current = 0;
            }

            public void Report(long bytesOfFile)
            {
                if (bytesOfFile != current)
                    moved();
                current = bytesOfFile;
                if (onProgress == null || watch.Elapsed - lastReport < Interval)
                    return;
                lastReport = watch.Elapsed;
                onProgress(new SftpProgress(direction, file, done + current, totalBytes, watch.Elapsed));
            }

            public void EndFile(long bytes)
            {
                moved();
                done += bytes;
                current = 0;
            }
        }
    }
}
