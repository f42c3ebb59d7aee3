using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using FluentFTP;

namespace NetFoundations.Core.Ftp
{
    /// <summary>Listings and file operations on a session.</summary>
    public sealed partial class FtpConnection
    {
        /// <summary>How deep a recursive walk goes at most, whatever -Depth says.</summary>
        public const int MaxDepth = 64;
        private const int BufferSize = 256 * 1024;

        /// <summary>
        /// Lists a directory's entries (or the one file a path names), optionally recursively to depth levels below it
        /// (links are listed, never followed; a directory already visited is not walked again), filtered by a wildcard
        /// on the name. MLSD where the server offers it, else LIST parsed by FluentFTP.
        /// </summary>
        public Task ListAsync(string path, bool recurse, int depth, string? filter, Action<FtpItem> onItem, Transcript transcript, CancellationToken cancellationToken) =>
            RunAsync<object?>(path, transcript, cancellationToken, async token =>
            {
                var root = Absolute(path);
                var match = filter == null ? null : Wildcard.ToRegex(filter, ignoreCase: false);
                var (kind, _) = await KindAsync(root, token).ConfigureAwait(false);
                switch (kind)
                {
                    case Kind.Missing:
                        throw NotFound(root);
                    case Kind.File:
                        var item = await ItemAsync(root, FtpItemType.File, token).ConfigureAwait(false);
                        if (match == null || match.IsMatch(item.Name))
                            onItem(item);
                        return null;
                }
                var visited = new HashSet<string>(StringComparer.Ordinal) { root };
                var count = 0;
                await WalkAsync(root, 0).ConfigureAwait(false);
                return null;

                async Task WalkAsync(string folder, int level)
                {
                    foreach (var child in await ListDirectoryAsync(folder, transcript, token).ConfigureAwait(false))
                    {
                        if (++count > options.MaxWalkEntries)
                            throw new InvalidNetworkRequestException($"The walk of {root} passed {options.MaxWalkEntries:N0} entries: narrow it with -Depth or a path further down.", root);
                        if (match == null || match.IsMatch(child.Name))
                            onItem(child);
                        if (recurse && child.Type == FtpItemType.Directory && level + 1 <= Math.Min(depth, MaxDepth) && visited.Add(child.Path))
                            await WalkAsync(child.Path, level + 1).ConfigureAwait(false);
                    }
                }
            });

        /// <summary>
        /// A directory's listing as the server sent it, line by line in its order, bounded as every listing is: with
        /// names, NLST's names (as ftplib's nlst, with the directory some servers put before each name taken off);
        /// otherwise LIST's lines unparsed (as ftplib's dir).
        /// </summary>
        public Task ListLinesAsync(string path, bool names, Action<string> onLine, Transcript transcript, CancellationToken cancellationToken) =>
            RunAsync<object?>(path, transcript, cancellationToken, async token =>
            {
                var folder = Absolute(path);
                if ((await KindAsync(folder, token).ConfigureAwait(false)).Kind == Kind.Missing)
                    throw NotFound(folder);
                transcript.Note($"{(names ? "names" : "raw listing")} of {folder}");
                var prefix = folder.EndsWith("/", StringComparison.Ordinal) ? folder : folder + "/";
                foreach (var line in await ReadListingAsync((names ? "NLST " : "LIST ") + folder, folder, token).ConfigureAwait(false))
                    onLine(names && line.StartsWith(prefix, StringComparison.Ordinal) && line.Length > prefix.Length ? line.Substring(prefix.Length) : line);
                return null;
            });

        /// <summary>
        /// Downloads a file. It is written to a partial file beside the destination (.name.partial) and takes its name
        /// only when its length is the size the server announced. With resume, a partial file left by an interrupted
        /// download is continued from its length (REST), so no byte is read twice; a failed download keeps its partial
        /// file for that. When nothing has moved for noProgressTimeout the transfer ends with a NetworkTimeoutException
        /// and the session is closed. With ascii the file moves as text (TYPE A): the server sends its lines ending in
        /// CRLF and they are written with this system's line ending; the size then cannot be compared (the server's 226
        /// reply is what says it is complete), and resume is refused (the offsets on the wire are not the file's).
        /// listedSize, when known (a tree's listing), is the size the copy must have, instead of asking SIZE.
        /// </summary>
        public Task<FtpTransferResult> DownloadAsync(string remotePath, string localPath, bool force, bool resume, TimeSpan noProgressTimeout,
            Action<FtpProgress>? onProgress, Transcript transcript, CancellationToken cancellationToken, bool ascii = false, long listedSize = -1) =>
            RunAsync(remotePath, transcript, cancellationToken, noProgressTimeout, async deadline =>
            {
                if (ascii && resume)
                    throw new ArgumentException("An ASCII download cannot be resumed: the bytes on the wire are not the file's. Resume it in binary, or download it again.");
                var token = deadline.Token;
                var watch = Stopwatch.StartNew();
                var remote = Absolute(remotePath);
                // A tree's files come with the size their listing gave: the copy is checked against it, one SIZE fewer per file.
                var (kind, size) = listedSize >= 0 && !ascii ? (Kind.File, listedSize) : await KindAsync(remote, token).ConfigureAwait(false);
                if (kind == Kind.Missing)
                    throw NotFound(remote);
                if (kind == Kind.Directory)
                    throw new InvalidNetworkRequestException($"{remote} on {Target} is a directory: Receive-FtpItem downloads files (list it with Get-FtpChildItem and pipe the files in).", remote);
                if (size < 0 && !ascii)
                    throw new ProtocolViolationException($"{Target} did not give the size of {remote} (SIZE), so a download could not be verified.", Target);
                var destination = Path.GetFullPath(Directory.Exists(localPath) ? Path.Combine(localPath, NameOf(remote)) : localPath);
                if (File.Exists(destination) && !force)
                    throw new IOException($"{destination} exists: use -Force to overwrite it.");
                var folder = Path.GetDirectoryName(destination)!;
                if (!Directory.Exists(folder))
                    throw new DirectoryNotFoundException($"The folder {folder} does not exist.");
                var partial = PartialPathOf(destination);
                long offset = 0;
                if (resume && File.Exists(partial))
                {
                    offset = new FileInfo(partial).Length;
                    if (offset > size)
                    {
                        transcript.Note($"the partial file {partial} holds more than the {size} bytes of {remote}: starting again");
                        offset = 0;
                    }
                }
                transcript.Note(offset > 0 ? $"resume {remote} at byte {offset} of {size} -> {partial}"
                    : $"download {remote} ({size} bytes{(ascii ? ", as ASCII text" : string.Empty)}) -> {partial}");
                var progress = new Progress(FtpDirection.Download, remote, size - offset, watch, onProgress, deadline.Moved);
                // The local file is written synchronously (to the page cache): an asynchronous FileStream on Linux hands
                // each write to another thread, and on a busy machine each such hand-over waits for a core.
                using (var file = new FileStream(partial, offset > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1, useAsync: false))
                {
                    if (ascii)
                    {
                        var stream = await client.OpenRead(remote, FtpDataType.ASCII, 0, -1, token).ConfigureAwait(false);
                        data = stream;
                        var buffer = new byte[BufferSize];
                        var lines = new LineEndings(toWire: false);
                        int read;
                        while ((read = await stream.ReadAsync(buffer, 0, buffer.Length, token).ConfigureAwait(false)) > 0)
                        {
                            var text = lines.Convert(buffer, read);
                            file.Write(text.Array!, 0, text.Count);
                            progress.Add(read);
                        }
                        var rest = lines.Flush();
                        file.Write(rest.Array!, 0, rest.Count);
                        file.Flush();
                        CloseData(stream, remote);
                        await ExpectAsync("TYPE I", null, token).ConfigureAwait(false);
                    }
                    else if (offset < size)
                    {
                        var stream = await client.OpenRead(remote, FtpDataType.Binary, offset, size, token).ConfigureAwait(false);
                        data = stream;
                        // A small file gets a buffer of its size (and one byte to see the end), not a quarter-megabyte each.
                        var buffer = new byte[(int)Math.Min(BufferSize, size - offset + 1)];
                        int read;
                        while ((read = await stream.ReadAsync(buffer, 0, buffer.Length, token).ConfigureAwait(false)) > 0)
                        {
                            if (offset + progress.Done + read > size)
                                throw new ProtocolViolationException($"{Target} sent more of {remote} than the {size} bytes its SIZE reply announced.", Target);
                            file.Write(buffer, 0, read);
                            progress.Add(read);
                        }
                        file.Flush();
                        if (offset + progress.Done < size)
                            throw new ConnectionLostException(
                                $"The data connection from {Target} ended after {offset + progress.Done} of the {size} bytes of {remote}; " +
                                $"the partial file {partial} is kept: -Resume continues it.", Target);
                        CloseData(stream, remote);
                    }
                }
                var length = new FileInfo(partial).Length;
                if (length != size && !ascii)
                    throw new ConnectionLostException($"{partial} holds {length} bytes where {remote} has {size}: it keeps its partial name.", Target);
                var verifiedBy = ascii ? "Reply" : "Size";
                if (!ascii)
                {
                    var hash = await CompareHashAsync(remote, partial, transcript, token).ConfigureAwait(false);
                    deadline.Moved();
                    if (hash.Differs)
                    {
                        File.Delete(partial);
                        throw new ProtocolViolationException($"The copy of {remote} is not the server's: {hash.Detail}; the partial file was removed.", Target);
                    }
                    if (hash.Algorithm != null)
                        verifiedBy = "Size, " + hash.Algorithm;
                }
                if (File.Exists(destination))
                    File.Replace(partial, destination, null);
                else
                    File.Move(partial, destination);
                return new FtpTransferResult(ComputerName, FtpDirection.Download, remote, destination, ascii ? length : size, progress.Done, offset, watch.Elapsed, verifiedBy);
            });

        /// <summary>Where a download to destination is written until it is complete (and where -Resume finds it).</summary>
        public static string PartialPathOf(string destination) =>
            Path.Combine(Path.GetDirectoryName(Path.GetFullPath(destination))!, "." + Path.GetFileName(destination) + ".partial");

        /// <summary>
        /// Uploads a file to a hidden partial name beside the remote path, checks its size there, then renames it
        /// (replacing an existing file only with force). A failed upload removes its partial file while the server
        /// still answers. When nothing has moved for noProgressTimeout the transfer ends and the session is closed.
        /// With ascii the file moves as text (TYPE A): its lines go out ending in CRLF, and the server stores them with
        /// its own line ending, so the stored size is not compared.
        /// </summary>
        public Task<FtpTransferResult> UploadAsync(string localPath, string remotePath, bool force, TimeSpan noProgressTimeout,
            Action<FtpProgress>? onProgress, Transcript transcript, CancellationToken cancellationToken, bool ascii = false) =>
            RunAsync(remotePath, transcript, cancellationToken, noProgressTimeout, async deadline =>
            {
                var token = deadline.Token;
                var watch = Stopwatch.StartNew();
                if (Directory.Exists(localPath))
                    throw new InvalidNetworkRequestException($"{localPath} is a folder: Send-FtpItem uploads files (pipe them in from Get-ChildItem -File).", localPath);
                if (!File.Exists(localPath))
                    throw new FileNotFoundException($"{localPath} does not exist.", localPath);
                var length = new FileInfo(localPath).Length;
                var remote = Absolute(remotePath);
                var (kind, _) = await KindAsync(remote, token).ConfigureAwait(false);
                if (kind == Kind.Directory)
                {
                    remote = Combine(remote, Path.GetFileName(localPath));
                    (kind, _) = await KindAsync(remote, token).ConfigureAwait(false);
                }
                if (kind == Kind.Directory)
                    throw new IOException($"{remote} is a directory on {ComputerName}.");
                if (kind == Kind.File && !force)
                    throw new IOException($"{remote} exists on {ComputerName}: use -Force to overwrite it.");
                var partial = Combine(ParentOf(remote), $".{NameOf(remote)}.{Guid.NewGuid():N}.partial");
                transcript.Note($"upload {localPath} ({length} bytes) -> {partial}");
                var progress = new Progress(FtpDirection.Upload, localPath, length, watch, onProgress, deadline.Moved);
                var written = false;
                var verifiedBy = "Reply";
                try
                {
                    // Read synchronously (from the page cache, as curl does): an asynchronous FileStream on Linux hands each
                    // read to another thread, and on a busy machine each such hand-over waited for a core (half the rate).
                    using (var file = new FileStream(localPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: false))
                    {
                        var stream = await client.OpenWrite(partial, ascii ? FtpDataType.ASCII : FtpDataType.Binary, false, token).ConfigureAwait(false);
                        data = stream;
                        written = true;
                        var buffer = new byte[ascii ? BufferSize : (int)Math.Min(BufferSize, length + 1)];
                        var lines = ascii ? new LineEndings(toWire: true) : null;
                        int read;
                        while ((read = file.Read(buffer, 0, buffer.Length)) > 0)
                        {
                            var chunk = lines?.Convert(buffer, read) ?? new ArraySegment<byte>(buffer, 0, read);
                            await stream.WriteAsync(chunk.Array!, chunk.Offset, chunk.Count, token).ConfigureAwait(false);
                            progress.Add(read);
                        }
                        CloseData(stream, partial);
                        if (ascii)
                            await ExpectAsync("TYPE I", null, token).ConfigureAwait(false);
                    }
                    var (_, stored) = await KindAsync(partial, token).ConfigureAwait(false);
                    if (stored >= 0 && stored != length && !ascii)
                        throw new ConnectionLostException($"{ComputerName} holds {stored} of the {length} bytes sent to {partial}.", Target);
                    if (!ascii)
                    {
                        var hash = await CompareHashAsync(partial, localPath, transcript, token).ConfigureAwait(false);
                        deadline.Moved();
                        if (hash.Differs)
                            throw new ProtocolViolationException($"What {ComputerName} stored is not {localPath}: {hash.Detail}.", Target);
                        verifiedBy = hash.Algorithm != null ? "Size, " + hash.Algorithm : stored >= 0 ? "Size" : "Reply";
                    }
                    await ExpectAsync("RNFR " + partial, partial, token).ConfigureAwait(false);
                    var renamed = await client.Execute("RNTO " + remote, token).ConfigureAwait(false);
                    if (!renamed.Success && kind == Kind.File)
                    {
                        // Some servers will not rename over a file: the old one goes first (asked for with force).
                        await ExpectAsync("DELE " + remote, remote, token).ConfigureAwait(false);
                        await ExpectAsync("RNFR " + partial, partial, token).ConfigureAwait(false);
                        await ExpectAsync("RNTO " + remote, remote, token).ConfigureAwait(false);
                    }
                    else if (!renamed.Success)
                    {
                        throw FtpErrors.Refused(renamed.Code, renamed.Message, Target, remote);
                    }
                    written = false;
                }
                finally
                {
                    if (written && data == null && client.IsConnected)
                        await RemovePartialAsync(partial, transcript).ConfigureAwait(false);
                }
                return new FtpTransferResult(ComputerName, FtpDirection.Upload, remote, Path.GetFullPath(localPath), length, progress.Done, 0, watch.Elapsed, verifiedBy);
            });

        /// <summary>
        /// Compares the server's hash of remote (where it offers one) with the local file's: Algorithm null when the
        /// server offers none, Differs true with both values in Detail when they differ.
        /// </summary>
        private async Task<(string? Algorithm, bool Differs, string Detail)> CompareHashAsync(string remote, string local, Transcript transcript, CancellationToken token)
        {
            var theirs = await FtpHashes.RemoteAsync(client, remote, transcript, token).ConfigureAwait(false);
            if (theirs == null)
                return (null, false, string.Empty);
            var (algorithm, hex) = theirs.Value;
            var mine = await FtpHashes.LocalAsync(algorithm, local, token).ConfigureAwait(false);
            if (mine == hex)
            {
                transcript.Note($"{algorithm} {hex}: the same on both sides");
                return (algorithm, false, string.Empty);
            }
            return (algorithm, true, $"{algorithm} {mine} here, {hex} on {ComputerName}");
        }

        /// <summary>Removes an upload's partial file, waiting at most a second; never fails.</summary>
        private async Task RemovePartialAsync(string partial, Transcript transcript)
        {
            try
            {
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                var reply = await client.Execute("DELE " + partial, limit.Token).ConfigureAwait(false);
                if (reply.Success)
                    transcript.Note($"removed the partial file {partial}");
                else
                    transcript.ClientError($"could not remove the partial file {partial}: {reply.Code} {reply.Message}");
            }
            catch (Exception e)
            {
                transcript.ClientError($"could not remove the partial file {partial}: {e.Message}");
            }
        }

        /// <summary>Removes a file, or a directory (with its contents only when recurse is set; links are removed, not followed).</summary>
        public Task RemoveAsync(string path, bool recurse, Transcript transcript, CancellationToken cancellationToken) =>
            RunAsync<object?>(path, transcript, cancellationToken, async token =>
            {
                var target = Absolute(path);
                var (kind, _) = await KindAsync(target, token).ConfigureAwait(false);
                if (kind == Kind.Missing)
                    throw NotFound(target);
                if (kind == Kind.File)
                {
                    await ExpectAsync("DELE " + target, target, token).ConfigureAwait(false);
                    return null;
                }
                if (target == "/" || target == home)
                    throw new InvalidNetworkRequestException($"{target} is the root or the login directory of {ComputerName}: it is not removed.", target);
                await RemoveTreeAsync(target, recurse, 0).ConfigureAwait(false);
                return null;

                async Task RemoveTreeAsync(string folder, bool withContents, int level)
                {
                    if (withContents && level < MaxDepth)
                    {
                        foreach (var child in await ListDirectoryAsync(folder, transcript, token).ConfigureAwait(false))
                        {
                            if (child.Type == FtpItemType.Directory)
                                await RemoveTreeAsync(child.Path, true, level + 1).ConfigureAwait(false);
                            else
                                await ExpectAsync("DELE " + child.Path, child.Path, token).ConfigureAwait(false);
                        }
                    }
                    await ExpectAsync("RMD " + folder, folder, token).ConfigureAwait(false);
                }
            });

        /// <summary>What a path is: File, Directory, or null when it is missing (a tree transfer asks before it walks).</summary>
        internal Task<FtpItemType?> TypeOfAsync(string path, Transcript transcript, CancellationToken cancellationToken) =>
            RunAsync(path, transcript, cancellationToken, async token =>
            {
                var (kind, _) = await KindAsync(Absolute(path), token).ConfigureAwait(false);
                return kind == Kind.Missing ? (FtpItemType?)null : kind == Kind.Directory ? FtpItemType.Directory : FtpItemType.File;
            });

        /// <summary>
        /// Gives a remote file a last-change time (MFMT where offered, else MDTM with a time, which vsftpd takes), so that
        /// a mirrored file compares equal afterwards. A server that refuses keeps its own time: noted, not an error.
        /// </summary>
        internal Task SetModifiedAsync(string path, DateTime utc, Transcript transcript, CancellationToken cancellationToken) =>
            RunAsync<object?>(path, transcript, cancellationToken, async token =>
            {
                var target = Absolute(path);
                var stamp = utc.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
                var reply = await client.Execute((client.HasFeature(FtpCapability.MFMT) ? "MFMT " : "MDTM ") + stamp + " " + target, token).ConfigureAwait(false);
                if (!reply.Success)
                    transcript.Note($"{ComputerName} kept its own time for {target}: {reply.Code} {reply.Message}");
                return null;
            });

        /// <summary>
        /// Makes the directories a tree upload needs, parents first, leaving those that exist; returns how many it made.
        /// A path that exists as a file is an error.
        /// </summary>
        internal Task<int> EnsureDirectoriesAsync(IReadOnlyList<string> paths, Transcript transcript, CancellationToken cancellationToken) =>
            RunAsync(paths.Count > 0 ? paths[0] : home, transcript, cancellationToken, async token =>
            {
                var made = 0;
                foreach (var path in paths.OrderBy(p => p.Count(c => c == '/')).ThenBy(p => p, StringComparer.Ordinal))
                {
                    var target = Absolute(path);
                    var mkd = await client.Execute("MKD " + target, token).ConfigureAwait(false);
                    if (mkd.Success)
                    {
                        made++;
                        continue;
                    }
                    // Refused: fine when it is there already as a directory (the usual reason), the refusal otherwise.
                    if ((await KindAsync(target, token).ConfigureAwait(false)).Kind != Kind.Directory)
                        throw FtpErrors.Refused(mkd.Code, mkd.Message, Target, target);
                }
                return made;
            });

        /// <summary>Makes a directory and returns it as listed.</summary>
        public Task<FtpItem> NewDirectoryAsync(string path, Transcript transcript, CancellationToken cancellationToken) =>
            RunAsync(path, transcript, cancellationToken, async token =>
            {
                var target = Absolute(path);
                if ((await KindAsync(target, token).ConfigureAwait(false)).Kind != Kind.Missing)
                    throw new IOException($"{target} exists on {ComputerName}.");
                await ExpectAsync("MKD " + target, target, token).ConfigureAwait(false);
                return await ItemAsync(target, FtpItemType.Directory, token).ConfigureAwait(false);
            });

        /// <summary>Renames or moves a file or directory; an existing target is never replaced.</summary>
        public Task<FtpItem> RenameAsync(string path, string newPath, Transcript transcript, CancellationToken cancellationToken) =>
            RunAsync(path, transcript, cancellationToken, async token =>
            {
                var source = Absolute(path);
                var destination = Absolute(newPath);
                var (kind, _) = await KindAsync(source, token).ConfigureAwait(false);
                if (kind == Kind.Missing)
                    throw NotFound(source);
                if ((await KindAsync(destination, token).ConfigureAwait(false)).Kind != Kind.Missing)
                    throw new IOException($"{destination} exists on {ComputerName}.");
                await ExpectAsync("RNFR " + source, source, token).ConfigureAwait(false);
                await ExpectAsync("RNTO " + destination, destination, token).ConfigureAwait(false);
                return await ItemAsync(destination, kind == Kind.Directory ? FtpItemType.Directory : FtpItemType.File, token).ConfigureAwait(false);
            });

        /// <summary>One entry as its parent directory lists it (a bare entry when the listing leaves it out).</summary>
        private async Task<FtpItem> ItemAsync(string path, FtpItemType type, CancellationToken token)
        {
            var name = NameOf(path);
            var entries = await ListDirectoryAsync(ParentOf(path), null, token).ConfigureAwait(false);
            return entries.FirstOrDefault(e => e.Name == name)
                ?? new FtpItem(Session, path, name, type, -1, null, null, null, null, null);
        }

        /// <summary>
        /// One directory's entries, without . and .., in name order, parsed from its listing (ReadListingAsync).
        /// </summary>
        private async Task<List<FtpItem>> ListDirectoryAsync(string folder, Transcript? transcript, CancellationToken token)
        {
            var machine = client.HasFeature(FtpCapability.MLST);
            var command = (machine ? "MLSD " : "LIST ") + folder;
            transcript?.Note($"list {folder}");
            var lines = await ReadListingAsync(command, folder, token).ConfigureAwait(false);

            var items = new List<FtpItem>();
            foreach (var text in lines)
            {
                FtpListItem? parsed;
                try
                {
                    parsed = client.Parser.ParseSingleLine(folder, text, client.Capabilities, machine);
                }
                catch (Exception e) when (!(e is OperationCanceledException))
                {
                    transcript?.Note($"listing line not understood: {text} ({e.Message})");
                    continue;
                }
                if (parsed == null || parsed.Name == "." || parsed.Name == ".." || string.IsNullOrEmpty(parsed.Name))
                    continue;
                items.Add(ToItem(folder, parsed));
            }
            items.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            return items;
        }

        /// <summary>
        /// The lines a listing command (MLSD, LIST, NLST) sends on its data connection, without their line endings and
        /// without empty lines. The data connection is read here, not by FluentFTP, so that every size is bounded: a
        /// line, the lines, the bytes (options.MaxListing…).
        /// </summary>
        private async Task<List<string>> ReadListingAsync(string command, string folder, CancellationToken token)
        {
            var lines = new List<string>();
            var stream = await client.OpenListingAsync(command, token).ConfigureAwait(false);
            data = stream;
            var buffer = new byte[64 * 1024];
            var line = new MemoryStream();
            long total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer, 0, buffer.Length, token).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > options.MaxListingBytes)
                    throw new ProtocolViolationException($"The listing of {folder} from {Target} passed {options.MaxListingBytes:N0} bytes.", Target);
                for (var i = 0; i < read; i++)
                {
                    if (buffer[i] == (byte)'\n')
                    {
                        AddLine();
                        continue;
                    }
                    if (line.Length >= options.MaxListingLineBytes)
                        throw new ProtocolViolationException($"A line of the listing of {folder} from {Target} passed {options.MaxListingLineBytes:N0} bytes.", Target);
                    line.WriteByte(buffer[i]);
                }
            }
            AddLine();
            CloseData(stream, folder);
            return lines;

            void AddLine()
            {
                var length = (int)line.Length;
                if (length > 0 && line.GetBuffer()[length - 1] == (byte)'\r')
                    length--;
                if (length > 0)
                {
                    if (lines.Count >= options.MaxListingLines)
                        throw new ProtocolViolationException($"The listing of {folder} from {Target} passed {options.MaxListingLines:N0} lines.", Target);
                    lines.Add(client.Encoding.GetString(line.GetBuffer(), 0, length));
                }
                line.SetLength(0);
            }
        }

        /// <summary>
        /// Closes a data connection, which reads the server's final reply: 226 when it sent or stored everything; a
        /// refusal there (a 522 for TLS, a 426 for an aborted transfer) is the command's error.
        /// </summary>
        private void CloseData(Stream stream, string path)
        {
            // Dispose alone would not read the reply: FtpDataStream's Close does. (Its CloseAsync returns a Task in the
            // netstandard2.0 build and a ValueTask in the net8.0 one, which PowerShell 7 loads: Core calls neither.)
            // The reply is read here, on this thread: it is there already or comes at once, and a server that holds it
            // back is ended by the deadline, which shuts the sockets down (a hand-over to another thread cost a wait for
            // a core per file on a busy machine).
            if (stream is FtpDataStream ftp)
                ftp.Close();
            else
                stream.Dispose();
            data = null;
            var reply = client.LastReply;
            if (!reply.Success)
                throw FtpErrors.Refused(reply.Code, reply.Message, Target, path);
        }

        private FtpItem ToItem(string folder, FtpListItem item)
        {
            var type = item.Type switch
            {
                FtpObjectType.Directory => FtpItemType.Directory,
                FtpObjectType.Link => FtpItemType.Link,
                _ => FtpItemType.File,
            };
            var modified = item.Modified == DateTime.MinValue ? (DateTime?)null : DateTime.SpecifyKind(item.Modified, DateTimeKind.Utc);
            var permissions = string.IsNullOrEmpty(item.RawPermissions) ? null : item.RawPermissions;
            return new FtpItem(Session, Combine(folder, item.Name), item.Name, type, type == FtpItemType.Directory && item.Size < 0 ? -1 : item.Size,
                modified, permissions, Blank(item.RawOwner), Blank(item.RawGroup), Blank(item.LinkTarget));
        }

        private static string? Blank(string? text) => string.IsNullOrEmpty(text) ? null : text;

        /// <summary>
        /// Line endings of an ASCII transfer: to the wire, a line feed not already after a carriage return becomes CRLF;
        /// from the wire, CRLF becomes this system's line ending (nothing changes where that is CRLF). A CR at the end of
        /// one chunk waits for the next.
        /// </summary>
        private sealed class LineEndings
        {
            private static readonly bool LocalIsCrLf = Environment.NewLine == "\r\n";
            private readonly bool toWire;
            private byte[] output = new byte[2 * BufferSize + 1];
            private bool carriageReturn;

            public LineEndings(bool toWire) => this.toWire = toWire;

            public ArraySegment<byte> Convert(byte[] input, int count)
            {
                if (output.Length < 2 * count + 1)
                    output = new byte[2 * count + 1];
                var n = 0;
                for (var i = 0; i < count; i++)
                {
                    var b = input[i];
                    if (toWire)
                    {
                        if (b == (byte)'\n' && !carriageReturn)
                            output[n++] = (byte)'\r';
                        output[n++] = b;
                        carriageReturn = b == (byte)'\r';
                        continue;
                    }
                    if (LocalIsCrLf)
                    {
                        output[n++] = b;
                        continue;
                    }
                    if (carriageReturn && b != (byte)'\n')
                        output[n++] = (byte)'\r';
                    carriageReturn = b == (byte)'\r';
                    if (!carriageReturn)
                        output[n++] = b;
                }
                return new ArraySegment<byte>(output, 0, n);
            }

            /// <summary>What is still held back at the end (a last lone CR).</summary>
            public ArraySegment<byte> Flush()
            {
                var held = !toWire && !LocalIsCrLf && carriageReturn;
                carriageReturn = false;
                if (held)
                    output[0] = (byte)'\r';
                return new ArraySegment<byte>(output, 0, held ? 1 : 0);
            }
        }

        /// <summary>Bytes moved in one transfer, reported at most four times a second.</summary>
        private sealed class Progress
        {
            private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
            private readonly FtpDirection direction;
            private readonly string file;
            private readonly long total;
            private readonly Stopwatch watch;
            private readonly Action<FtpProgress>? onProgress;
            private readonly Action moved;
            private TimeSpan last = -Interval;

            public Progress(FtpDirection direction, string file, long total, Stopwatch watch, Action<FtpProgress>? onProgress, Action moved)
            {
                this.direction = direction;
                this.file = file;
                this.total = total;
                this.watch = watch;
                this.onProgress = onProgress;
                this.moved = moved;
            }

            public long Done { get; private set; }

            public void Add(int bytes)
            {
                Done += bytes;
                moved();
                if (onProgress == null || watch.Elapsed - last < Interval)
                    return;
                last = watch.Elapsed;
                onProgress(new FtpProgress(direction, file, Done, total, watch.Elapsed));
            }
        }
    }
}
