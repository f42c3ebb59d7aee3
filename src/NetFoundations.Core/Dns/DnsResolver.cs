using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using DnsClient;

namespace NetFoundations.Core.Dns
{
    /// <summary>The outcome of one name in a batch: its records (or whole response), or the error.</summary>
    public sealed class DnsLookup
    {
        public DnsLookup(string name, IReadOnlyList<DnsRecord>? records, DnsResponse? response, Exception? error)
        {
            Name = name;
            Records = records ?? Array.Empty<DnsRecord>();
            Response = response;
            Error = error;
        }

        public string Name { get; }
        public IReadOnlyList<DnsRecord> Records { get; }
        public DnsResponse? Response { get; }
        public Exception? Error { get; }
    }

    /// <summary>
    /// A DNS client (on DnsClient) for given servers or the system's resolvers. Queries over UDP,
    /// retries over TCP when an answer is truncated, follows CNAME chains, and reports error
    /// responses as DnsQueryException. Safe to use from many tasks at once.
    /// </summary>
    public sealed class DnsResolver
    {
        public const int MaxCnameHops = 16;
        public const int MaxConcurrency = 1024;
        private readonly LookupClient client;
        private readonly DnsResolverOptions options;
        private readonly TimeSpan bound;

        private DnsResolver(LookupClient client, DnsResolverOptions options)
        {
            this.client = client;
            this.options = options;
            Servers = client.NameServers.Select(s => Endpoints.Format(s.Address, s.Port)).ToArray();
            // Every try of every server, over UDP and then TCP, plus a second: nothing waits longer.
            bound = TimeSpan.FromTicks(options.Timeout.Ticks * (options.Retries + 1) * Math.Max(1, Servers.Count) * 2) + TimeSpan.FromSeconds(1);
        }

        /// <summary>The servers asked, in order, as address:port.</summary>
        public IReadOnlyList<string> Servers { get; }

        public static async Task<DnsResolver> CreateAsync(DnsResolverOptions options, CancellationToken cancellationToken)
        {
            var servers = new List<NameServer>();
            foreach (var server in options.Servers)
            {
                var (host, port) = DnsResolverOptions.ParseServer(server);
                var addresses = await Endpoints.ResolveAsync(host, null, options.Timeout, cancellationToken).ConfigureAwait(false);
                servers.Add(new NameServer(addresses[0], port));
            }
            var settings = servers.Count > 0 ? new LookupClientOptions(servers.ToArray()) : new LookupClientOptions();
            settings.UseCache = false;
            settings.UseRandomNameServer = false;
            settings.ContinueOnEmptyResponse = false;
            settings.ContinueOnDnsError = true;
            settings.ThrowDnsErrors = false;
            settings.UseTcpFallback = true;
            settings.UseTcpOnly = options.TcpOnly;
            settings.Recursion = options.Recursion;
            settings.RequestDnsSecRecords = options.DnssecOk;
            settings.Timeout = options.Timeout;
            settings.Retries = options.Retries;
            LookupClient client;
            try
            {
                client = new LookupClient(settings);
            }
            catch (InvalidOperationException e)
            {
                throw new NameResolutionException("The system has no DNS resolvers configured: name one with -Server.", null, e);
            }
            if (client.NameServers.Count == 0)
                throw new NameResolutionException("The system has no DNS resolvers configured: name one with -Server.", null);
            return new DnsResolver(client, options);
        }

        /// <summary>Sends one question and returns the whole response, whatever its response code.</summary>
        public Task<DnsResponse> QueryAsync(string name, DnsRecordType type, Transcript? transcript, CancellationToken cancellationToken) =>
            QueryAsync(name, type, null, transcript, cancellationToken);

        /// <summary>Asks on the channel first when there is one, and DnsClient when the channel has no answer.</summary>
        private async Task<DnsResponse> QueryAsync(string name, DnsRecordType type, DnsUdpChannel? channel, Transcript? transcript, CancellationToken cancellationToken)
        {
            var question = DnsNames.Display(name.Trim());
            transcript?.Note($"-> {question} IN {type} to {string.Join(", ", Servers)}{(options.TcpOnly ? " over TCP" : string.Empty)}");
            var response = channel == null ? null : await channel.AskAsync(question, type, options.Recursion).ConfigureAwait(false);
            if (response == null)
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                limit.CancelAfter(bound);
                var watch = Stopwatch.StartNew();
                IDnsQueryResponse raw;
                try
                {
                    raw = await client.QueryAsync(new DnsQuestion(question.EndsWith(".", StringComparison.Ordinal) ? question : question + ".", (QueryType)(int)type),
                        limit.Token).ConfigureAwait(false);
                }
                catch (Exception) when (cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException(cancellationToken);
                }
                catch (Exception e)
                {
                    var error = Translate(e, Target(question, type));
                    transcript?.ClientError(error.Message);
                    throw error;
                }
                watch.Stop();
                response = DnsClientConversion.ToResponse(raw, question, type, watch.Elapsed);
            }
            transcript?.Note($"<- {response.ResponseCode} from {response.Server}, flags {response.Flags}, " +
                $"{response.Answers.Count}/{response.Authorities.Count}/{response.Additionals.Count} records, {response.MessageSize} bytes, " +
                $"{response.Duration.TotalMilliseconds:0.#} ms");
            foreach (var record in response.Answers)
                transcript?.Note("   " + record);
            return response;
        }

        /// <summary>
        /// The records of a type at a name, following CNAMEs (the chain comes first). An address
        /// literal asks for its PTR; no type means A. Throws DnsQueryException for NXDOMAIN, NODATA
        /// and error responses.
        /// </summary>
        public Task<IReadOnlyList<DnsRecord>> ResolveAsync(string name, DnsRecordType? type, Transcript? transcript, CancellationToken cancellationToken) =>
            ResolveAsync(name, type, null, transcript, cancellationToken);

        private async Task<IReadOnlyList<DnsRecord>> ResolveAsync(string name, DnsRecordType? type, DnsUdpChannel? channel, Transcript? transcript,
            CancellationToken cancellationToken)
        {
            var (current, wanted) = DnsNames.Question(name, type);
            var result = new List<DnsRecord>();
            var visited = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { current };
            var response = await QueryAsync(current, wanted, channel, transcript, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                ThrowOnError(response, current, wanted);
                if (wanted == DnsRecordType.CNAME || wanted == DnsRecordType.ANY)
                {
                    if (response.Answers.Count == 0)
                        throw NoData(response, current, wanted);
                    return response.Answers;
                }

                var followed = false;
                while (true)
                {
                    var owner = current;
                    var found = response.Answers.Where(r => r.Type == wanted && DnsNames.Same(r.Name, owner)).ToArray();
                    if (found.Length > 0)
                    {
                        result.AddRange(found);
                        return result;
                    }
                    var alias = response.Answers.OfType<DnsCnameRecord>().FirstOrDefault(r => DnsNames.Same(r.Name, owner));
                    if (alias == null)
                        break;
                    if (!visited.Add(DnsNames.Display(alias.NameHost)))
                        throw new ProtocolViolationException($"The CNAME chain of {name} loops back to {alias.NameHost}.", Target(name, wanted));
                    if (visited.Count > MaxCnameHops + 1)
                        throw new ProtocolViolationException($"The CNAME chain of {name} is longer than {MaxCnameHops} names.", Target(name, wanted));
                    result.Add(alias);
                    current = alias.NameHost;
                    followed = true;
                }
                if (!followed)
                    throw NoData(response, current, wanted);
                // The chain leaves what this server answered for: ask about its end.
                response = await QueryAsync(current, wanted, channel, transcript, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Resolves many names, at most concurrency at a time, and reports the outcomes to onResults in
        /// the order of names, each run of finished ones at once (a slow name holds back the reports
        /// after it, not the queries). onResults is called under a lock: it should only hand the run on.
        /// With one server over UDP and without DNSSEC, the everyday questions share one socket
        /// (DnsUdpChannel); DnsClient asks the rest, and again whatever the socket got no clean answer for.
        /// </summary>
        public async Task LookupManyAsync(IReadOnlyList<string> names, DnsRecordType? type, bool wholeResponse, int concurrency,
            Action<IReadOnlyList<DnsLookup>> onResults, Transcript? transcript, CancellationToken cancellationToken)
        {
            if (concurrency < 1 || concurrency > MaxConcurrency)
                throw new ArgumentOutOfRangeException(nameof(concurrency), concurrency, $"Concurrency is a number from 1 to {MaxConcurrency}.");
            using var channel = OpenChannel(cancellationToken);
            var outcomes = new DnsLookup?[names.Count];
            var taken = -1;
            var reported = 0;

            // concurrency loops, each taking the next name when done with one: no task per name waits
            // for a turn, and an answer carries its loop straight on to the next question.
            async Task LookUpAsync()
            {
                for (var i = Interlocked.Increment(ref taken); i < names.Count; i = Interlocked.Increment(ref taken))
                {
                    var outcome = await LookupOneAsync(names[i], type, wholeResponse, channel, transcript, cancellationToken).ConfigureAwait(false);
                    lock (outcomes)
                    {
                        outcomes[i] = outcome;
                        if (i != reported)
                            continue;
                        var run = new List<DnsLookup>();
                        for (; reported < outcomes.Length && outcomes[reported] != null; reported++)
                            run.Add(outcomes[reported]!);
                        onResults(run);
                    }
                }
            }

            await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, names.Count)).Select(_ => LookUpAsync()).ToArray()).ConfigureAwait(false);
        }

        private DnsUdpChannel? OpenChannel(CancellationToken cancellationToken)
        {
            if (client.NameServers.Count != 1 || options.TcpOnly || options.DnssecOk)
                return null;
            var server = client.NameServers.First();
            return IPAddress.TryParse(server.Address, out var address) ? DnsUdpChannel.Open(address, server.Port, options.Timeout, cancellationToken) : null;
        }

        private async Task<DnsLookup> LookupOneAsync(string name, DnsRecordType? type, bool wholeResponse, DnsUdpChannel? channel,
            Transcript? transcript, CancellationToken cancellationToken)
        {
            try
            {
                if (wholeResponse)
                {
                    var (question, wanted) = DnsNames.Question(name, type);
                    return new DnsLookup(name, null, await QueryAsync(question, wanted, channel, transcript, cancellationToken).ConfigureAwait(false), null);
                }
                return new DnsLookup(name, await ResolveAsync(name, type, channel, transcript, cancellationToken).ConfigureAwait(false), null, null);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                return new DnsLookup(name, null, null, e);
            }
        }

        private static void ThrowOnError(DnsResponse response, string name, DnsRecordType type)
        {
            if (response.ResponseCode == DnsResponseCode.NOERROR)
                return;
            var meaning = response.ResponseCode switch
            {
                DnsResponseCode.NXDOMAIN => "the name does not exist",
                DnsResponseCode.SERVFAIL => "the server failed to answer",
                DnsResponseCode.REFUSED => "the server refused to answer",
                DnsResponseCode.FORMERR => "the server could not read the query",
                DnsResponseCode.NOTIMP => "the server does not implement this kind of query",
                _ => "the server answered with an error",
            };
            throw new DnsQueryException($"{name} {type}: {meaning} ({response.ResponseCode} from {response.Server}).",
                name, type, response.ResponseCode.ToString(), response);
        }

        private static DnsQueryException NoData(DnsResponse response, string name, DnsRecordType type) =>
            new DnsQueryException($"{name} exists but has no {type} records (NODATA from {response.Server}).",
                name, type, DnsQueryException.NoData, response);

        private static string Target(string name, DnsRecordType type) => $"{DnsNames.Display(name)} {type}";

        private Exception Translate(Exception error, string target)
        {
            var servers = string.Join(", ", Servers);
            switch (error)
            {
                case OperationCanceledException _:
                    return new NetworkTimeoutException($"{target}: no answer from {servers} within {bound.TotalSeconds:0.#} s.", target, error);
                case DnsResponseException response when response.Code == DnsClient.DnsResponseCode.ConnectionTimeout:
                    return new NetworkTimeoutException(
                        $"{target}: no answer from {servers} within {options.Timeout.TotalSeconds:0.###} s ({options.Retries + 1} tries per server).", target, error);
                case DnsXidMismatchException _:
                    return new ProtocolViolationException(
                        $"{target}: the answer from {servers} has another ID than the query (a stray or forged answer); none was taken.", target, error);
                case DnsResponseParseException _:
                    return new ProtocolViolationException($"{target}: the answer from {servers} is malformed: {error.Message}", target, error);
                case DnsResponseException response when response.InnerException != null:
                    return Translate(response.InnerException, target);
                case DnsResponseException response:
                    return new ProtocolViolationException($"{target}: {response.Message}", target, error);
                case SocketException socket:
                    return SocketErrors.Translate(socket, servers);
                case ArgumentException argument:
                    return new InvalidNetworkRequestException($"{target} cannot be asked: {argument.Message}", target, error);
                case NetworkException network:
                    return network;
                default:
                    return new ProtocolViolationException($"{target}: {error.Message}", target, error);
            }
        }
    }
}
