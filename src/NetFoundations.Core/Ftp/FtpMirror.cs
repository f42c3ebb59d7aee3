using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Ftp
{
    /// <summary>
    /// A mirror between a local and a remote folder that shows its plan first: CompareAsync lists each difference
    /// (Compare-FtpItem), SyncAsync carries a plan out (Sync-FtpItem) through FtpTrees' transfers, after
    /// CheckDeletes has refused a plan that would delete too much.
    /// </summary>
    public static class FtpMirror
    {
        /// <summary>
        /// The differences between a remote and a local folder, in path order. Direction says which side is the source:
        /// Download, the remote folder. A source file the destination lacks is Missing; one of another size is
        /// SizeDiffers; one of the same size changed later than the destination's copy (by more than the listing's
        /// precision: 2 s with MLSD, a minute with LIST, whose times have no seconds) is Newer; a destination file the
        /// source lacks is Extra. Files only: folders are made as the files need them. A destination folder that does
        /// not exist yet is empty.
        /// </summary>
        public static async Task<IReadOnlyList<FtpDifference>> CompareAsync(FtpConnection connection, string remotePath, string localPath,
            FtpDirection direction, Transcript transcript, CancellationToken cancellationToken)
        {
            var root = connection.Absolute(remotePath);
            var local = Path.GetFullPath(localPath);
            var type = await connection.TypeOfAsync(root, transcript, cancellationToken).ConfigureAwait(false);
            if (type == FtpItemType.File)
                throw new InvalidNetworkRequestException($"{root} on {connection.Target} is a file: a mirror compares folders.", root);
            if (type == null && direction == FtpDirection.Download)
                throw new FileNotFoundException($"{root} does not exist on {connection.Target}.", root);
            if (File.Exists(local))
                throw new IOException($"{local} is a file: a mirror compares folders.");
            if (!Directory.Exists(local) && direction == FtpDirection.Upload)
                throw new DirectoryNotFoundException($"The folder {local} does not exist.");

            var remote = type == null
                ? new FtpTrees.Tree<FtpItem>()
                : await FtpTrees.RemoteTreeAsync(connection, root, transcript, cancellationToken).ConfigureAwait(false);
            var mine = Directory.Exists(local) ? FtpTrees.LocalTree(local, connection.Options.MaxWalkEntries, transcript) : new FtpTrees.Tree<FileInfo>();
            var precision = connection.Session.GetFeatures().Contains("MLST") ? TimeSpan.FromSeconds(2) : TimeSpan.FromMinutes(1);
            var download = direction == FtpDirection.Download;
            var sourceFiles = download ? remote.Files.Count : mine.Files.Count;
            var destinationFiles = download ? mine.Files.Count : remote.Files.Count;

            var differences = new List<FtpDifference>();
            foreach (var relative in remote.Files.Keys.Union(mine.Files.Keys).Distinct().OrderBy(k => k, StringComparer.Ordinal))
            {
                remote.Files.TryGetValue(relative, out var there);
                mine.Files.TryGetValue(relative, out var here);
                var remoteSide = there == null ? null : new Side(there.Size, there.Modified);
                var localSide = here == null ? null : new Side(here.Length, here.LastWriteTimeUtc);
                var source = download ? remoteSide : localSide;
                var destination = download ? localSide : remoteSide;

                FtpDifferenceReason reason;
                string detail;
                if (destination == null)
                {
                    reason = FtpDifferenceReason.Missing;
                    detail = $"not on the {(download ? "local" : "remote")} side";
                }
                else if (source == null)
                {
                    reason = FtpDifferenceReason.Extra;
                    detail = $"only on the {(download ? "local" : "remote")} side";
                }
                else if (source.Size >= 0 && destination.Size >= 0 && source.Size != destination.Size)
                {
                    reason = FtpDifferenceReason.SizeDiffers;
                    detail = $"{source.Size:N0} bytes in the source, {destination.Size:N0} in the destination";
                }
                else if (source.Modified.HasValue && destination.Modified.HasValue && source.Modified.Value - destination.Modified.Value > precision)
                {
                    reason = FtpDifferenceReason.Newer;
                    detail = $"changed {source.Modified:u} in the source, {destination.Modified:u} in the destination";
                }
                else
                {
                    continue;
                }
                differences.Add(new FtpDifference(connection.Session, direction, relative, reason, FtpConnection.Combine(root, relative),
                    FtpTrees.LocalPathOf(local, relative), root, local)
                {
                    SourceSize = source?.Size ?? -1,
                    DestinationSize = destination?.Size ?? -1,
                    SourceModified = source?.Modified,
                    DestinationModified = destination?.Modified,
                    Detail = detail,
                    SourceFiles = sourceFiles,
                    DestinationFiles = destinationFiles,
                });
            }
            transcript.Note($"compared {root} with {local}: {sourceFiles} source files, {destinationFiles} destination files, {differences.Count} differences");
            return differences;
        }

        private sealed class Side
        {
            public Side(long size, DateTime? modified)
            {
                Size = size;
                Modified = modified;
            }

            public long Size { get; }
            public DateTime? Modified { get; }
        }

        /// <summary>
        /// Refuses a plan whose deletions look like a mistake, before anything is done: deleting when the source listing
        /// held no files (an empty or wrong source folder would wipe the destination), or deleting more than
        /// maximumPercent of the destination's files. ignoreLimit lifts both (the caller asked by name).
        /// </summary>
        public static void CheckDeletes(IReadOnlyList<FtpDifference> deletions, double maximumPercent, bool ignoreLimit)
        {
            if (deletions.Count == 0 || ignoreLimit)
                return;
            var first = deletions[0];
            var source = first.Direction == FtpDirection.Download ? $"{first.RemoteRoot} on {first.ComputerName}" : first.LocalRoot;
            if (first.SourceFiles == 0)
                throw new InvalidNetworkRequestException(
                    $"The source {source} listed no files: deleting the {deletions.Count} files of the destination was refused. " +
                    "If it is meant, add -IgnoreDeleteLimit.", source);
            var percent = 100.0 * deletions.Count / Math.Max(1, first.DestinationFiles);
            if (percent > maximumPercent)
                throw new InvalidNetworkRequestException(
                    $"The plan deletes {deletions.Count} of the {first.DestinationFiles} files of the destination ({percent:0.#} %), more than " +
                    $"-MaximumDeletePercent {maximumPercent:0.#}: nothing was done. Raise the limit, or add -IgnoreDeleteLimit.", source);
        }

        /// <summary>
        /// Carries out a plan (differences of one session and direction, as CompareAsync gave them, already agreed to):
        /// Missing, Newer and SizeDiffers files are transferred (replacing the destination's copy), each to a temporary
        /// name until complete and verified, over options.ThrottleLimit connections; then the Extra ones in the plan are
        /// deleted. Each file's result and error goes to options; the summary is returned.
        /// </summary>
        public static async Task<FtpTreeResult> SyncAsync(FtpConnection connection, IReadOnlyList<FtpDifference> plan, FtpTreeOptions options,
            Transcript transcript, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            if (plan.Count == 0)
                throw new ArgumentException("The plan is empty.", nameof(plan));
            var first = plan[0];
            if (plan.Any(d => d.Direction != first.Direction || d.RemoteRoot != first.RemoteRoot || d.LocalRoot != first.LocalRoot || d.Session != first.Session))
                throw new ArgumentException("A plan covers one comparison: one session, one direction, one pair of folders. Compare and sync each pair on its own.", nameof(plan));
            var result = new FtpTreeResult(connection.ComputerName, first.Direction, first.RemoteRoot, first.LocalRoot);
            var transfers = plan.Where(d => d.Reason != FtpDifferenceReason.Extra).ToList();
            var download = first.Direction == FtpDirection.Download;
            // The folders each file needs, from the root down.
            var folders = new SortedSet<string>(StringComparer.Ordinal) { string.Empty };
            foreach (var difference in transfers)
            {
                var parts = difference.RelativePath.Split('/');
                for (var i = 1; i < parts.Length; i++)
                    folders.Add(string.Join("/", parts.Take(i)));
            }
            if (transfers.Count > 0)
            {
                result.FoldersCreated = download
                    ? FtpTrees.MakeLocalFolders(folders.Select(f => f.Length == 0 ? first.LocalRoot : FtpTrees.LocalPathOf(first.LocalRoot, f)))
                    : await connection.EnsureDirectoriesAsync(folders.Select(f => f.Length == 0 ? first.RemoteRoot : FtpConnection.Combine(first.RemoteRoot, f)).ToList(),
                        transcript, cancellationToken).ConfigureAwait(false);
            }
            var files = transfers.Select(d => new FtpTrees.TreeFile(d.RemotePath, d.LocalPath, d.SourceSize, d.SourceModified)).ToList();
            var replacing = new FtpTreeOptions
            {
                Force = true,
                ThrottleLimit = options.ThrottleLimit,
                NoProgressTimeout = options.NoProgressTimeout,
                OnProgress = options.OnProgress,
                OnFile = options.OnFile,
                OnError = options.OnError,
            };
            await FtpTrees.TransferAsync(connection, first.Direction, files, result, replacing, transcript, cancellationToken).ConfigureAwait(false);

            foreach (var extra in plan.Where(d => d.Reason == FtpDifferenceReason.Extra))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var path = download ? extra.LocalPath : extra.RemotePath;
                try
                {
                    if (download)
                        File.Delete(extra.LocalPath);
                    else
                        await connection.RemoveAsync(extra.RemotePath, false, transcript, cancellationToken).ConfigureAwait(false);
                    transcript.Note($"deleted the extra file {path}");
                    result.Deleted++;
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    result.Failed++;
                    options.OnError?.Invoke(e, path);
                }
            }
            result.DurationMs = watch.Elapsed.TotalMilliseconds;
            return result;
        }
    }
}
