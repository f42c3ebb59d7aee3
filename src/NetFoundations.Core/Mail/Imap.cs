using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;

namespace NetFoundations.Core.Mail
{
    /// <summary>What to search for; unset criteria are not used (all set ones must match).</summary>
    public sealed class ImapSearchOptions
    {
        public bool? Seen { get; set; }
        public bool? Flagged { get; set; }
        public string? From { get; set; }
        public string? To { get; set; }
        public string? Subject { get; set; }
        public string? Body { get; set; }
        public DateTime? Since { get; set; }
        public DateTime? Before { get; set; }
        public int? LargerThan { get; set; }
        public int? SmallerThan { get; set; }
        public IList<uint> Uids { get; set; } = new List<uint>();
        public int? Limit { get; set; }
    }

    /// <summary>
    /// An IMAP connection, logged in: the Core side of an ImapSession, holding MailKit's client; reached from the
    /// session by session.Connection(). Its operations run one at a time; each records to the transcript it is given.
    /// Summaries it returns carry its session, so they pipe into the cmdlets that fetch, flag, move or delete.
    /// </summary>
    public sealed class ImapConnection : IImapSessionHandle
    {
        // UID sets longer than this go in more than one FETCH: servers limit the length of a command line.
        private const int MaxUidSetLength = 4000;
        private readonly MailServerOptions options;
        private readonly CertificateCheck check;
        private readonly ImapClient client;
        private readonly IPAddress address;
        private readonly TranscriptLogger logger;
        private readonly SemaphoreSlim gate = new SemaphoreSlim(1, 1);
        // The second connection, which reads summaries; opened at the first fetch, kept for the next ones.
        private ImapSummaryReader? reader;
        private volatile IReadOnlyList<string>? folderNames;

        private ImapConnection(MailServerOptions options, CertificateCheck check, ImapClient client, ImapTransport connection, TranscriptLogger logger)
        {
            this.options = options;
            this.check = check;
            this.client = client;
            this.logger = logger;
            address = ((IPEndPoint)connection.Socket.RemoteEndPoint).Address;
            var capabilities = Enum.GetValues(typeof(ImapCapabilities)).Cast<ImapCapabilities>()
                .Where(c => c != ImapCapabilities.None && client.Capabilities.HasFlag(c)).Select(c => c.ToString()).ToArray();
            Session = new ImapSession(options.Server, options.Port, options.Credential?.UserName, connection.TlsProtocol, capabilities, logger.Greeting, this);
        }

        /// <summary>The public object users see; summaries and folders carry it.</summary>
        public ImapSession Session { get; }
        public bool IsConnected => client.IsConnected;

        /// <summary>The folders' full names as the last whole listing found them (null before any): for completing names.</summary>
        public IReadOnlyList<string>? FolderNames => folderNames;

        /// <summary>MailKit's client: what its view of the folders is (counts, what Search and Wait rely on), for the tests.</summary>
        internal ImapClient Client => client;

        private string Target => Endpoints.Format(options.Server, options.Port);

        public static async Task<ImapSession> ConnectAsync(MailServerOptions options, Transcript transcript, CancellationToken cancellation)
        {
            if (options.Credential == null)
                throw new InvalidNetworkRequestException("An IMAP session needs a credential.", options.Target);
            var logger = new TranscriptLogger(() => false) { Target = transcript };
            var client = new ImapClient(logger);
            var check = new CertificateCheck(options);
            try
            {
                var connection = await MailConnector.ConnectImapAsync(client, options, check, logger, transcript, cancellation).ConfigureAwait(false);
                var session = new ImapConnection(options, check, client, connection, logger);
                await session.LearnFolderNamesAsync(transcript, cancellation).ConfigureAwait(false);
                return session.Session;
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                client.Dispose();
                transcript.ClientError(e.Message);
                throw MailConnector.Translate(e, options.Target, check);
            }
        }

        public Task<IReadOnlyList<ImapFolderInfo>> GetFoldersAsync(string? namePattern, Transcript transcript, CancellationToken cancellation) =>
            RunAsync(transcript, async () =>
            {
                var items = StatusItems.Count | StatusItems.Unread | StatusItems.Recent | StatusItems.UidValidity | StatusItems.UidNext;
                var folders = await client.GetFoldersAsync(client.PersonalNamespaces[0], items, false, cancellation).ConfigureAwait(false);
                folderNames = folders.Select(f => f.FullName).ToArray();
                var match = namePattern == null ? null : Wildcard.ToRegex(namePattern, ignoreCase: true);
                return (IReadOnlyList<ImapFolderInfo>)folders
                    .Where(f => match == null || match.IsMatch(f.FullName))
                    .Select(f => Info(f))
                    .ToArray();
            });

        /// <summary>The folders' full names (LIST, without the counts GetFoldersAsync asks for); kept as FolderNames.</summary>
        public Task<IReadOnlyList<string>> ListFolderNamesAsync(Transcript transcript, CancellationToken cancellation) =>
            RunAsync(transcript, async () =>
            {
                var folders = await client.GetFoldersAsync(client.PersonalNamespaces[0], false, cancellation).ConfigureAwait(false);
                var names = folders.Select(f => f.FullName).ToArray();
                folderNames = names;
                return (IReadOnlyList<string>)names;
            });

        /// <summary>
        /// One LIST, so that the session knows its folders' names from the start (to complete them). Only completion
        /// needs them: a failure is noted, and the command that next uses the session meets it for itself.
        /// </summary>
        private async Task LearnFolderNamesAsync(Transcript transcript, CancellationToken cancellation)
        {
            try
            {
                await ListFolderNamesAsync(transcript, cancellation).ConfigureAwait(false);
            }
            catch (NetworkException e)
            {
                transcript.Note($"the folder names were not listed: {e.Message}");
            }
        }

        /// <summary>Applies a change to FolderNames once the server has made it, so they stay current between listings.</summary>
        private void ChangeFolderNames(Func<IEnumerable<string>, IEnumerable<string>> change)
        {
            var names = folderNames;
            if (names != null)
                folderNames = change(names).ToArray();
        }

        /// <summary>Searches folder (opened read-only, so nothing is marked seen) and fetches the summaries of the matches, oldest first.</summary>
        public async Task<IReadOnlyList<ImapMessageSummary>> SearchAsync(string folderName, ImapSearchOptions search, Transcript? transcript, CancellationToken cancellation)
        {
            var summaries = new List<ImapMessageSummary>();
            await SearchAsync(folderName, search, summaries.Add, null, transcript, cancellation).ConfigureAwait(false);
            return summaries;
        }

        /// <summary>
        /// As SearchAsync, but each summary goes to found as soon as it is read, so a caller can use the
        /// first while the rest are on the way. Without a transcript (null) nothing is recorded: keeping the
        /// text of thousands of summaries costs more than reading them. onTotal, when given, hears how many summaries are
        /// coming before the first is fetched (for a progress bar).
        /// </summary>
        public Task SearchAsync(string folderName, ImapSearchOptions search, Action<ImapMessageSummary> found, Action<int>? onTotal, Transcript? transcript,
            CancellationToken cancellation) =>
            RunAsync(transcript, async () =>
            {
                var folder = await OpenAsync(folderName, FolderAccess.ReadOnly, cancellation).ConfigureAwait(false);
                var query = Query(search);
                if (query == SearchQuery.All && !search.Limit.HasValue && folder.Count > 0)
                {
                    // Every message: no SEARCH first (a round trip, and the server's pass over the folder).
                    onTotal?.Invoke(folder.Count);
                    await FetchSummariesAsync(folder, new[] { "1:*" }, found, cancellation).ConfigureAwait(false);
                    return true;
                }
                var uids = await folder.SearchAsync(query, cancellation).ConfigureAwait(false);
                IEnumerable<UniqueId> wanted = uids.OrderBy(u => u.Id);
                if (search.Limit.HasValue)
                    wanted = wanted.Reverse().Take(search.Limit.Value).Reverse();
                var list = wanted.ToList();
                onTotal?.Invoke(list.Count);
                await FetchSummariesAsync(folder, UidSets(list), found, cancellation).ConfigureAwait(false);
                return true;
            });

        /// <summary>The whole message (BODY.PEEK[]), parsed; reading it does not mark it seen.</summary>
        public Task<MailMessage> ReadMessageAsync(string folderName, uint uid, Transcript transcript, CancellationToken cancellation) =>
            RunAsync(transcript, async () =>
            {
                var folder = await OpenAsync(folderName, FolderAccess.ReadOnly, cancellation).ConfigureAwait(false);
                var message = await folder.GetMessageAsync(new UniqueId(uid), cancellation).ConfigureAwait(false);
                return MailMessageContent.Create(message);
            });

        /// <summary>One body section as the server holds it (BODY.PEEK[section]): "2", "1.2", "HEADER", "TEXT", "2.MIME" …</summary>
        public Task<byte[]> ReadSectionAsync(string folderName, uint uid, string section, Transcript transcript, CancellationToken cancellation) =>
            RunAsync(transcript, async () =>
            {
                var folder = await OpenAsync(folderName, FolderAccess.ReadOnly, cancellation).ConfigureAwait(false);
                using var stream = await folder.GetStreamAsync(new UniqueId(uid), section, cancellation).ConfigureAwait(false);
                using var copy = new System.IO.MemoryStream();
                await stream.CopyToAsync(copy).ConfigureAwait(false);
                return copy.ToArray();
            });

        /// <summary>Adds and removes flags and keywords; returns the messages' summaries with their new flags.</summary>
        public Task<IReadOnlyList<ImapMessageSummary>> SetFlagsAsync(string folderName, IList<uint> uids, ImapFlag add, IList<string> addKeywords, ImapFlag remove,
            IList<string> removeKeywords, Transcript transcript, CancellationToken cancellation) =>
            RunAsync(transcript, async () =>
            {
                var folder = await OpenAsync(folderName, FolderAccess.ReadWrite, cancellation).ConfigureAwait(false);
                var ids = uids.Select(u => new UniqueId(u)).ToList();
                if (add != ImapFlag.None || addKeywords.Count > 0)
                    await folder.StoreAsync(ids, new StoreFlagsRequest(StoreAction.Add, (MessageFlags)add, addKeywords) { Silent = true }, cancellation).ConfigureAwait(false);
                if (remove != ImapFlag.None || removeKeywords.Count > 0)
                    await folder.StoreAsync(ids, new StoreFlagsRequest(StoreAction.Remove, (MessageFlags)remove, removeKeywords) { Silent = true }, cancellation).ConfigureAwait(false);
                return await SummariesAsync(folder, ids, cancellation).ConfigureAwait(false);
            });

        /// <summary>Moves (MOVE, or COPY + \Deleted + EXPUNGE) or copies messages; returns their summaries in the destination when the server names their UIDs (UIDPLUS).</summary>
        public Task<IReadOnlyList<ImapMessageSummary>> MoveAsync(string folderName, IList<uint> uids, string destinationName, bool copy, Transcript transcript, CancellationToken cancellation) =>
            RunAsync(transcript, async () =>
            {
                var destination = await client.GetFolderAsync(destinationName, cancellation).ConfigureAwait(false);
                var folder = await OpenAsync(folderName, FolderAccess.ReadWrite, cancellation).ConfigureAwait(false);
                var ids = uids.Select(u => new UniqueId(u)).ToList();
                var map = copy
                    ? await folder.CopyToAsync(ids, destination, cancellation).ConfigureAwait(false)
                    : await folder.MoveToAsync(ids, destination, cancellation).ConfigureAwait(false);
                if (map == null || map.Destination.Count == 0)
                    return (IReadOnlyList<ImapMessageSummary>)Array.Empty<ImapMessageSummary>();
                await destination.OpenAsync(FolderAccess.ReadOnly, cancellation).ConfigureAwait(false);
                return await SummariesAsync(destination, map.Destination, cancellation).ConfigureAwait(false);
            });

        /// <summary>Marks messages \Deleted and expunges them (UID EXPUNGE where offered, so only these go).</summary>
        public Task DeleteAsync(string folderName, IList<uint> uids, Transcript transcript, CancellationToken cancellation) =>
            RunAsync(transcript, async () =>
            {
                var folder = await OpenAsync(folderName, FolderAccess.ReadWrite, cancellation).ConfigureAwait(false);
                var ids = uids.Select(u => new UniqueId(u)).ToList();
                await folder.AddFlagsAsync(ids, MessageFlags.Deleted, true, cancellation).ConfigureAwait(false);
                if (client.Capabilities.HasFlag(ImapCapabilities.UidPlus))
                    await folder.ExpungeAsync(ids, cancellation).ConfigureAwait(false);
                else
                    await folder.ExpungeAsync(cancellation).ConfigureAwait(false);
                return true;
            });

        /// <summary>
        /// Waits up to wait for new messages in folder, with IDLE where offered and NOOP polls every pollInterval
        /// elsewhere; returns the summaries of the messages that arrived (none when the wait ran out).
        /// </summary>
        public Task<IReadOnlyList<ImapMessageSummary>> WaitForNewAsync(string folderName, TimeSpan wait, TimeSpan pollInterval, Transcript transcript, CancellationToken cancellation) =>
            RunAsync(transcript, async () =>
            {
                var folder = await OpenAsync(folderName, FolderAccess.ReadOnly, cancellation).ConfigureAwait(false);
                var firstNew = folder.UidNext?.Id ?? (await folder.SearchAsync(SearchQuery.All, cancellation).ConfigureAwait(false)).Select(u => u.Id).DefaultIfEmpty(0u).Max() + 1;
                var arrived = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                using var waited = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                waited.CancelAfter(wait);
                // Cancelling done ends IDLE politely (DONE); cancellation aborts the connection.
                using var done = CancellationTokenSource.CreateLinkedTokenSource(waited.Token);
                EventHandler<EventArgs> onCount = (sender, e) =>
                {
                    arrived.TrySetResult(true);
                    done.Cancel();
                };
                folder.CountChanged += onCount;
                try
                {
                    if (client.Capabilities.HasFlag(ImapCapabilities.Idle))
                    {
                        await client.IdleAsync(done.Token, cancellation).ConfigureAwait(false);
                    }
                    else
                    {
                        while (!done.IsCancellationRequested)
                        {
                            await Task.WhenAny(Task.Delay(pollInterval, done.Token)).ConfigureAwait(false);
                            if (!done.IsCancellationRequested)
                                await client.NoOpAsync(cancellation).ConfigureAwait(false);
                        }
                    }
                }
                finally
                {
                    folder.CountChanged -= onCount;
                }
                cancellation.ThrowIfCancellationRequested();
                if (!arrived.Task.IsCompleted)
                    return (IReadOnlyList<ImapMessageSummary>)Array.Empty<ImapMessageSummary>();
                var uids = await folder.SearchAsync(SearchQuery.Uids(new UniqueIdRange(new UniqueId(firstNew), UniqueId.MaxValue)), cancellation).ConfigureAwait(false);
                return await SummariesAsync(folder, uids.Where(u => u.Id >= firstNew).ToList(), cancellation).ConfigureAwait(false);
            });

        /// <summary>Creates a folder; fullName's levels are separated by the server's delimiter.</summary>
        public Task<ImapFolderInfo> CreateFolderAsync(string fullName, Transcript transcript, CancellationToken cancellation) =>
            RunAsync(transcript, async () =>
            {
                var (parent, name) = await ParentAsync(fullName, cancellation).ConfigureAwait(false);
                var created = await parent.CreateAsync(name, true, cancellation).ConfigureAwait(false)
                    ?? throw new ProtocolViolationException($"The server said it created {fullName} but does not list it.", Target);
                ChangeFolderNames(names => names.Append(created.FullName));
                return await InfoAsync(created, cancellation).ConfigureAwait(false);
            });

        public Task<ImapFolderInfo> RenameFolderAsync(string fullName, string newFullName, Transcript transcript, CancellationToken cancellation) =>
            RunAsync(transcript, async () =>
            {
                var folder = await client.GetFolderAsync(fullName, cancellation).ConfigureAwait(false);
                var (parent, name) = await ParentAsync(newFullName, cancellation).ConfigureAwait(false);
                await folder.RenameAsync(parent, name, cancellation).ConfigureAwait(false);
                var below = fullName + folder.DirectorySeparator;
                ChangeFolderNames(names => names.Select(n => n == fullName ? folder.FullName
                    : n.StartsWith(below, StringComparison.Ordinal) ? folder.FullName + n.Substring(fullName.Length) : n));
                return await InfoAsync(folder, cancellation).ConfigureAwait(false);
            });

        public Task DeleteFolderAsync(string fullName, Transcript transcript, CancellationToken cancellation) =>
            RunAsync(transcript, async () =>
            {
                var folder = await client.GetFolderAsync(fullName, cancellation).ConfigureAwait(false);
                await folder.DeleteAsync(cancellation).ConfigureAwait(false);
                ChangeFolderNames(names => names.Where(n => n != folder.FullName));
                return true;
            });

        /// <summary>Logs out and closes the session; one whose connection is already gone is only closed.</summary>
        public async Task DisconnectAsync(Transcript transcript, CancellationToken cancellation)
        {
            if (!client.IsConnected)
            {
                transcript.Note($"the session with {Target} was already closed");
                Dispose();
                return;
            }
            try
            {
                await RunAsync(transcript, async () =>
                {
                    if (reader != null)
                    {
                        using (cancellation.Register(reader.Dispose))
                            reader.Logout();
                    }
                    if (client.IsConnected)
                        await client.DisconnectAsync(true, cancellation).ConfigureAwait(false);
                    return true;
                }).ConfigureAwait(false);
            }
            finally
            {
                Dispose();
            }
        }

        public void Dispose()
        {
            reader?.Dispose();
            reader = null;
            client.Dispose();
        }

        public override string ToString() => Session.ToString();

        private async Task<T> RunAsync<T>(Transcript? transcript, Func<Task<T>> work)
        {
            await gate.WaitAsync().ConfigureAwait(false);
            logger.Target = transcript;
            try
            {
                if (!client.IsConnected)
                    throw new ConnectionLostException($"The IMAP session with {Target} is closed: connect again.", Target);
                return await work().ConfigureAwait(false);
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                transcript?.ClientError(e.Message);
                throw MailConnector.Translate(e, Target, null);
            }
            finally
            {
                logger.Target = null;
                gate.Release();
            }
        }

        private async Task<IMailFolder> OpenAsync(string name, FolderAccess access, CancellationToken cancellation)
        {
            var folder = string.Equals(name, "INBOX", StringComparison.OrdinalIgnoreCase)
                ? client.Inbox
                : await client.GetFolderAsync(name, cancellation).ConfigureAwait(false);
            if (!folder.IsOpen || folder.Access < access)
                await folder.OpenAsync(access, cancellation).ConfigureAwait(false);
            else
                // The server tells a connection of arrivals and expunges at the end of a command, and answers a SEARCH
                // from what it told it before: a NOOP brings the session's view of the folder up to date first.
                await client.NoOpAsync(cancellation).ConfigureAwait(false);
            return folder;
        }

        private ImapFolderInfo Info(IMailFolder f) =>
            new ImapFolderInfo(Session, f.Name, f.FullName, f.DirectorySeparator, Attributes(f.Attributes), SpecialUse(f.Attributes),
                f.Count, f.Unread, f.Recent, f.UidValidity, f.UidNext?.Id);

        private async Task<ImapFolderInfo> InfoAsync(IMailFolder folder, CancellationToken cancellation)
        {
            await folder.StatusAsync(StatusItems.Count | StatusItems.Unread | StatusItems.Recent | StatusItems.UidValidity | StatusItems.UidNext, cancellation).ConfigureAwait(false);
            return Info(folder);
        }

        private async Task<(IMailFolder Parent, string Name)> ParentAsync(string fullName, CancellationToken cancellation)
        {
            var root = client.GetFolder(client.PersonalNamespaces[0]);
            var at = fullName.LastIndexOf(root.DirectorySeparator);
            if (at < 0)
                return (root, fullName);
            return (await client.GetFolderAsync(fullName.Substring(0, at), cancellation).ConfigureAwait(false), fullName.Substring(at + 1));
        }

        private async Task<IReadOnlyList<ImapMessageSummary>> SummariesAsync(IMailFolder folder, IList<UniqueId> uids, CancellationToken cancellation)
        {
            var summaries = new List<ImapMessageSummary>(uids.Count);
            await FetchSummariesAsync(folder, UidSets(uids.OrderBy(u => u.Id).ToList()), summaries.Add, cancellation).ConfigureAwait(false);
            return summaries;
        }

        /// <summary>
        /// Fetches the summaries of the messages in the UID sets of folder on the session's second connection
        /// (ImapSummaryReader), never on MailKit's, whose view of the folder stays its own. A synchronous read does
        /// not see the token: closing the second connection ends it; the next fetch opens another.
        /// </summary>
        private async Task FetchSummariesAsync(IMailFolder folder, IEnumerable<string> uidSets, Action<ImapMessageSummary> found, CancellationToken cancellation)
        {
            var transcript = logger.Target;
            transcript?.Note($"Summaries are read on the session's second connection to {Target}, which only reads them: the lines up to the end of this command are its.");
            if (reader == null)
                reader = await ImapSummaryReader.OpenAsync(address, options, check, transcript, cancellation).ConfigureAwait(false);
            var current = reader;
            current.Transcript = transcript;
            using (cancellation.Register(current.Dispose))
            {
                try
                {
                    var uidValidity = current.Examine(folder.FullName) ?? folder.UidValidity;
                    foreach (var uidSet in uidSets)
                    {
                        current.Fetch(uidSet, fetched =>
                            found(new ImapMessageSummary(Session, folder.FullName, fetched.Uid, uidValidity, fetched.Index, fetched.Date,
                                fetched.InternalDate, fetched.From, fetched.To, fetched.Subject, fetched.Size, fetched.Flags, fetched.MessageId,
                                fetched.AttachmentNames)));
                    }
                }
                catch (Exception e) when (!(e is RemoteErrorException))
                {
                    // Half read: the second connection is in an unknown state; the next fetch opens another.
                    current.Dispose();
                    reader = null;
                    if (cancellation.IsCancellationRequested && !(e is OperationCanceledException))
                        throw new OperationCanceledException("The fetch was cancelled.", e, cancellation);
                    throw;
                }
                finally
                {
                    current.Transcript = null;
                }
            }
        }

        /// <summary>UID sets of ascending UIDs, runs written as ranges ("1:4,7,9:12"), each short enough for one command.</summary>
        private static IEnumerable<string> UidSets(IList<UniqueId> uids)
        {
            var set = new StringBuilder();
            for (var i = 0; i < uids.Count;)
            {
                var first = uids[i].Id;
                var last = first;
                for (i++; i < uids.Count && uids[i].Id == last + 1; i++)
                    last = uids[i].Id;
                if (set.Length > 0)
                    set.Append(',');
                set.Append(first);
                if (last != first)
                    set.Append(':').Append(last);
                if (set.Length > MaxUidSetLength)
                {
                    yield return set.ToString();
                    set.Clear();
                }
            }
            if (set.Length > 0)
                yield return set.ToString();
        }

        private static SearchQuery Query(ImapSearchOptions o)
        {
            SearchQuery query = SearchQuery.All;
            void And(SearchQuery q) => query = query == SearchQuery.All ? q : query.And(q);
            if (o.Seen.HasValue) And(o.Seen.Value ? SearchQuery.Seen : SearchQuery.NotSeen);
            if (o.Flagged.HasValue) And(o.Flagged.Value ? SearchQuery.Flagged : SearchQuery.NotFlagged);
            if (o.From != null) And(SearchQuery.FromContains(o.From));
            if (o.To != null) And(SearchQuery.ToContains(o.To));
            if (o.Subject != null) And(SearchQuery.SubjectContains(o.Subject));
            if (o.Body != null) And(SearchQuery.BodyContains(o.Body));
            if (o.Since.HasValue) And(SearchQuery.DeliveredAfter(o.Since.Value));   // SINCE: on or after the day
            if (o.Before.HasValue) And(SearchQuery.DeliveredBefore(o.Before.Value)); // BEFORE: before the day
            if (o.LargerThan.HasValue) And(SearchQuery.LargerThan(o.LargerThan.Value));
            if (o.SmallerThan.HasValue) And(SearchQuery.SmallerThan(o.SmallerThan.Value));
            if (o.Uids.Count > 0) And(SearchQuery.Uids(o.Uids.Select(u => new UniqueId(u)).ToList()));
            return query;
        }

        private static IReadOnlyList<string> Attributes(FolderAttributes attributes) =>
            Enum.GetValues(typeof(FolderAttributes)).Cast<FolderAttributes>()
                .Where(a => a != FolderAttributes.None && attributes.HasFlag(a)).Select(a => a.ToString()).ToArray();

        private static string? SpecialUse(FolderAttributes attributes)
        {
            foreach (var use in new[] { FolderAttributes.Inbox, FolderAttributes.Sent, FolderAttributes.Drafts, FolderAttributes.Trash, FolderAttributes.Junk,
                FolderAttributes.Archive, FolderAttributes.All, FolderAttributes.Flagged })
                if (attributes.HasFlag(use))
                    return use.ToString();
            return null;
        }
    }

    public static class ImapSessionExtensions
    {
        /// <summary>The connection behind a session, which does its work (folders, searches, messages, flags).</summary>
        public static ImapConnection Connection(this ImapSession session) =>
            (ImapConnection)(session ?? throw new ArgumentNullException(nameof(session))).Handle;
    }
}
