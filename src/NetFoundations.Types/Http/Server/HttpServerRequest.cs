using System;
using System.Collections;
using System.Collections.Generic;
using System.Text;
using NetFoundations.Core.Servers;

namespace NetFoundations.Core.Http
{
    /// <summary>
    /// One HTTP request a server received, as its handler sees it: the request line cut into method, path and query,
    /// the headers, the whole body (bounded by the server's body limit, chunked bodies already joined), and the client.
    /// Query, Form and RouteParameters are tables whose keys are compared without regard to case, as in @{}.
    /// </summary>
    public sealed class HttpServerRequest
    {
        private readonly IReadOnlyList<KeyValuePair<string, string>> headers;
        private Hashtable? form;

        internal HttpServerRequest(string method, string target, string path, string queryString, string version,
            IReadOnlyList<KeyValuePair<string, string>> headers, byte[] body, TcpServerPeer client, bool tls)
        {
            Method = method;
            Target = target;
            Path = path;
            QueryString = queryString;
            Version = version;
            this.headers = headers;
            Body = body;
            Client = client;
            IsTls = tls;
            ReceivedAt = DateTime.Now;
            Query = HttpServerForms.Parse(queryString);
            var headerTable = new Hashtable(StringComparer.OrdinalIgnoreCase);
            foreach (var header in headers)
                headerTable[header.Key] = headerTable[header.Key] is string before ? before + ", " + header.Value : header.Value;
            Headers = headerTable;
            Host = Header("Host") ?? "";
        }

        /// <summary>GET, POST … as the client sent it (methods are case-sensitive).</summary>
        public string Method { get; }
        /// <summary>The request target as sent: the path with its query ("/items/7?full=1").</summary>
        public string Target { get; }
        /// <summary>The path, percent-decoded ("/items/7").</summary>
        public string Path { get; }
        /// <summary>What follows '?' in the target, as sent (not decoded); empty without one.</summary>
        public string QueryString { get; }
        /// <summary>The query's names and values, decoded; a name given twice has its values as an array.</summary>
        public Hashtable Query { get; }
        /// <summary>"HTTP/1.1" or "HTTP/1.0".</summary>
        public string Version { get; }
        /// <summary>Header names to values; a header sent several times has its values joined with ", ".</summary>
        public Hashtable Headers { get; }
        /// <summary>The Host header as sent (name and port), empty without one.</summary>
        public string Host { get; }
        /// <summary>The Host header without its port, lower-cased.</summary>
        public string HostName => HttpServerForms.HostWithoutPort(Host);
        public string? ContentType => Header("Content-Type");
        /// <summary>The body's bytes (empty without one).</summary>
        public byte[] Body { get; }
        public int BodyLength => Body.Length;
        /// <summary>The body as text, in the charset its Content-Type names (UTF-8 otherwise).</summary>
        public string BodyText => HttpServerForms.Charset(ContentType).GetString(Body);
        /// <summary>An application/x-www-form-urlencoded body's fields, decoded; empty for other bodies.</summary>
        public Hashtable Form => form ??= IsForm ? HttpServerForms.Parse(Encoding.ASCII.GetString(Body)) : new Hashtable(StringComparer.OrdinalIgnoreCase);
        /// <summary>The parameters of the route pattern that matched ("/items/{id}" gives id); empty without a router.</summary>
        public Hashtable RouteParameters { get; internal set; } = new Hashtable(StringComparer.OrdinalIgnoreCase);
        /// <summary>
        /// The name per-route counters and the request log keep this request under: the router sets the route's pattern
        /// ("GET /items/{id}"), or what answered instead ("404", "static"); a handler of its own may set its own name (an RPC method).
        /// </summary>
        public string? Route { get; set; }
        /// <summary>The client: its address and port, its certificate over TLS, its per-connection state.</summary>
        public TcpServerPeer Client { get; }
        public string RemoteAddress => Client.RemoteAddress;
        public int RemotePort => Client.RemotePort;
        /// <summary>The client as address:port ([v6]:port).</summary>
        public string RemoteEndPoint => Endpoints.Format(Client.RemoteAddress, Client.RemotePort);
        /// <summary>The request came over TLS.</summary>
        public bool IsTls { get; }
        public DateTime ReceivedAt { get; }

        public bool IsForm => ContentType != null && ContentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
        public bool IsJson => ContentType != null && HttpServerForms.MediaType(ContentType) is var type
            && (type == "application/json" || type.EndsWith("+json", StringComparison.Ordinal));

        /// <summary>The headers in the order they came, each as sent.</summary>
        public IReadOnlyList<KeyValuePair<string, string>> GetHeaderList() => headers;

        /// <summary>A header's value (several joined with ", "), or null.</summary>
        public string? Header(string name) => Headers[name] as string;

        public override string ToString() => $"{Method} {Target}";
    }
}
