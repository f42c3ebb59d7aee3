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
    /// A DNS client for given servers or the system's resolvers. Queries over UDP through DnsClient,
    /// asks again over TCP itself (DnsTcpExchange) when an answer is truncated or TCP only is asked
    /// for, follows CNAME chains, and reports error responses as DnsQueryException. Safe to use from
    /// many tasks at once.
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
            // The TCP leg is DnsTcpExchange's: DnsClient's reports a closed connection as a timeout and reads on
            // while bytes keep coming.
            settings.UseTcpFallback = false;
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
        public async Task<DnsResponse> QueryAsync(string name, DnsRecordType type, Transcript? transcript, CancellationToken cancellationToken)
        {
            var question = DnsNames.Display(name.Trim());
            NoteQuestion(transcript, question, type, string.Join(", ", Servers), options.TcpOnly);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(bound);
            var watch = Stopwatch.StartNew();
            DnsResponse response;
            try
            {
                if (options.TcpOnly)
                {
                    response = await OverTcpAsync(client.NameServers.Select(EndPoint).ToArray(), question, type, limit.Token).ConfigureAwait(false);
                }
                else
                {
                    try
                    {
                        var raw = await client.QueryAsync(new DnsQuestion(question.EndsWith(".", StringComparison.Ordinal) ? question : question + ".", (QueryType)(int)type),
                            limit.Token).ConfigureAwait(false);
                        watch.Stop();
                        // DnsClient matches an answer to its query by ID alone.
                        if (raw.Questions.Count > 1 || raw.Questions.Any(q => !DnsNames.Same(q.QueryName.Value, question) || (int)q.QuestionType != (int)type))
                            throw new ProtocolViolationException(
                                $"{CnameChain.Target(question, type)}: the answer from {string.Join(", ", Servers)} is for another question; it was not taken.",
                                CnameChain.Target(question, type));
                        response = DnsClientConversion.ToResponse(raw, question, type, watch.Elapsed);
                    }
                    catch (DnsResponseException e) when (e.Code == DnsClient.DnsResponseCode.Unassigned && e.InnerException == null)
                    {
                        // DnsClient's word, with its TCP fallback off, for an answer over UDP that was truncated or could
                        // not be read whole (a datagram may have been cut): the servers are asked again over TCP, in order.
                        transcript?.Note("<- truncated or unreadable over UDP: asking again over TCP");
                        response = await OverTcpAsync(client.NameServers.Select(EndPoint).ToArray(), question, type, limit.Token).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
            catch (Exception e)
            {
                var error = Translate(e, CnameChain.Target(question, type));
                transcript?.ClientError(error.Message);
                throw error;
            }
            NoteAnswer(transcript, response);
            return response;
        }

        private static IPEndPoint EndPoint(NameServer server) => new IPEndPoint(IPAddress.Parse(server.Address), server.Port);

        /// <summary>
        /// Asks the servers over TCP in order, each up to Retries + 1 times while it times out or drops the connection;
        /// a server that refuses or answers wrongly gives way to the next. The last failure is thrown.
        /// </summary>
        private async Task<DnsResponse> OverTcpAsync(IReadOnlyList<IPEndPoint> servers, string question, DnsRecordType type, CancellationToken cancellationToken)
        {
            NetworkException? failure = null;
            foreach (var server in servers)
            {
                for (var attempt = 0; attempt <= options.Retries; attempt++)
                {
                    try
                    {
                        return await DnsTcpExchange.AskAsync(server, question, type, options.Recursion, options.DnssecOk, options.Timeout, cancellationToken)
                            .ConfigureAwait(false);
                    }
                    catch (NetworkException e) when (e is NetworkTimeoutException || e is ConnectionLostException)
                    {
                        failure = e;
                    }
                    catch (NetworkException e)
                    {
                        failure = e;
                        break;
                    }
                }
            }
            throw failure!;
        }

        internal static void NoteQuestion(Transcript? transcript, string question, DnsRecordType type, string servers, bool tcpOnly) =>
            transcript?.Note($"-> {question} IN {type} to {servers}{(tcpOnly ? " over TCP" : string.Empty)}");

        internal static void NoteAnswer(Transcript? transcript, DnsResponse response)
        {
            if (transcript == null)
                return;
            transcript.Note($"<- {response.ResponseCode} from {response.Server}, flags {response.Flags}, " +
                $"{response.Answers.Count}/{response.Authorities.Count}/{response.Additionals.Count} records, {response.MessageSize} bytes, " +
                $"{response.DurationMs:0.#} ms");
            foreach (var record in response.Answers)
                transcript.Note("   " + record);
        }

        /// <summary>
        /// The records of a type at a name, following CNAMEs (the chain comes first). An address
        /// literal asks for its PTR; no type means A. Throws DnsQueryException for NXDOMAIN, NODATA
        /// and error responses.
        /// </summary>
        public async Task<IReadOnlyList<DnsRecord>> ResolveAsync(string name, DnsRecordType? type, Transcript? transcript, CancellationToken cancellationToken)
        {
            var chain = await FollowAsync(new CnameChain(name, type, false), transcript, cancellationToken).ConfigureAwait(false);
            return chain.Records;
        }

        /// <summary>Asks the chain's questions until it is complete, all within the options' TotalTimeout (or what is left of it).</summary>
        private async Task<CnameChain> FollowAsync(CnameChain chain, Transcript? transcript, CancellationToken cancellationToken, TimeSpan? left = null)
        {
            using var total = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var time = left ?? options.TotalTimeout;
            if (time <= TimeSpan.Zero)
                total.Cancel();
            else
                total.CancelAfter(time);
            try
            {
                while (!chain.Take(await QueryAsync(chain.Question, chain.Type, transcript, total.Token).ConfigureAwait(false)))
                {
                }
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                var target = CnameChain.Target(chain.Name, chain.Type);
                throw new NetworkTimeoutException($"{target}: the lookup did not end within {options.TotalTimeout.TotalSeconds:0.###} s.", target, e);
            }
            return chain;
        }

        /// <summary>
        /// Resolves many names, at most concurrency at a time, and reports the outcomes to onResults in
        /// the order of names, each run of finished ones at once (a slow name holds back the reports
        /// after it, not the queries). onResults is called under a lock: it should only hand the run on.
        /// </summary>
        public Task LookupManyAsync(IReadOnlyList<string> names, DnsRecordType? type, bool wholeResponse, int concurrency,
            Action<IReadOnlyList<DnsLookup>> onResults, Transcript? transcript, CancellationToken cancellationToken) =>
            LookupManyAsync(new DnsNameFeed(names), type, wholeResponse, concurrency, onResults, transcript, cancellationToken);

        /// <summary>
        /// Resolves the names of a feed as they come, at most concurrency at a time, and reports the
        /// outcomes to onResults in the order of the names, each run of finished ones at once (a slow
        /// name holds back the reports after it, not the queries); ends once the feed is complete and
        /// every name answered. onResults is called under a lock: it should only hand the run on.
        /// With one server over UDP and without DNSSEC, the everyday questions go out on one socket
        /// from one thread (DnsLookupLoop); DnsClient asks the rest, and again whatever the socket got
        /// no clean answer for.
        /// </summary>
        public async Task LookupManyAsync(DnsNameFeed feed, DnsRecordType? type, bool wholeResponse, int concurrency,
            Action<IReadOnlyList<DnsLookup>> onResults, Transcript? transcript, CancellationToken cancellationToken)
        {
            if (concurrency < 1 || concurrency > MaxConcurrency)
                throw new ArgumentOutOfRangeException(nameof(concurrency), concurrency, $"Concurrency is a number from 1 to {MaxConcurrency}.");
            // The runs go on to the caller, which may keep them: each is copied out of the fan-out's list.
            var lookups = new OrderedFanOut<DnsLookup>(concurrency, run => onResults(run.ToArray()));

            CnameChain? Start(int index, string name)
            {
                try
                {
                    return new CnameChain(name, type, wholeResponse);
                }
                catch (ArgumentException e)
                {
                    lookups.Finish(index, new DnsLookup(name, null, null, e));
                    return null;
                }
            }

            using var loop = OpenLoop();
            var handedOver = new List<Task>();
            void HandOver(int index, CnameChain chain) => handedOver.Add(Task.Run(async () =>
            {
                // Asked again from its name, within what is left of its TotalTimeout.
                var left = options.TotalTimeout - TimeSpan.FromTicks((Stopwatch.GetTimestamp() - chain.Started) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
                var outcome = await LookupOneAsync(chain.Name, type, wholeResponse, left, transcript, cancellationToken).ConfigureAwait(false);
                lookups.Finish(index, outcome);
            }));

            try
            {
                await Task.Factory.StartNew(() => loop.Run(feed, Start, lookups, options.Recursion, HandOver, transcript, cancellationToken),
                    cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
            }
            finally
            {
                // The loop has stopped adding: what was handed over ends (or sees the cancellation) before the loop goes.
                await Task.WhenAll(handedOver).ConfigureAwait(false);
            }
        }

        private DnsLookupLoop OpenLoop()
        {
            if (client.NameServers.Count != 1 || options.TcpOnly || options.DnssecOk)
                return DnsLookupLoop.WithoutSocket();
            var server = client.NameServers.First();
            // A try on the socket waits no longer than a whole lookup may take.
            var timeout = options.Timeout < options.TotalTimeout ? options.Timeout : options.TotalTimeout;
            return IPAddress.TryParse(server.Address, out var address) ? DnsLookupLoop.Open(address, server.Port, timeout) : DnsLookupLoop.WithoutSocket();
        }

        private async Task<DnsLookup> LookupOneAsync(string name, DnsRecordType? type, bool wholeResponse, TimeSpan left, Transcript? transcript,
            CancellationToken cancellationToken)
        {
            try
            {
                var chain = await FollowAsync(new CnameChain(name, type, wholeResponse), transcript, cancellationToken, left).ConfigureAwait(false);
                return chain.Outcome();
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                return new DnsLookup(name, null, null, e);
            }
        }

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
                case DnsResponseParseException parse:
                    // Not DnsClient's message, nor the exception as inner: both carry its pooled receive buffer, which holds
                    // bytes beyond this datagram (earlier answers, other data of this process).
                    return new ProtocolViolationException(
                        $"{target}: the answer from {servers} is malformed: it cannot be read at byte {parse.Index} (a name, count or length points outside it, or names loop).",
                        target);
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
