using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Ftp
{
    /// <summary>How a tree transfer runs, and where its results go (callbacks may be called from several threads at once).</summary>
    public sealed class FtpTreeOptions
    {
        /// <summary>Replace files that exist on the destination side; without it each such file is an error and the rest go on.</summary>
        public bool Force { get; set; }
        /// <summary>How many FTP connections move files at the same time: the session's own and ThrottleLimit - 1 more, each used by one worker only.</summary>
        public int ThrottleLimit { get; set; } = 1;
        /// <summary>How long one file's transfer may go without a byte moving.</summary>
        public TimeSpan NoProgressTimeout { get; set; } = TimeSpan.FromSeconds(30);
        public Action<FtpProgress>? OnProgress { get; set; }
        public Action<FtpTransferResult>? OnFile { get; set; }
        /// <summary>A file that failed: the error and the path it concerns. The others go on.</summary>
        public Action<Exception, string>? OnError { get; set; }
    }

    /// <summary>
    /// Whole trees over FTP: the walks of a remote and a local folder (bounded in depth and entries, links never
    /// followed, so a loop cannot make them endless) and the transfer of their files, each through FtpConnection's
    /// own DownloadAsync/UploadAsync (temporary name, size and hash checked, -Force rules), over one or more
    /// connections. FluentFTP's client is not shared between threads: each worker has its own connection.
    /// </summary>
    public static class FtpTrees
    {
        /// <summary>The most connections a tree transfer opens to one server.</summary>
        public const int MaxThrottleLimit = 16;

        /// <summary>One file of a tree: where it is on each side and its size on the side it comes from.</summary>
        internal sealed class TreeFile
        {
            public TreeFile(string remote, string local, long size, DateTime? modified)
            {
                Remote = remote;
                Local = local;
                Size = size;
                Modified = modified;
            }

            public string Remote { get; }
            public string Local { get; }
            public long Size { get; }
            /// <summary>The source's last change (UTC), which the copy is given, so that a mirror compares it equal afterwards.</summary>
            public DateTime? Modified { get; }
        }

        /// <summary>A walked tree: its files by path below the root (parts joined by /), and its folders.</summary>
        internal sealed class Tree<T>
        {
            public SortedDictionary<string, T> Files { get; } = new SortedDictionary<string, T>(StringComparer.Ordinal);
            public List<string> Folders { get; } = new List<string>();
        }

        /// <summary>
        /// Downloads every file below a remote folder into a local folder (made when missing), keeping the layout;
        /// empty folders are made too. Links on the server are not followed.
        /// </summary>
        public static async Task<FtpTreeResult> DownloadAsync(FtpConnection connection, string remotePath, string localPath, FtpTreeOptions options,
            Transcript transcript, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            var root = connection.Absolute(remotePath);
            var local = Path.GetFullPath(localPath);
            var type = await connection.TypeOfAsync(root, transcript, cancellationToken).ConfigureAwait(false);
            if (type == null)
                throw new FileNotFoundException($"{root} does not exist on {connection.Target}.", root);
            if (type != FtpItemType.Directory)
                throw new InvalidNetworkRequestException($"{root} on {connection.Target} is a file: download it without -Recurse.", root);
            if (File.Exists(local))
                throw new IOException($"{local} is a file: a tree is downloaded into a folder.");
            var tree = await RemoteTreeAsync(connection, root, transcript, cancellationToken).ConfigureAwait(false);
            var result = new FtpTreeResult(connection.ComputerName, FtpDirection.Download, root, local);
            result.FoldersCreated = MakeLocalFolders(new[] { local }.Concat(tree.Folders.Select(f => LocalPathOf(local, f))));
            var files = tree.Files.Select(f => new TreeFile(f.Value.Path, LocalPathOf(local, f.Key), f.Value.Size, f.Value.Modified)).ToList();
            await TransferAsync(connection, FtpDirection.Download, files, result, options, transcript, cancellationToken).ConfigureAwait(false);
            result.DurationMs = watch.Elapsed.TotalMilliseconds;
            return result;
        }

        /// <summary>
        /// Uploads every file below a local folder into a remote folder (made when missing), keeping the layout; empty
        /// folders are made too. Folder links are not followed (a loop cannot make the walk endless); file links are sent as files.
        /// </summary>
        public static async Task<FtpTreeResult> UploadAsync(FtpConnection connection, string localPath, string remotePath, FtpTreeOptions options,
            Transcript transcript, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            var local = Path.GetFullPath(localPath);
            if (File.Exists(local))
                throw new InvalidNetworkRequestException($"{local} is a file: upload it without -Recurse.", local);
            if (!Directory.Exists(local))
                throw new DirectoryNotFoundException($"The folder {local} does not exist.");
            var root = connection.Absolute(remotePath);
            var tree = LocalTree(local, connection.Options.MaxWalkEntries, transcript);
            var result = new FtpTreeResult(connection.ComputerName, FtpDirection.Upload, root, local);
            var folders = new List<string> { root };
            folders.AddRange(tree.Folders.Select(f => FtpConnection.Combine(root, f)));
            result.FoldersCreated = await connection.EnsureDirectoriesAsync(folders, transcript, cancellationToken).ConfigureAwait(false);
            var files = tree.Files.Select(f => new TreeFile(FtpConnection.Combine(root, f.Key), f.Value.FullName, f.Value.Length, f.Value.LastWriteTimeUtc)).ToList();
            await TransferAsync(connection, FtpDirection.Upload, files, result, options, transcript, cancellationToken).ConfigureAwait(false);
            result.DurationMs = watch.Elapsed.TotalMilliseconds;
            return result;
        }

        /// <summary>
        /// Walks a remote folder (ListAsync: bounded, links listed but not followed, each directory once). Entries whose
        /// names would leave the folder (.., a slash) and this module's own partial files are left out, with a note.
        /// </summary>
        internal static async Task<Tree<FtpItem>> RemoteTreeAsync(FtpConnection connection, string root, Transcript transcript, CancellationToken cancellationToken)
        {
            var tree = new Tree<FtpItem>();
            await connection.ListAsync(root, true, FtpConnection.MaxDepth, null, item =>
            {
                var relative = RelativeOf(root, item.Path);
                if (relative == null)
                {
                    transcript.ClientError($"left out {item.Path}: its name would lead out of {root}");
                    return;
                }
                switch (item.Type)
                {
                    case FtpItemType.Directory:
                        tree.Folders.Add(relative);
                        break;
                    case FtpItemType.Link:
                        transcript.Note($"left out the link {item.Path}: links are not followed");
                        break;
                    default:
                        if (!IsPartialName(item.Name))
                            tree.Files[relative] = item;
                        break;
                }
            }, transcript, cancellationToken).ConfigureAwait(false);
            return tree;
        }

        /// <summary>
        /// Walks a local folder to MaxDepth levels and at most maxEntries entries. Folder links (and junctions) are not
        /// entered, so a loop cannot make the walk endless; this module's own partial files are left out.
        /// </summary>
        internal static Tree<FileInfo> LocalTree(string root, int maxEntries, Transcript transcript)
        {
            var tree = new Tree<FileInfo>();
            var count = 0;
            var pending = new Stack<(DirectoryInfo Folder, string Relative, int Level)>();
            pending.Push((new DirectoryInfo(root), string.Empty, 0));
            while (pending.Count > 0)
            {
                var (folder, relative, level) = pending.Pop();
                foreach (var entry in folder.EnumerateFileSystemInfos())
                {
                    if (++count > maxEntries)
                        throw new InvalidNetworkRequestException($"The walk of {root} passed {maxEntries:N0} entries: choose a folder further down.", root);
                    var path = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
                    if (entry is DirectoryInfo sub)
                    {
                        if ((sub.Attributes & FileAttributes.ReparsePoint) != 0)
                        {
                            transcript.Note($"left out the folder link {sub.FullName}: links to folders are not followed");
                            continue;
                        }
                        if (level + 1 > FtpConnection.MaxDepth)
                            throw new InvalidNetworkRequestException($"{sub.FullName} is more than {FtpConnection.MaxDepth} levels below {root}.", root);
                        tree.Folders.Add(path);
                        pending.Push((sub, path, level + 1));
                    }
                    else if (entry is FileInfo file && !IsPartialName(file.Name))
                    {
                        tree.Files[path] = file;
                    }
                }
            }
            tree.Folders.Sort(StringComparer.Ordinal);
            return tree;
        }

        /// <summary>
        /// Moves the files, each by FtpConnection's single-file transfer, over up to options.ThrottleLimit connections
        /// (the session's and new ones with the same options, closed at the end). A file that fails is reported and the
        /// others go on; a worker whose connection is lost stops, leaving its files to the others.
        /// </summary>
        internal static async Task TransferAsync(FtpConnection connection, FtpDirection direction, IReadOnlyList<TreeFile> files, FtpTreeResult result,
            FtpTreeOptions options, Transcript transcript, CancellationToken cancellationToken)
        {
            result.Files += files.Count;
            if (files.Count == 0)
                return;
            var watch = Stopwatch.StartNew();
            var queue = new ConcurrentQueue<TreeFile>(files);
            var progress = new TreeProgress(direction, files, watch, options.OnProgress);
            var wanted = Math.Max(1, Math.Min(Math.Min(options.ThrottleLimit, MaxThrottleLimit), files.Count));
            var extra = new List<FtpSession>();
            try
            {
                if (wanted > 1)
                    extra.AddRange(await OpenMoreAsync(connection, wanted - 1, transcript, cancellationToken).ConfigureAwait(false));
                result.Connections = 1 + extra.Count;
                transcript.Note($"{direction.ToString().ToLowerInvariant()} {files.Count} files over {result.Connections} connection(s)");
                using (options.OnProgress == null ? null : new ProgressTicker(progress.Report))
                {
                    var workers = new List<Task> { WorkAsync(connection) };
                    workers.AddRange(extra.Select(s => WorkAsync(s.Connection())));
                    await Task.WhenAll(workers).ConfigureAwait(false);
                }
                cancellationToken.ThrowIfCancellationRequested();
                var left = queue.Count;
                if (left > 0)
                {
                    lock (result)
                        result.Failed += left;
                    options.OnError?.Invoke(new ConnectionLostException(
                        $"{left} of the {files.Count} files were not transferred: every connection to {connection.Target} was lost.", connection.Target), result.RemotePath);
                }
                progress.Report();
            }
            finally
            {
                // Closed together, each bounded by the session's timeout.
                await Task.WhenAll(extra.Select(s => Task.Run(s.Disconnect))).ConfigureAwait(false);
            }

            async Task WorkAsync(FtpConnection worker)
            {
                while (!cancellationToken.IsCancellationRequested && queue.TryDequeue(out var file))
                {
                    try
                    {
                        var done = direction == FtpDirection.Download
                            ? await worker.DownloadAsync(file.Remote, file.Local, options.Force, false, options.NoProgressTimeout,
                                p => progress.Moved(file, p.BytesDone), transcript, cancellationToken, listedSize: file.Size).ConfigureAwait(false)
                            : await worker.UploadAsync(file.Local, file.Remote, options.Force, options.NoProgressTimeout,
                                p => progress.Moved(file, p.BytesDone), transcript, cancellationToken).ConfigureAwait(false);
                        if (file.Modified.HasValue && direction == FtpDirection.Download)
                            File.SetLastWriteTimeUtc(done.LocalPath, file.Modified.Value);
                        else if (file.Modified.HasValue)
                            await worker.SetModifiedAsync(done.RemotePath, file.Modified.Value, transcript, cancellationToken).ConfigureAwait(false);
                        progress.Finished(file, done.BytesTransferred);
                        lock (result)
                        {
                            result.Transferred++;
                            result.BytesTransferred += done.BytesTransferred;
                        }
                        options.OnFile?.Invoke(done);
                    }
                    catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                    {
                        progress.Finished(file, 0);
                        lock (result)
                            result.Failed++;
                        options.OnError?.Invoke(e, direction == FtpDirection.Download ? file.Remote : file.Local);
                        if (!worker.IsConnected)
                        {
                            transcript.ClientError($"a connection to {connection.Target} was lost; the files left go to the others");
                            return;
                        }
                    }
                }
            }
        }

        /// <summary>
        /// Opens count more connections like the session's, at the same time. One that fails is noted and the transfer
        /// goes on with those that opened (the session's own at least); on cancellation every one opened is closed.
        /// </summary>
        private static async Task<List<FtpSession>> OpenMoreAsync(FtpConnection connection, int count, Transcript transcript, CancellationToken cancellationToken)
        {
            var opening = Enumerable.Range(0, count).Select(_ => FtpConnection.ConnectAsync(connection.Options, transcript, cancellationToken)).ToList();
            var opened = new List<FtpSession>();
            foreach (var task in opening)
            {
                try
                {
                    opened.Add(await task.ConfigureAwait(false));
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    transcript.ClientError($"could not open another connection to {connection.Target}: {e.Message}");
                }
                catch (Exception)
                {
                    // Cancelled: the others that opened are closed below.
                }
            }
            if (cancellationToken.IsCancellationRequested)
            {
                foreach (var session in opened)
                    session.Disconnect();
                cancellationToken.ThrowIfCancellationRequested();
            }
            return opened;
        }

        /// <summary>The bytes and files of the whole tree, for one progress bar fed by every worker.</summary>
        private sealed class TreeProgress
        {
            private readonly FtpDirection direction;
            private readonly Stopwatch watch;
            private readonly Action<FtpProgress>? onProgress;
            private readonly ConcurrentDictionary<TreeFile, long> moving = new ConcurrentDictionary<TreeFile, long>();
            private readonly long total;
            private readonly int files;
            private long finishedBytes;
            private int finishedFiles;
            private string current = string.Empty;

            public TreeProgress(FtpDirection direction, IReadOnlyList<TreeFile> files, Stopwatch watch, Action<FtpProgress>? onProgress)
            {
                this.direction = direction;
                this.watch = watch;
                this.onProgress = onProgress;
                this.files = files.Count;
                total = files.Sum(f => Math.Max(0, f.Size));
            }

            public void Moved(TreeFile file, long bytes)
            {
                moving[file] = bytes;
                current = direction == FtpDirection.Download ? file.Remote : file.Local;
            }

            public void Finished(TreeFile file, long bytes)
            {
                moving.TryRemove(file, out _);
                Interlocked.Add(ref finishedBytes, bytes);
                Interlocked.Increment(ref finishedFiles);
            }

            public void Report()
            {
                var done = Interlocked.Read(ref finishedBytes) + moving.Values.Sum();
                onProgress?.Invoke(new FtpProgress(direction, current, done, total, watch.Elapsed, Volatile.Read(ref finishedFiles), files));
            }
        }

        /// <summary>A remote path below root as parts joined by /; null when a part would leave root (.., empty) or holds a backslash.</summary>
        internal static string? RelativeOf(string root, string path)
        {
            var prefix = root.EndsWith("/", StringComparison.Ordinal) ? root : root + "/";
            if (!path.StartsWith(prefix, StringComparison.Ordinal) || path.Length == prefix.Length)
                return null;
            var relative = path.Substring(prefix.Length);
            foreach (var part in relative.Split('/'))
            {
                if (part.Length == 0 || part == "." || part == ".." || part.IndexOf('\\') >= 0 || part.IndexOf(':') >= 0)
                    return null;
            }
            return relative;
        }

        /// <summary>Where a path below a remote root lands below a local one; never outside it.</summary>
        internal static string LocalPathOf(string localRoot, string relative)
        {
            var full = Path.GetFullPath(Path.Combine(localRoot, relative.Replace('/', Path.DirectorySeparatorChar)));
            var prefix = localRoot.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? localRoot : localRoot + Path.DirectorySeparatorChar;
            if (!full.StartsWith(prefix, StringComparison.Ordinal))
                throw new ProtocolViolationException($"The remote name {relative} would be written outside {localRoot}.", relative);
            return full;
        }

        /// <summary>Makes the local folders that are missing; returns how many it made.</summary>
        internal static int MakeLocalFolders(IEnumerable<string> folders)
        {
            var made = 0;
            foreach (var folder in folders)
            {
                if (Directory.Exists(folder))
                    continue;
                Directory.CreateDirectory(folder);
                made++;
            }
            return made;
        }

        /// <summary>The names this module gives files while they are written (.name.partial, .name.guid.partial): never part of a tree.</summary>
        internal static bool IsPartialName(string name) =>
            name.StartsWith(".", StringComparison.Ordinal) && name.EndsWith(".partial", StringComparison.Ordinal);
    }
}
