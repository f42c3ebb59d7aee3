using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Caching
{
    /// <summary>How to reach a set of memcached servers.</summary>
    public sealed class MemcachedOptions
    {
        public const int DefaultPort = 11211;
        /// <summary>memcached's own default item size limit (-I): 1 MiB.</summary>
        public const int DefaultMaxValueBytes = 1 << 20;
        public const int MaxMaxValueBytes = 1 << 30;

        /// <summary>Servers as host, host:port, [IPv6]:port; the port defaults to 11211.</summary>
        public IList<string> Servers { get; set; } = new List<string>();
        public KeyDistribution KeyDistribution { get; set; } = KeyDistribution.Ketama;
        /// <summary>Take a server that fails out of the distribution and remap its keys to the others.</summary>
        public bool Failover { get; set; }
        /// <summary>How long one connection attempt may take (each server; also when a closed connection is reopened).</summary>
        public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);
        /// <summary>The largest value read or written, in bytes; a VALUE line announcing more is a ProtocolViolation.</summary>
        public int MaxValueBytes { get; set; } = DefaultMaxValueBytes;
    }

    /// <summary>What a multi-key get found, and the servers that failed (their keys are neither found nor missing).</summary>
    public sealed class MemcachedGetResult
    {
        internal MemcachedGetResult(IReadOnlyList<MemcachedItem> items, IReadOnlyList<NetworkException> failures)
        {
            Items = items;
            Failures = failures;
        }

        public IReadOnlyList<MemcachedItem> Items { get; }
        public IReadOnlyList<NetworkException> Failures { get; }
    }

    /// <summary>One store command of a batch (StoreManyAsync): set, add, replace, append, prepend or cas.</summary>
    public sealed class MemcachedStore
    {
        public MemcachedStore(MemcachedOperation operation, string key, uint flags, byte[] data, long timeToLive, ulong? casUnique)
        {
            Operation = operation;
            Key = key;
            Flags = flags;
            Data = data;
            TimeToLive = timeToLive;
            CasUnique = casUnique;
        }

        public MemcachedOperation Operation { get; }
        public string Key { get; }
        public uint Flags { get; }
        public byte[] Data { get; }
        public long TimeToLive { get; }
        public ulong? CasUnique { get; }
        internal string Command => Operation.ToString().ToLowerInvariant();
    }

    /// <summary>
    /// The Core side of a MemcachedSession: one connection per server, the key distribution, and the text protocol's
    /// commands. Without Failover a key whose server does not answer fails with an error naming that server (the next
    /// command tries to reconnect: no key ever moves). With Failover that server leaves the distribution for the
    /// session's life and its keys go to the others: a server that comes back is not taken back, so nothing stale is
    /// read from it.
    /// </summary>
    public sealed class MemcachedClient : IMemcachedSessionHandle
    {
        /// <summary>Keys per get command; more keys of one server go in several commands.</summary>
        public const int KeysPerGet = 100;
        /// <summary>The most STAT lines taken from one server.</summary>
        public const int MaxStatLines = 10_000;
        private readonly MemcachedOptions options;
        private readonly MemcachedServerConnection[] connections;
        private readonly object gate = new object();
        private readonly HashSet<string> down = new HashSet<string>(StringComparer.Ordinal);
        private KeyDistributor distributor;
        private MemcachedServerConnection[] live;
        private volatile bool closed;

        private MemcachedClient(MemcachedOptions options, MemcachedServerConnection[] connections)
        {
            this.options = options;
            this.connections = connections;
            live = connections;
            distributor = KeyDistributor.Create(options.KeyDistribution, connections.Select(c => c.Name).ToArray());
            Session = new MemcachedSession(connections.Select(c => c.Name).ToArray(), options.KeyDistribution, options.Failover, this);
        }

        public MemcachedSession Session { get; }
        public bool IsConnected => !closed;
        public int MaxValueBytes => options.MaxValueBytes;

        public IReadOnlyList<string> DownServers
        {
            get { lock (gate) { return connections.Where(c => down.Contains(c.Name)).Select(c => c.Name).ToArray(); } }
        }

        /// <summary>Parses the server list, connects to every server (in parallel) and returns the session.</summary>
        public static async Task<MemcachedSession> ConnectAsync(MemcachedOptions options, Transcript transcript, CancellationToken cancellation)
        {
            if (options.Servers == null || options.Servers.Count == 0)
                throw new InvalidNetworkRequestException("At least one memcached server is needed.", null);
            if (options.MaxValueBytes < 1 || options.MaxValueBytes > MemcachedOptions.MaxMaxValueBytes)
                throw new InvalidNetworkRequestException($"The value size limit is from 1 byte to {MemcachedOptions.MaxMaxValueBytes} bytes.", null);
            var connections = new List<MemcachedServerConnection>();
            foreach (var text in options.Servers)
            {
                (string host, int port) parsed;
                try
                {
                    parsed = Dns.DnsResolverOptions.ParseServer(text, MemcachedOptions.DefaultPort);
                }
                catch (ArgumentException e)
                {
                    throw new InvalidNetworkRequestException($"'{text}' is not a memcached server (host, host:port or [IPv6]:port): {e.Message}", text, e);
                }
                // The name the hashes see is "host:port", as pymemcache and libmemcached write it.
                var name = parsed.host + ":" + parsed.port.ToString(CultureInfo.InvariantCulture);
                if (connections.Any(c => c.Name == name))
                    throw new InvalidNetworkRequestException($"The server {name} is given twice.", name);
                connections.Add(new MemcachedServerConnection(name, parsed.host, parsed.port));
            }
            var client = new MemcachedClient(options, connections.ToArray());
            transcript.Note($"Servers {string.Join(", ", client.Session.Servers)}, keys by {options.KeyDistribution}{(options.Failover ? ", with failover" : "")}");
            var attempts = client.connections.Select(c => c.ExchangeAsync(_ => Task.FromResult(true), options.ConnectTimeout, transcript, cancellation)).ToArray();
            try
            {
                await Task.WhenAll(attempts).ConfigureAwait(false);
            }
            catch (Exception)
            {
                cancellation.ThrowIfCancellationRequested();
            }
            var failed = new List<NetworkException>();
            for (var i = 0; i < attempts.Length; i++)
            {
                if (attempts[i].IsFaulted)
                {
                    var error = SocketErrors.OfConnection(attempts[i].Exception!.GetBaseException(), client.connections[i].Name);
                    failed.Add(error);
                    if (options.Failover)
                        client.MarkDown(client.connections[i], error, transcript);
                }
            }
            if (failed.Count > 0 && (!options.Failover || failed.Count == attempts.Length))
            {
                client.Dispose();
                if (failed.Count == 1)
                    throw failed[0];
                throw Rethrow(failed[0], $"{failed.Count} of {attempts.Length} memcached servers did not answer: {string.Join("; ", failed.Select(f => f.Message))}");
            }
            return client.Session;
        }

        private static NetworkException Rethrow(NetworkException first, string message) => first switch
        {
            ConnectionRefusedException _ => new ConnectionRefusedException(message, first.Target, first),
            NetworkTimeoutException _ => new NetworkTimeoutException(message, first.Target, first),
            NetworkUnreachableException _ => new NetworkUnreachableException(message, first.Target, first),
            NameResolutionException _ => new NameResolutionException(message, first.Target, first),
            _ => new ConnectionLostException(message, first.Target, first),
        };

        /// <summary>The server (host:port) that holds key now.</summary>
        public string ServerFor(string key)
        {
            MemcachedKeys.Validate(key);
            return Route(key).Name;
        }

        private MemcachedServerConnection Route(string key)
        {
            lock (gate)
            {
                if (live.Length == 0)
                    throw new ConnectionRefusedException(
                        $"Every memcached server of the session is down ({string.Join(", ", down)}); reconnect with Connect-Memcached.", string.Join(",", down));
                return live[distributor.ServerFor(key)];
            }
        }

        private bool MarkDown(MemcachedServerConnection connection, NetworkException error, Transcript transcript)
        {
            lock (gate)
            {
                if (!down.Add(connection.Name))
                    return false;
                live = connections.Where(c => !down.Contains(c.Name)).ToArray();
                if (live.Length > 0)
                    distributor = KeyDistributor.Create(options.KeyDistribution, live.Select(c => c.Name).ToArray());
            }
            transcript.Note($"{connection.Name} taken out of the distribution ({error.Message}); its keys go to the other servers for the session's life");
            return true;
        }

        private static bool IsServerFailure(NetworkException e) =>
            e is ConnectionRefusedException || e is ConnectionLostException || e is NetworkUnreachableException || e is NetworkTimeoutException
            || e is NameResolutionException;

        /// <summary>Runs an exchange on key's server; with Failover a server that fails leaves and the key's new server is tried.</summary>
        private async Task<T> OnServerOfAsync<T>(string key, Func<MemcachedServerConnection, Task<T>> exchange, Transcript transcript, CancellationToken cancellation)
        {
            while (true)
            {
                var connection = Route(key);
                try
                {
                    return await connection.ExchangeAsync(exchange, options.ConnectTimeout, transcript, cancellation).ConfigureAwait(false);
                }
                catch (NetworkException e) when (options.Failover && IsServerFailure(e) && !cancellation.IsCancellationRequested)
                {
                    MarkDown(connection, e, transcript);
                }
            }
        }

        /// <summary>get (or gets, withCas) of keys: each server's keys in batches of KeysPerGet, servers in parallel; found items in the order asked.</summary>
        public async Task<MemcachedGetResult> GetAsync(IReadOnlyList<string> keys, bool withCas, Transcript transcript, CancellationToken cancellation)
        {
            foreach (var key in keys)
                MemcachedKeys.Validate(key);
            var distinct = keys.Distinct(StringComparer.Ordinal).ToList();
            var found = new Dictionary<string, MemcachedItem>(StringComparer.Ordinal);
            var failures = new List<NetworkException>();
            var pending = distinct;
            while (pending.Count > 0)
            {
                var groups = pending.GroupBy(Route).ToArray();
                var tasks = groups.Select(g => GetFromAsync(g.Key, g.ToList(), withCas, transcript, cancellation)).ToArray();
                try
                {
                    await Task.WhenAll(tasks).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    cancellation.ThrowIfCancellationRequested();
                }
                var retry = new List<string>();
                for (var i = 0; i < tasks.Length; i++)
                {
                    if (tasks[i].Status == TaskStatus.RanToCompletion)
                    {
                        foreach (var item in tasks[i].Result)
                            found[item.Key] = item;
                        continue;
                    }
                    var error = SocketErrors.OfConnection(tasks[i].Exception!.GetBaseException(), groups[i].Key.Name);
                    if (options.Failover && IsServerFailure(error) && MarkDown(groups[i].Key, error, transcript))
                        retry.AddRange(groups[i]);
                    else
                        failures.Add(error);
                }
                pending = retry;
            }
            var items = distinct.Where(found.ContainsKey).Select(k => found[k]).ToArray();
            return new MemcachedGetResult(items, failures);
        }

        private async Task<List<MemcachedItem>> GetFromAsync(MemcachedServerConnection connection, List<string> keys, bool withCas,
            Transcript transcript, CancellationToken cancellation)
        {
            var items = new List<MemcachedItem>();
            for (var at = 0; at < keys.Count; at += KeysPerGet)
            {
                var batch = keys.Skip(at).Take(KeysPerGet).ToList();
                await connection.ExchangeAsync(async c =>
                {
                    await c.SendLineAsync((withCas ? "gets " : "get ") + string.Join(" ", batch)).ConfigureAwait(false);
                    var asked = new HashSet<string>(batch, StringComparer.Ordinal);
                    while (true)
                    {
                        var line = await c.ReadLineAsync().ConfigureAwait(false);
                        if (line == "END")
                            return true;
                        var item = await ReadValueAsync(c, line, withCas).ConfigureAwait(false);
                        if (!asked.Remove(item.Key))
                            throw new ProtocolViolationException($"{c.Name} sent the key '{item.Key}', which was not asked for or came twice.", c.Name);
                        items.Add(item);
                    }
                }, options.ConnectTimeout, transcript, cancellation).ConfigureAwait(false);
            }
            return items;
        }

        private async Task<MemcachedItem> ReadValueAsync(MemcachedServerConnection c, string line, bool withCas)
        {
            var parts = line.Split(' ');
            if (parts[0] != "VALUE")
                throw Unexpected(c, line, "VALUE or END");
            if (parts.Length != (withCas ? 5 : 4)
                || !uint.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var flags)
                || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
                throw Unexpected(c, line, withCas ? "VALUE <key> <flags> <bytes> <cas>" : "VALUE <key> <flags> <bytes>");
            ulong? cas = null;
            if (withCas)
            {
                if (!ulong.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var unique))
                    throw Unexpected(c, line, "VALUE <key> <flags> <bytes> <cas>");
                cas = unique;
            }
            if (length > options.MaxValueBytes)
                throw new ProtocolViolationException(
                    $"{c.Name} announced a value of {length} bytes for '{parts[1]}', more than the limit of {options.MaxValueBytes} bytes (-MaxValueBytes).", c.Name);
            var data = await c.ReadBlockAsync((int)length).ConfigureAwait(false);
            return new MemcachedItem(parts[1], c.Name, flags, data, cas, DefaultValue(flags, data), Session);
        }

        /// <summary>The value as the flags say, for text and bytes (JSON is read by the shell, which knows its objects).</summary>
        public static object DefaultValue(uint flags, byte[] data)
        {
            if (flags == 0 || flags == 2)
            {
                try
                {
                    return new UTF8Encoding(false, true).GetString(data);
                }
                catch (ArgumentException)
                {
                    return data;
                }
            }
            return data;
        }

        private static ProtocolViolationException Unexpected(MemcachedServerConnection c, string line, string expected) =>
            new ProtocolViolationException($"{c.Name} answered '{Shorten(line)}' where {expected} was due.", c.Name);

        private static string Shorten(string line) => line.Length > 80 ? line.Substring(0, 80) + "…" : line;

        /// <summary>A reply that is an error (ERROR, CLIENT_ERROR, SERVER_ERROR) as RemoteError; null otherwise.</summary>
        private static RemoteErrorException? ErrorReply(MemcachedServerConnection c, string line, string what)
        {
            if (line == "ERROR" || line.StartsWith("CLIENT_ERROR", StringComparison.Ordinal) || line.StartsWith("SERVER_ERROR", StringComparison.Ordinal))
            {
                var space = line.IndexOf(' ');
                var code = space < 0 ? line : line.Substring(0, space);
                return new RemoteErrorException($"{c.Name} refused {what}: {Shorten(line)}", c.Name, code);
            }
            return null;
        }

        /// <summary>set, add, replace, append, prepend or cas (with casUnique) of one item.</summary>
        public Task<MemcachedWriteResult> StoreAsync(MemcachedOperation operation, string key, uint flags, byte[] data, long timeToLive, ulong? casUnique,
            Transcript transcript, CancellationToken cancellation)
        {
            var store = new MemcachedStore(operation, key, flags, data, timeToLive, casUnique);
            var message = StoreMessage(store);
            return OnServerOfAsync(key, async c =>
            {
                await c.SendAsync(message, message.Length).ConfigureAwait(false);
                var (result, error) = await ReadStoreReplyAsync(c, store).ConfigureAwait(false);
                return result ?? throw error!;
            }, transcript, cancellation);
        }

        /// <summary>
        /// Many stores at once: each server's in pipelined batches (up to KeysPerGet commands or StoreBatchBytes a write,
        /// then their replies), servers in parallel. One outcome per store, in order: a result, or the error of that store
        /// alone (a refused value, or its server's failure).
        /// </summary>
        public async Task<IReadOnlyList<(MemcachedWriteResult? Result, NetworkException? Error)>> StoreManyAsync(IReadOnlyList<MemcachedStore> stores,
            Transcript transcript, CancellationToken cancellation)
        {
            var messages = new byte[stores.Count][];
            var outcomes = new (MemcachedWriteResult?, NetworkException?)[stores.Count];
            var pending = new List<int>();
            for (var i = 0; i < stores.Count; i++)
            {
                try
                {
                    messages[i] = StoreMessage(stores[i]);
                    pending.Add(i);
                }
                catch (InvalidNetworkRequestException e)
                {
                    // A bad key or value fails alone; the others are still sent.
                    outcomes[i] = (null, e);
                }
            }
            while (pending.Count > 0)
            {
                var groups = pending.GroupBy(i => Route(stores[i].Key)).ToArray();
                var tasks = groups.Select(g => StoreOnAsync(g.Key, g.ToList(), stores, messages, outcomes, transcript, cancellation)).ToArray();
                try
                {
                    await Task.WhenAll(tasks).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    cancellation.ThrowIfCancellationRequested();
                }
                var retry = new List<int>();
                for (var i = 0; i < tasks.Length; i++)
                {
                    if (tasks[i].Status == TaskStatus.RanToCompletion)
                        continue;
                    var error = SocketErrors.OfConnection(tasks[i].Exception!.GetBaseException(), groups[i].Key.Name);
                    // Stores answered before the failure keep their outcome; the rest go to the next server or fail.
                    var unanswered = groups[i].Where(j => outcomes[j].Item1 == null && outcomes[j].Item2 == null).ToList();
                    if (options.Failover && IsServerFailure(error) && MarkDown(groups[i].Key, error, transcript))
                        retry.AddRange(unanswered);
                    else
                        foreach (var j in unanswered)
                            outcomes[j] = (null, error);
                }
                pending = retry;
            }
            return outcomes;
        }

        /// <summary>The most bytes of commands one pipelined store batch writes before it reads their replies.</summary>
        public const int StoreBatchBytes = 1 << 20;

        private async Task<bool> StoreOnAsync(MemcachedServerConnection connection, List<int> indexes, IReadOnlyList<MemcachedStore> stores,
            byte[][] messages, (MemcachedWriteResult?, NetworkException?)[] outcomes, Transcript transcript, CancellationToken cancellation)
        {
            for (var at = 0; at < indexes.Count;)
            {
                // One batch: its commands in one write, then one reply each, so the server's replies are never left unread.
                var batch = new List<int>();
                var bytes = 0;
                while (at < indexes.Count && batch.Count < KeysPerGet && (batch.Count == 0 || bytes + messages[indexes[at]].Length <= StoreBatchBytes))
                {
                    bytes += messages[indexes[at]].Length;
                    batch.Add(indexes[at++]);
                }
                var write = new byte[bytes];
                var offset = 0;
                foreach (var i in batch)
                {
                    Buffer.BlockCopy(messages[i], 0, write, offset, messages[i].Length);
                    offset += messages[i].Length;
                }
                await connection.ExchangeAsync(async c =>
                {
                    await c.SendAsync(write, write.Length).ConfigureAwait(false);
                    foreach (var i in batch)
                        outcomes[i] = await ReadStoreReplyAsync(c, stores[i]).ConfigureAwait(false);
                    return true;
                }, options.ConnectTimeout, transcript, cancellation).ConfigureAwait(false);
            }
            return true;
        }

        /// <summary>The store's command line and data block, validated.</summary>
        private byte[] StoreMessage(MemcachedStore store)
        {
            MemcachedKeys.Validate(store.Key);
            ValidateTtl(store.TimeToLive);
            if (store.Operation > MemcachedOperation.Cas)
                throw new InvalidNetworkRequestException($"A store is set, add, replace, append, prepend or cas, not {store.Operation}.", store.Key);
            if (store.Operation == MemcachedOperation.Cas && !store.CasUnique.HasValue)
                throw new InvalidNetworkRequestException($"A cas of '{store.Key}' needs the item's CAS value (Get-MemcachedItem -Cas).", store.Key);
            if (store.Data.Length > options.MaxValueBytes)
                throw new InvalidNetworkRequestException(
                    $"The value of '{store.Key}' is {store.Data.Length} bytes, more than the limit of {options.MaxValueBytes} bytes (-MaxValueBytes).", store.Key);
            var header = MemcachedServerConnection.Invariant($"{store.Command} {store.Key} {store.Flags} {store.TimeToLive} {store.Data.Length}")
                + (store.Operation == MemcachedOperation.Cas ? " " + store.CasUnique!.Value.ToString(CultureInfo.InvariantCulture) : "") + "\r\n";
            var headerBytes = Encoding.UTF8.GetBytes(header);
            var message = new byte[headerBytes.Length + store.Data.Length + 2];
            Buffer.BlockCopy(headerBytes, 0, message, 0, headerBytes.Length);
            Buffer.BlockCopy(store.Data, 0, message, headerBytes.Length, store.Data.Length);
            message[message.Length - 2] = (byte)'\r';
            message[message.Length - 1] = (byte)'\n';
            return message;
        }

        /// <summary>A store's reply: its result, or the server's refusal of it (the connection stays in step either way).</summary>
        private static async Task<(MemcachedWriteResult? Result, NetworkException? Error)> ReadStoreReplyAsync(MemcachedServerConnection c, MemcachedStore store)
        {
            var line = await c.ReadLineAsync().ConfigureAwait(false);
            var error = ErrorReply(c, line, $"{store.Command} {store.Key}");
            if (error != null)
                return (null, error);
            return line switch
            {
                "STORED" => (new MemcachedWriteResult(store.Key, c.Name, store.Operation, true, line, null), null),
                "NOT_STORED" or "EXISTS" or "NOT_FOUND" => (new MemcachedWriteResult(store.Key, c.Name, store.Operation, false, line, null), null),
                _ => throw Unexpected(c, line, "STORED, NOT_STORED, EXISTS or NOT_FOUND"),
            };
        }

        private static void ValidateTtl(long timeToLive)
        {
            if (timeToLive < 0 || timeToLive > uint.MaxValue)
                throw new InvalidNetworkRequestException($"A time to live is 0 (never expires) or a number of seconds, not {timeToLive}.", null);
        }

        /// <summary>touch: a new time to live for an item.</summary>
        public Task<MemcachedWriteResult> TouchAsync(string key, long timeToLive, Transcript transcript, CancellationToken cancellation)
        {
            MemcachedKeys.Validate(key);
            ValidateTtl(timeToLive);
            return SimpleAsync(key, MemcachedOperation.Touch, MemcachedServerConnection.Invariant($"touch {key} {timeToLive}"), "TOUCHED", transcript, cancellation);
        }

        public Task<MemcachedWriteResult> DeleteAsync(string key, Transcript transcript, CancellationToken cancellation)
        {
            MemcachedKeys.Validate(key);
            return SimpleAsync(key, MemcachedOperation.Delete, "delete " + key, "DELETED", transcript, cancellation);
        }

        private Task<MemcachedWriteResult> SimpleAsync(string key, MemcachedOperation operation, string command, string success,
            Transcript transcript, CancellationToken cancellation) =>
            OnServerOfAsync(key, async c =>
            {
                await c.SendLineAsync(command).ConfigureAwait(false);
                var line = await c.ReadLineAsync().ConfigureAwait(false);
                var error = ErrorReply(c, line, command);
                if (error != null)
                    throw error;
                if (line == success || line == "NOT_FOUND")
                    return new MemcachedWriteResult(key, c.Name, operation, line == success, line, null);
                throw Unexpected(c, line, $"{success} or NOT_FOUND");
            }, transcript, cancellation);

        /// <summary>incr or decr by delta; a missing key is NOT_FOUND, unless initial is given: then it is added with that value.</summary>
        public async Task<MemcachedWriteResult> CounterAsync(string key, bool increment, ulong delta, ulong? initial, long timeToLive,
            Transcript transcript, CancellationToken cancellation)
        {
            MemcachedKeys.Validate(key);
            var operation = increment ? MemcachedOperation.Increment : MemcachedOperation.Decrement;
            var command = MemcachedServerConnection.Invariant($"{(increment ? "incr" : "decr")} {key} {delta}");
            for (var attempt = 0; ; attempt++)
            {
                var result = await OnServerOfAsync(key, async c =>
                {
                    await c.SendLineAsync(command).ConfigureAwait(false);
                    var line = await c.ReadLineAsync().ConfigureAwait(false);
                    var error = ErrorReply(c, line, command);
                    if (error != null)
                        throw error;
                    if (line == "NOT_FOUND")
                        return new MemcachedWriteResult(key, c.Name, operation, false, line, null);
                    if (ulong.TryParse(line.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                        return new MemcachedWriteResult(key, c.Name, operation, true, line, value);
                    throw Unexpected(c, line, "the counter's value or NOT_FOUND");
                }, transcript, cancellation).ConfigureAwait(false);
                if (result.Succeeded || !initial.HasValue || attempt > 0)
                    return result;
                // Add rather than set: a client that added it first wins, and this one counts on top.
                var text = Encoding.ASCII.GetBytes(initial.Value.ToString(CultureInfo.InvariantCulture));
                var added = await StoreAsync(MemcachedOperation.Add, key, 0, text, timeToLive, null, transcript, cancellation).ConfigureAwait(false);
                if (added.Succeeded)
                    return new MemcachedWriteResult(key, added.Server, operation, true, added.Reply, initial.Value);
            }
        }

        /// <summary>stats of every server (or those named), in the session's order; a server that fails is in the failures.</summary>
        public async Task<(IReadOnlyList<MemcachedServerStats> Stats, IReadOnlyList<NetworkException> Failures)> StatsAsync(
            IReadOnlyCollection<string>? servers, Transcript transcript, CancellationToken cancellation)
        {
            var chosen = connections.Where(c => servers == null || servers.Count == 0 || servers.Contains(c.Name, StringComparer.OrdinalIgnoreCase)).ToArray();
            if (chosen.Length == 0)
                throw new InvalidNetworkRequestException($"None of {string.Join(", ", servers!)} is a server of the session ({string.Join(", ", Session.Servers)}).", null);
            var tasks = chosen.Select(c => c.ExchangeAsync(async s =>
            {
                await s.SendLineAsync("stats").ConfigureAwait(false);
                var stats = new Dictionary<string, string>(StringComparer.Ordinal);
                for (var lines = 0; ; lines++)
                {
                    var line = await s.ReadLineAsync().ConfigureAwait(false);
                    if (line == "END")
                        return new MemcachedServerStats(s.Name, stats);
                    var error = ErrorReply(s, line, "stats");
                    if (error != null)
                        throw error;
                    if (lines >= MaxStatLines)
                        throw new ProtocolViolationException($"{s.Name} sent more than {MaxStatLines} STAT lines (the bound on a stats reply).", s.Name);
                    var parts = line.Split(new[] { ' ' }, 3);
                    if (parts.Length != 3 || parts[0] != "STAT")
                        throw Unexpected(s, line, "STAT <name> <value> or END");
                    stats[parts[1]] = parts[2];
                }
            }, options.ConnectTimeout, transcript, cancellation)).ToArray();
            try
            {
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }
            catch (Exception)
            {
                cancellation.ThrowIfCancellationRequested();
            }
            var results = new List<MemcachedServerStats>();
            var failures = new List<NetworkException>();
            for (var i = 0; i < tasks.Length; i++)
            {
                if (tasks[i].Status == TaskStatus.RanToCompletion)
                    results.Add(tasks[i].Result);
                else
                    failures.Add(SocketErrors.OfConnection(tasks[i].Exception!.GetBaseException(), chosen[i].Name));
            }
            return (results, failures);
        }

        /// <summary>
        /// Cache-aside (the book's squares.py): the item of key when it is there (a hit); otherwise (a miss) compute's
        /// value, stored with timeToLive and returned. With lockSeconds, a miss first adds "key:lock" (memcached's add
        /// succeeds for one client only): the client that holds it reads the key once more (another may have computed
        /// and unlocked since the miss) and computes; the others read the key again every 50 ms until it appears or the
        /// lock expires, and then compute themselves. compute gives the value's flags and
        /// bytes; it may run on another thread (the shell's).
        /// </summary>
        public async Task<(MemcachedItem Item, bool Hit)> GetOrAddAsync(string key, long timeToLive, Func<Task<(uint Flags, byte[] Data)>> compute,
            double? lockSeconds, Transcript transcript, CancellationToken cancellation)
        {
            MemcachedKeys.Validate(key);
            var lockKey = key + ":lock";
            if (lockSeconds.HasValue)
                MemcachedKeys.Validate(lockKey);
            var existing = await GetOneAsync(key, transcript, cancellation).ConfigureAwait(false);
            if (existing != null)
            {
                Session.CountHit();
                return (existing, true);
            }
            Session.CountMiss();
            var locked = false;
            if (lockSeconds.HasValue)
            {
                var lockTtl = (long)Math.Max(1, Math.Ceiling(lockSeconds.Value));
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(lockSeconds.Value);
                while (true)
                {
                    var taken = await StoreAsync(MemcachedOperation.Add, lockKey, 0, Encoding.ASCII.GetBytes("1"), lockTtl, null, transcript, cancellation).ConfigureAwait(false);
                    if (taken.Succeeded)
                    {
                        // Another client may have computed, stored and unlocked between this one's miss and its add.
                        var computedMeanwhile = await GetOneAsync(key, transcript, cancellation).ConfigureAwait(false);
                        if (computedMeanwhile != null)
                        {
                            await DeleteAsync(lockKey, transcript, CancellationToken.None).ConfigureAwait(false);
                            Session.CountLockWait();
                            return (computedMeanwhile, false);
                        }
                        locked = true;
                        break;
                    }
                    await Task.Delay(50, cancellation).ConfigureAwait(false);
                    var stored = await GetOneAsync(key, transcript, cancellation).ConfigureAwait(false);
                    if (stored != null)
                    {
                        Session.CountLockWait();
                        return (stored, false);
                    }
                    if (DateTime.UtcNow > deadline)
                        break;
                }
            }
            try
            {
                var (flags, data) = await compute().ConfigureAwait(false);
                await StoreAsync(MemcachedOperation.Set, key, flags, data, timeToLive, null, transcript, cancellation).ConfigureAwait(false);
                Session.CountComputed();
                return (new MemcachedItem(key, Route(key).Name, flags, data, null, DefaultValue(flags, data), Session), false);
            }
            finally
            {
                if (locked)
                    await DeleteAsync(lockKey, transcript, CancellationToken.None).ConfigureAwait(false);
            }
        }

        private async Task<MemcachedItem?> GetOneAsync(string key, Transcript transcript, CancellationToken cancellation)
        {
            var result = await GetAsync(new[] { key }, false, transcript, cancellation).ConfigureAwait(false);
            if (result.Failures.Count > 0)
                throw result.Failures[0];
            return result.Items.Count > 0 ? result.Items[0] : null;
        }

        /// <summary>Closes every connection.</summary>
        public Task DisconnectAsync(Transcript transcript, CancellationToken cancellation)
        {
            transcript.Note($"Closing the connections to {string.Join(", ", Session.Servers)}");
            Dispose();
            return Task.CompletedTask;
        }

        public void Dispose()
        {
            closed = true;
            foreach (var connection in connections)
                connection.Dispose();
        }
    }

    /// <summary>Reaches the Core side of a session.</summary>
    public static class MemcachedSessions
    {
        public static MemcachedClient Connection(this MemcachedSession session) => (MemcachedClient)session.Handle;
    }
}
