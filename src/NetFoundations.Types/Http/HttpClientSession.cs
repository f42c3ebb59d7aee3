using System;
using System.Collections.Generic;
using System.Net;

namespace NetFoundations.Core.Http
{
    /// <summary>What a session asks of the client behind it, which Core holds (HttpClientEngine).</summary>
    internal interface IHttpClientSessionHandle
    {
        int ConnectionsOpened { get; }
        void Dispose();
    }

    /// <summary>
    /// A web session as users see it: the cookies it keeps (System.Net.Cookie objects, to read, change, add or remove),
    /// the headers sent with every request, the user it authenticates as, and the open connections it reuses across
    /// calls. Its requests go one at a time. Its work is done by the client behind it in Core.
    /// </summary>
    public sealed class HttpClientSession : IDisposable
    {
        private long requests;

        internal HttpClientSession(string? userName, IHttpClientSessionHandle handle)
        {
            UserName = userName;
            Handle = handle;
            CreatedAt = DateTimeOffset.Now;
        }

        /// <summary>
        /// The cookies the session sends where they match (domain, path, Secure, expiry) and updates from every
        /// response's Set-Cookie, redirects included. Edit them freely between calls.
        /// </summary>
        public List<Cookie> Cookies { get; } = new List<Cookie>();
        /// <summary>Headers sent with every request of the session (a request's own -Headers win).</summary>
        public Dictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        /// <summary>Whom -Credential authenticates as (basic or digest, as the server asks); the password is not shown.</summary>
        public string? UserName { get; }
        public DateTimeOffset CreatedAt { get; }
        /// <summary>Requests sent, redirects included.</summary>
        public long Requests => System.Threading.Interlocked.Read(ref requests);
        /// <summary>Connections opened so far; fewer than Requests means connections were reused.</summary>
        public int ConnectionsOpened => Handle.ConnectionsOpened;

        internal IHttpClientSessionHandle Handle { get; }
        internal void CountRequest() => System.Threading.Interlocked.Increment(ref requests);

        public override string ToString() => $"HTTP session: {Cookies.Count} cookies, {Requests} requests over {ConnectionsOpened} connections";

        /// <summary>Closes the session's open connections.</summary>
        public void Dispose() => Handle.Dispose();
    }
}
